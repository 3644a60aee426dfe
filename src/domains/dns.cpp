#include "domains/dns.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <charconv>

namespace orion::domains {
namespace {

using Clock = std::chrono::steady_clock;

// RR types (RFC 1035, RFC 3596).
constexpr int kTypeA = 1;
constexpr int kTypeCname = 5;
constexpr int kTypeTxt = 16;
constexpr int kTypeAaaa = 28;

core::Error invalid(std::string_view text, std::string_view why) {
  return core::make_error(core::Errc::invalid_input,
                          "'" + std::string(text) + "' is not a resolver address (" +
                              std::string(why) + "): use IP[:PORT], e.g. 127.0.0.1:53");
}

// Reads the records of one answer into `records`; an ARES_* status.
using Parser = int (*)(const unsigned char* answer, int length, const std::string& name,
                       std::vector<std::string>& records);

// Where the callback leaves the answer; the lookup's loop waits for `done`.
struct Pending {
  Parser parse = nullptr;
  std::string name;
  bool done = false;
  int status = ARES_SUCCESS;
  std::vector<std::string> records;
};

void on_answer(void* arg, int status, int /*timeouts*/, unsigned char* answer, int length) {
  auto& pending = *static_cast<Pending*>(arg);
  pending.done = true;
  pending.status = status;
  if (status != ARES_SUCCESS) {
    return;
  }
  pending.status = pending.parse(answer, length, pending.name, pending.records);
}

int parse_txt(const unsigned char* answer, int length, const std::string& /*name*/,
              std::vector<std::string>& records) {
  ares_txt_ext* reply = nullptr;
  if (int parsed = ares_parse_txt_reply_ext(answer, length, &reply); parsed != ARES_SUCCESS) {
    return parsed;
  }
  // A record longer than 255 bytes arrives as several character-strings; they form one value.
  for (const ares_txt_ext* part = reply; part != nullptr; part = part->next) {
    std::string text(reinterpret_cast<const char*>(part->txt), part->length);
    if (part->record_start != 0 || records.empty()) {
      records.push_back(std::move(text));
    } else {
      records.back() += text;
    }
  }
  ares_free_data(reply);
  return ARES_SUCCESS;
}

// The addresses of a hostent from ares_parse_a_reply / ares_parse_aaaa_reply, as text.
int addresses_of(int parsed, hostent* host, std::vector<std::string>& records) {
  if (parsed != ARES_SUCCESS || host == nullptr) {
    if (host != nullptr) {
      ares_free_hostent(host);
    }
    return parsed != ARES_SUCCESS ? parsed : ARES_ENODATA;
  }
  for (char** entry = host->h_addr_list; entry != nullptr && *entry != nullptr; ++entry) {
    std::array<char, INET6_ADDRSTRLEN> text{};
    if (inet_ntop(host->h_addrtype, *entry, text.data(), text.size()) != nullptr) {
      records.emplace_back(text.data());
    }
  }
  ares_free_hostent(host);
  return records.empty() ? ARES_ENODATA : ARES_SUCCESS;
}

// c-ares 1.18 writes TTLs whether or not they are wanted: it needs somewhere to put them.
constexpr int kMaxAddresses = 64;

int parse_a(const unsigned char* answer, int length, const std::string& /*name*/,
            std::vector<std::string>& records) {
  hostent* host = nullptr;
  std::array<ares_addrttl, kMaxAddresses> ttls{};
  int count = kMaxAddresses;
  const int parsed = ares_parse_a_reply(answer, length, &host, ttls.data(), &count);
  return addresses_of(parsed, host, records);
}

int parse_aaaa(const unsigned char* answer, int length, const std::string& /*name*/,
               std::vector<std::string>& records) {
  hostent* host = nullptr;
  std::array<ares_addr6ttl, kMaxAddresses> ttls{};
  int count = kMaxAddresses;
  const int parsed = ares_parse_aaaa_reply(answer, length, &host, ttls.data(), &count);
  return addresses_of(parsed, host, records);
}

// Lower-case, without the trailing dot: how names compare and how a CNAME target is reported.
std::string canonical_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') {
    name.remove_suffix(1);
  }
  std::string text(name);
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// One (possibly compressed) name at `at`; advances `at` past it.
bool read_name(const unsigned char* answer, int length, const unsigned char*& at,
               std::string* out) {
  char* text = nullptr;
  long used = 0;
  if (at >= answer + length || ares_expand_name(at, answer, length, &text, &used) != ARES_SUCCESS) {
    return false;
  }
  if (out != nullptr) {
    *out = text;
  }
  ares_free_string(text);
  at += used;
  return true;
}

std::uint16_t read16(const unsigned char* at) {
  return static_cast<std::uint16_t>((at[0] << 8) | at[1]);
}

// The target of the CNAME record owned by `name` in the answer section (RFC 1035 §4.1): c-ares
// 1.18 has no CNAME parser, and ares_parse_a_reply wants an A record at the end of the chain.
int parse_cname(const unsigned char* answer, int length, const std::string& name,
                std::vector<std::string>& records) {
  constexpr int kHeader = 12;
  constexpr std::uint16_t kCname = 5;
  if (length < kHeader) {
    return ARES_EBADRESP;
  }
  const unsigned char* end = answer + length;
  const unsigned char* at = answer + kHeader;
  for (unsigned question = read16(answer + 4); question > 0; --question) {
    if (!read_name(answer, length, at, nullptr) || end - at < 4) {
      return ARES_EBADRESP;
    }
    at += 4;  // type, class
  }
  const std::string wanted = canonical_name(name);
  for (unsigned record = read16(answer + 6); record > 0; --record) {
    std::string owner;
    if (!read_name(answer, length, at, &owner) || end - at < 10) {
      return ARES_EBADRESP;
    }
    const std::uint16_t type = read16(at);
    const std::uint16_t data_length = read16(at + 8);
    at += 10;  // type, class, TTL, data length
    if (end - at < data_length) {
      return ARES_EBADRESP;
    }
    if (type == kCname && canonical_name(owner) == wanted) {
      std::string target;
      const unsigned char* data = at;
      if (!read_name(answer, length, data, &target)) {
        return ARES_EBADRESP;
      }
      records.push_back(canonical_name(target));
      return ARES_SUCCESS;
    }
    at += data_length;
  }
  return ARES_ENODATA;
}

std::string seconds_text(std::chrono::milliseconds timeout) {
  const auto ms = timeout.count();
  if (ms % 1000 == 0) {
    return std::to_string(ms / 1000) + " s";
  }
  return std::to_string(ms) + " ms";
}

std::string problem_of(int status, const Resolver& resolver, std::chrono::milliseconds timeout) {
  switch (status) {
    case ARES_ETIMEOUT:
      return "no answer from " + resolver.describe() + " within " + seconds_text(timeout);
    case ARES_ESERVFAIL:
      return resolver.describe() + " answered SERVFAIL (it could not resolve the name)";
    case ARES_EREFUSED:
      return resolver.describe() + " refused the query";
    case ARES_ECONNREFUSED:
      return "could not reach " + resolver.describe();
    case ARES_EBADRESP:
    case ARES_EFORMERR:
      return resolver.describe() + " sent an answer that could not be read";
    default:
      return std::string("the lookup failed: ") + ares_strerror(status);
  }
}

// Runs the channel until the query is answered or the deadline passes.
void run_until(ares_channel channel, const Pending& pending, Clock::time_point deadline) {
  while (!pending.done) {
    std::array<ares_socket_t, ARES_GETSOCK_MAXNUM> sockets{};
    const int bits = ares_getsock(channel, sockets.data(), ARES_GETSOCK_MAXNUM);
    std::array<pollfd, ARES_GETSOCK_MAXNUM> fds{};
    nfds_t count = 0;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      short events = 0;
      if (ARES_GETSOCK_READABLE(bits, i)) {
        events |= POLLIN;
      }
      if (ARES_GETSOCK_WRITABLE(bits, i)) {
        events |= POLLOUT;
      }
      if (events != 0) {
        fds[count++] = pollfd{sockets[static_cast<std::size_t>(i)], events, 0};
      }
    }
    const auto now = Clock::now();
    if (now >= deadline) {
      return;
    }
    // Wake for c-ares's own retry timer or our deadline, whichever comes first.
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - now);
    timeval limit{static_cast<time_t>(left.count() / 1'000'000),
                  static_cast<suseconds_t>(left.count() % 1'000'000)};
    timeval wait{};
    const timeval* next = ares_timeout(channel, &limit, &wait);
    const int wait_ms = static_cast<int>(next->tv_sec * 1000 + (next->tv_usec + 999) / 1000);
    const int ready = poll(fds.data(), count, wait_ms);
    if (ready <= 0) {
      // Timer expiry (or EINTR): let c-ares retry or give up on its own schedule.
      ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
      continue;
    }
    for (nfds_t i = 0; i < count; ++i) {
      const short got = fds[i].revents;
      const bool readable = (got & (POLLIN | POLLERR | POLLHUP)) != 0;
      const bool writable = (got & POLLOUT) != 0;
      if (readable || writable) {
        ares_process_fd(channel, readable ? fds[i].fd : ARES_SOCKET_BAD,
                        writable ? fds[i].fd : ARES_SOCKET_BAD);
      }
    }
  }
}

}  // namespace

std::string Resolver::describe() const {
  if (is_system()) {
    return "the system's resolver";
  }
  if (address.find(':') != std::string::npos) {
    return "[" + address + "]:" + std::to_string(port);
  }
  return address + ":" + std::to_string(port);
}

core::Result<Resolver> parse_resolver(std::string_view text) {
  if (text.empty()) {
    return Resolver{};
  }
  std::string_view host = text;  // no colon, or a bare IPv6 address (two or more)
  std::string_view port_text;
  bool has_port = false;
  if (text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      return invalid(text, "no closing ]");
    }
    host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return invalid(text, "text after ]");
      }
      port_text = rest.substr(1);
      has_port = true;
    }
  } else if (const auto colon = text.find(':');
             colon != std::string_view::npos &&
             text.find(':', colon + 1) == std::string_view::npos) {
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    has_port = true;
  }
  Resolver resolver;
  if (has_port) {
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() ||
        port == 0 || port > 65535) {
      return invalid(text, "the port is not 1..65535");
    }
    resolver.port = static_cast<std::uint16_t>(port);
  }
  if (host == "localhost") {
    host = "127.0.0.1";
  }
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(std::string(host), error);
  if (error) {
    return invalid(text, "not an IP address");
  }
  resolver.address = address.to_string();
  return resolver;
}

DnsClient::DnsClient(Resolver resolver, std::chrono::milliseconds timeout)
    : resolver_(std::move(resolver)), timeout_(timeout) {
  // Reference-counted; a no-op on Linux beyond the count, but required by the c-ares API.
  ares_library_init(ARES_LIB_INIT_ALL);
}

DnsClient::~DnsClient() { ares_library_cleanup(); }

Answer DnsClient::query(const std::string& name, int type) const {
  Answer answer;
  ares_options options{};
  // Two tries, each with half the budget, so one lost UDP datagram is not a failure; the
  // deadline below caps the whole lookup whatever c-ares does with several system servers.
  options.timeout = static_cast<int>(std::max<std::int64_t>(1, timeout_.count() / 2));
  options.tries = 2;
  ares_channel channel = nullptr;
  if (int started = ares_init_options(&channel, &options, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
      started != ARES_SUCCESS) {
    answer.problem = std::string("could not start a DNS lookup: ") + ares_strerror(started);
    return answer;
  }
  if (!resolver_.is_system()) {
    const std::string server = resolver_.describe();
    if (int set = ares_set_servers_ports_csv(channel, server.c_str()); set != ARES_SUCCESS) {
      ares_destroy(channel);
      answer.problem = "could not use the resolver " + server + ": " + ares_strerror(set);
      return answer;
    }
  }
  Pending pending;
  switch (type) {
    case kTypeA:
      pending.parse = parse_a;
      break;
    case kTypeAaaa:
      pending.parse = parse_aaaa;
      break;
    case kTypeCname:
      pending.parse = parse_cname;
      break;
    default:
      pending.parse = parse_txt;
      break;
  }
  pending.name = name;
  ares_query(channel, name.c_str(), 1 /* class IN */, type, on_answer, &pending);
  run_until(channel, pending, Clock::now() + timeout_);
  const bool timed_out = !pending.done;
  ares_destroy(channel);  // answers a pending query with ARES_EDESTRUCTION
  if (timed_out) {
    answer.problem = problem_of(ARES_ETIMEOUT, resolver_, timeout_);
    return answer;
  }
  switch (pending.status) {
    case ARES_SUCCESS:
      answer.status = Answer::Status::found;
      answer.records = std::move(pending.records);
      break;
    case ARES_ENOTFOUND:
    case ARES_ENODATA:
      answer.status = Answer::Status::no_record;
      break;
    default:
      answer.problem = problem_of(pending.status, resolver_, timeout_);
      break;
  }
  return answer;
}

Answer DnsClient::txt(const std::string& name) const { return query(name, kTypeTxt); }

Answer DnsClient::a(const std::string& name) const { return query(name, kTypeA); }

Answer DnsClient::aaaa(const std::string& name) const { return query(name, kTypeAaaa); }

Answer DnsClient::cname(const std::string& name) const { return query(name, kTypeCname); }

}  // namespace orion::domains
