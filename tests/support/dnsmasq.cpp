#include "support/dnsmasq.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include "domains/dns.hpp"

namespace orion::testing {
namespace {

// The name dnsmasq always answers, so that start() knows it is up.
constexpr const char* kProbe = "probe.orion-dnsmasq.test";

int bound_socket(int type, unsigned short port, unsigned short* chosen) {
  const int fd = socket(AF_INET, type, 0);
  if (fd < 0) {
    return -1;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  socklen_t size = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  if (chosen != nullptr) {
    *chosen = ntohs(address.sin_port);
  }
  return fd;
}

// A port free on 127.0.0.1 for both UDP and TCP (dnsmasq serves both).
unsigned short free_port() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    unsigned short port = 0;
    const int udp = bound_socket(SOCK_DGRAM, 0, &port);
    if (udp < 0) {
      continue;
    }
    const int tcp = bound_socket(SOCK_STREAM, port, nullptr);
    close(udp);
    if (tcp >= 0) {
      close(tcp);
      return port;
    }
  }
  return 0;
}

}  // namespace

std::unique_ptr<Dnsmasq> Dnsmasq::start() {
  std::unique_ptr<Dnsmasq> server(new Dnsmasq());
  std::random_device entropy;
  server->dir_ = std::filesystem::temp_directory_path() /
                 ("orion-dnsmasq-" + std::to_string(getpid()) + "-" + std::to_string(entropy()));
  std::filesystem::create_directories(server->dir_);
  server->port_ = free_port();
  if (server->port_ == 0) {
    ADD_FAILURE() << "dnsmasq: no free port on 127.0.0.1";
    return nullptr;
  }
  if (!server->launch()) {
    return nullptr;
  }
  return server;
}

Dnsmasq::~Dnsmasq() {
  stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string Dnsmasq::server() const { return "127.0.0.1:" + std::to_string(port_); }

bool Dnsmasq::set_txt(const std::string& name, const std::vector<std::string>& values) {
  if (values.empty()) {
    txt_.erase(name);
  } else {
    txt_[name] = values;
  }
  stop();
  return launch();
}

bool Dnsmasq::set_address(const std::string& name, const std::vector<std::string>& addresses) {
  if (addresses.empty()) {
    addresses_.erase(name);
  } else {
    addresses_[name] = addresses;
  }
  stop();
  if (!launch()) {
    return false;
  }
  const domains::DnsClient client(domains::Resolver{"127.0.0.1", port_}, std::chrono::seconds(2));
  const domains::Answer v4 = client.a(name);
  const domains::Answer v6 = client.aaaa(name);
  for (const auto& address : addresses) {
    const auto& answer = address.find(':') == std::string::npos ? v4 : v6;
    if (std::find(answer.records.begin(), answer.records.end(), address) == answer.records.end()) {
      ADD_FAILURE() << "dnsmasq does not answer " << name << " with " << address << " ("
                    << answer.records.size() << " addresses; " << answer.problem << ")";
      return false;
    }
  }
  return true;
}

bool Dnsmasq::set_cname(const std::string& name, const std::string& target) {
  if (target.empty()) {
    cnames_.erase(name);
  } else {
    cnames_[name] = target;
  }
  stop();
  if (!launch()) {
    return false;
  }
  if (target.empty()) {
    return true;
  }
  const domains::DnsClient client(domains::Resolver{"127.0.0.1", port_}, std::chrono::seconds(2));
  const domains::Answer answer = client.cname(name);
  if (answer.records != std::vector<std::string>{target}) {
    ADD_FAILURE() << "dnsmasq does not answer " << name << " with CNAME " << target << "; see "
                  << (dir_ / "dnsmasq.log").string();
    return false;
  }
  return true;
}

bool Dnsmasq::launch() {
  std::vector<std::string> args = {
      "dnsmasq",
      "--no-daemon",
      "--conf-file=/dev/null",  // not the system's /etc/dnsmasq.conf
      "--no-resolv",
      "--no-hosts",
      "--no-poll",
      "--local=/#/",  // every name is local: unknown ones get NXDOMAIN, nothing is forwarded
      "--port=" + std::to_string(port_),
      "--listen-address=127.0.0.1",
      "--bind-interfaces",
      "--cache-size=0",
      "--pid-file=",
      "--log-queries",
      "--txt-record=" + std::string(kProbe) + ",up",
  };
  if (geteuid() == 0) {
    args.emplace_back("--user=root");  // stay able to read our folder; it only binds loopback
  }
  for (const auto& [name, values] : txt_) {
    for (const auto& value : values) {
      // No shell in between: dnsmasq would keep quotes as part of the value.
      args.push_back("--txt-record=" + name + "," + value);
    }
  }
  // --address=/name/ip would also answer every name under `name`: --host-record is exact.
  for (const auto& [name, addresses] : addresses_) {
    for (const auto& address : addresses) {
      args.push_back("--host-record=" + name + "," + address);
    }
  }
  for (const auto& [name, target] : cnames_) {
    args.push_back("--cname=" + name + "," + target);
  }
  const std::string log = (dir_ / "dnsmasq.log").string();
  const pid_t pid = fork();
  if (pid < 0) {
    ADD_FAILURE() << "dnsmasq: fork failed";
    return false;
  }
  if (pid == 0) {
    const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out >= 0) {
      dup2(out, STDOUT_FILENO);
      dup2(out, STDERR_FILENO);
    }
    std::vector<char*> argv;
    for (auto& arg : args) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    execvp("dnsmasq", argv.data());
    execv("/usr/sbin/dnsmasq", argv.data());
    _exit(127);
  }
  pid_ = pid;
  // Up when it answers the probe name; a dnsmasq that exited (bad flag, port taken) fails fast.
  const domains::DnsClient client(domains::Resolver{"127.0.0.1", port_},
                                  std::chrono::milliseconds(200));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      ADD_FAILURE() << "dnsmasq exited at start (is dnsmasq installed? scripts/install-deps); "
                    << "see " << log;
      return false;
    }
    if (client.txt(kProbe).status == domains::Answer::Status::found) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "dnsmasq did not answer on " << server() << " within 10 s; see " << log;
  stop();
  return false;
}

void Dnsmasq::stop() {
  if (pid_ <= 0) {
    return;
  }
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

SilentResolver::SilentResolver() { fd_ = bound_socket(SOCK_DGRAM, 0, &port_); }

SilentResolver::~SilentResolver() {
  if (fd_ >= 0) {
    close(fd_);
  }
}

std::string SilentResolver::server() const { return "127.0.0.1:" + std::to_string(port_); }

}  // namespace orion::testing
