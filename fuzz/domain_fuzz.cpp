// Fuzzes custom-domain validation (core/domain.hpp): no name a store owner types may become a
// domain that is not a plain registrable host name outside the platform's own domain.
//
// The first input byte picks the platform domain (modulo the list below; the seed files start
// with an ASCII digit for readability), the rest is the owner's input.
#include <libpsl.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/domain.hpp"
#include "core/host.hpp"
#include "fuzz_check.hpp"

namespace {

using orion::core::Errc;
using orion::core::Host;
using orion::core::HostKind;
using orion::core::normalize_host;
using orion::core::Result;
using orion::core::validate_custom_domain;

// As an operator would configure them; normalised once below, as the validator expects.
constexpr std::array<std::string_view, 4> kPlatformDomains = {
    "platform.com",
    "B\xC3\xBC"
    "cher.de",  // bücher.de, so the platform itself is punycode
    "shops.example.co.uk",
    "orion.lu",
};

const std::array<std::string, kPlatformDomains.size()>& platforms() {
  static const auto normalised = [] {
    std::array<std::string, kPlatformDomains.size()> out;
    for (std::size_t i = 0; i < out.size(); ++i) {
      auto host = normalize_host(kPlatformDomains[i]);
      ORION_FUZZ_CHECK_MSG(host && host->kind == HostKind::name, kPlatformDomains[i]);
      out[i] = host->name;
    }
    return out;
  }();
  return normalised;
}

std::string describe(const Result<std::string>& r) {
  return r ? "ok: " + *r : "error: " + r.error().message;
}

bool is_custom_domain_error(Errc code) {
  return code == Errc::invalid_domain || code == Errc::domain_is_ip ||
         code == Errc::domain_is_public_suffix || code == Errc::domain_is_platform;
}

std::string upper_ascii(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return s;
}

void check_accepted(const std::string& name, std::string_view platform) {
  ORION_FUZZ_CHECK(!name.empty());
  // A normalised host name (not an IP literal) and its own normal form.
  const Result<Host> host = normalize_host(name);
  ORION_FUZZ_CHECK_MSG(host && host->name == name && host->kind == HostKind::name, name);
  ORION_FUZZ_CHECK_MSG(name.find('.') != std::string::npos, name);
  // Not an IP address in any spelling a browser or inet_aton reads as one: the last label is no
  // number (WHATWG URL's "ends in a number": decimal, or "0x" and hex digits).
  const std::string_view last_label = std::string_view(name).substr(name.rfind('.') + 1);
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  ORION_FUZZ_CHECK_MSG(!std::all_of(last_label.begin(), last_label.end(), is_digit), name);
  ORION_FUZZ_CHECK_MSG(
      !last_label.starts_with("0x") ||
          !std::all_of(last_label.begin() + 2, last_label.end(),
                       [&](char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }),
      name);

  // Neither the platform domain nor any name under it, checked without is_same_or_under.
  const std::string dotted_platform = "." + std::string(platform);
  ORION_FUZZ_CHECK_MSG(name != platform && !name.ends_with(dotted_platform), name);

  // Not a public suffix.
  const psl_ctx_t* psl = psl_builtin();
  ORION_FUZZ_CHECK(psl != nullptr);
  ORION_FUZZ_CHECK_MSG(psl_is_public_suffix2(psl, name.c_str(), PSL_TYPE_ANY) == 0, name);

  // Validation is a normalisation: its output, and the same name spelled the ways an owner might
  // (upper case, surrounding spaces, a trailing dot), validate to the same name.
  for (const std::string& spelling :
       {name, upper_ascii(name), "  " + name + "\t", name + ".", " " + upper_ascii(name) + ". "}) {
    const Result<std::string> again = validate_custom_domain(spelling, platform);
    ORION_FUZZ_CHECK_MSG(again && *again == name, spelling + " -> " + describe(again));
  }

  // Any name put under the platform domain is refused as the platform's.
  const std::string under = name + dotted_platform;
  if (under.size() <= orion::core::kMaxHostLength) {
    const Result<std::string> refused = validate_custom_domain(under, platform);
    ORION_FUZZ_CHECK_MSG(!refused && refused.error().code == Errc::domain_is_platform,
                         under + " -> " + describe(refused));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const orion::fuzz::InputScope scope(data, size);
  if (size == 0) {
    return 0;
  }
  const std::string& platform = platforms()[data[0] % kPlatformDomains.size()];
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  const Result<std::string> domain = validate_custom_domain(input, platform);
  if (!domain) {
    ORION_FUZZ_CHECK_MSG(is_custom_domain_error(domain.error().code), domain.error().message);
    ORION_FUZZ_CHECK(!domain.error().message.empty());
    return 0;
  }
  check_accepted(*domain, platform);
  return 0;
}
