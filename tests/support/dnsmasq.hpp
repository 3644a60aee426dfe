// A real DNS server for the domain tests: Debian's dnsmasq on 127.0.0.1 and a free port,
// answering only the TXT, A/AAAA and CNAME records a test gives it (every other name:
// NXDOMAIN), in a temporary folder that goes with it. dnsmasq reads its records only at start,
// so changing them restarts it on the same port: a record "added late" is there for the next
// lookup.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace orion::testing {

class Dnsmasq {
 public:
  // Starts dnsmasq with no records; fails the test (and returns null) when it cannot.
  static std::unique_ptr<Dnsmasq> start();
  ~Dnsmasq();  // stops it and removes its folder

  Dnsmasq(const Dnsmasq&) = delete;
  Dnsmasq& operator=(const Dnsmasq&) = delete;

  [[nodiscard]] unsigned short port() const noexcept { return port_; }
  // "127.0.0.1:PORT": the value of --dns-server / ORION_DNS_SERVER / Config::dns_server.
  [[nodiscard]] std::string server() const;

  // Publishes `values` as the TXT records of `name` (one record each), replacing what it had;
  // no values removes the name. True when dnsmasq answers with them.
  bool set_txt(const std::string& name, const std::vector<std::string>& values);
  // Publishes `addresses` (IPv4 and/or IPv6 literals) as the A/AAAA records of `name`,
  // replacing what it had; none removes them. True when dnsmasq answers with them.
  bool set_address(const std::string& name, const std::vector<std::string>& addresses);
  // Publishes a CNAME from `name` to `target` ("" removes it). dnsmasq (2.90) answers it even
  // when the target has no records of its own; give the target addresses (set_address) for A/AAAA
  // lookups of `name` to end in some.
  bool set_cname(const std::string& name, const std::string& target);

 private:
  Dnsmasq() = default;
  bool launch();
  void stop();

  std::filesystem::path dir_;
  unsigned short port_ = 0;
  pid_t pid_ = -1;
  std::map<std::string, std::vector<std::string>> txt_;
  std::map<std::string, std::vector<std::string>> addresses_;
  std::map<std::string, std::string> cnames_;
};

// A UDP port on 127.0.0.1 where something listens and never answers: a resolver that times out.
class SilentResolver {
 public:
  SilentResolver();
  ~SilentResolver();
  SilentResolver(const SilentResolver&) = delete;
  SilentResolver& operator=(const SilentResolver&) = delete;

  [[nodiscard]] std::string server() const;

 private:
  int fd_ = -1;
  unsigned short port_ = 0;
};

}  // namespace orion::testing
