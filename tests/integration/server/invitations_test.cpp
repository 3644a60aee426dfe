// Store members join by invitation only (issue 14, point 2), over a real socket on both backends:
// an owner never creates an account nor sets or learns a password; the person holding the link
// sets their own (a new address) or signs in with theirs (an existing account); a link works
// once, for its own store, until it expires or is withdrawn. So an account one store's owner
// planted for an e-mail address is never attached when another store adds that address.
#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <map>
#include <regex>

#include "storage/stores.hpp"
#include "storage/users.hpp"
#include "support/console_session.hpp"
#include "support/test_server.hpp"

namespace orion {
namespace {

using testing::ConsoleSession;
using testing::contains;
using testing::HttpResponse;
using testing::TestServer;
namespace beast_http = boost::beast::http;

constexpr const char* kHost = "platform.test";
constexpr const char* kPassword = "correct horse battery";

std::string encode(const std::string& text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

// The link shown once on the page that answered an invitation, as a path ("" when none).
std::string invitation_path(const HttpResponse& response) {
  static const std::regex link(
      R"re(value="http://platform\.test(:\d+)?(/store/[a-z0-9-]+/invite/[0-9a-f]{64})")re");
  std::smatch match;
  return std::regex_search(response.body(), match, link) ? match[2].str() : std::string();
}

class InvitationsTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    server_ = TestServer::start(GetParam());
    ASSERT_TRUE(server_);
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    auto alpha = storage::stores::create(*tx, "alpha", "Alpha Shop");
    auto bravo = storage::stores::create(*tx, "bravo", "Bravo Shop");
    ASSERT_TRUE(alpha && bravo);
    alpha_ = *alpha;
    bravo_ = *bravo;
    auto owner = storage::users::create(*tx, "owner@alpha.test", kPassword, false);
    auto other = storage::users::create(*tx, "owner@bravo.test", kPassword, false);
    ASSERT_TRUE(owner && other);
    ASSERT_TRUE(storage::members::grant(*tx, alpha->id, owner->id, storage::MemberRole::owner));
    ASSERT_TRUE(storage::members::grant(*tx, bravo->id, other->id, storage::MemberRole::owner));
    ASSERT_TRUE(tx->commit());
  }

  std::unique_ptr<ConsoleSession> owner_of(const std::string& store) {
    auto session = std::make_unique<ConsoleSession>(*server_, "/store/" + store,
                                                    "owner@" + store + ".test", kPassword);
    EXPECT_TRUE(session->signed_in()) << session->login_response().body();
    return session;
  }

  // The owner invites `email`; the link's path.
  std::string invite(const ConsoleSession& owner, const std::string& email,
                     const std::string& role = "staff", const std::string& extra = {}) {
    auto page = owner.post("/members", "email=" + encode(email) + "&role=" + role + extra);
    EXPECT_EQ(page.result_int(), 201) << page.body();
    const std::string path = invitation_path(page);
    EXPECT_FALSE(path.empty()) << page.body();
    return path;
  }

  // Opens the link and sends its form: the answer to the POST.
  HttpResponse accept(const std::string& path, const std::string& password,
                      const std::string& confirm) {
    auto page = server_->get(kHost, path);
    EXPECT_EQ(page.result_int(), 200) << page.body();
    const std::string csrf = testing::cookie_value(page, "orion_csrf");
    return server_->post_form(
        kHost, path,
        "password=" + encode(password) + "&confirm_password=" + encode(confirm) + "&csrf=" + csrf,
        {{"Cookie", "orion_csrf=" + csrf}});
  }

  // A POST of the form with a made-up CSRF pair: its status.
  int accept_raw(const std::string& path) {
    const std::string csrf(32, 'a');
    return server_
        ->post_form(
            kHost, path,
            "password=a+long+new+password&confirm_password=a+long+new+password&csrf=" + csrf,
            {{"Cookie", "orion_csrf=" + csrf}})
        .result_int();
  }

  std::optional<storage::UserRecord> user(const std::string& email) {
    auto tx = server_->database().begin_platform();
    EXPECT_TRUE(tx);
    return storage::users::find_by_email(*tx, email).value();
  }

  std::map<std::string, std::string> members(const storage::StoreRecord& store) {
    auto tx = server_->database().begin(storage::TenantScope::admin(store.snapshot()));
    EXPECT_TRUE(tx);
    std::map<std::string, std::string> out;
    for (const auto& m : storage::members::list(*tx).value()) {
      out[m.email] = std::string(storage::users::to_string(m.role));
    }
    return out;
  }

  std::unique_ptr<TestServer> server_;
  storage::StoreRecord alpha_;
  storage::StoreRecord bravo_;
};

TEST_P(InvitationsTest, ANewAddressGetsALinkAndOnlyItsHolderChoosesThePassword) {
  auto owner = owner_of("alpha");
  // A password sent along (as the old form took it) is ignored: no account is made here.
  const std::string path =
      invite(*owner, "New@Alpha.test", "staff", "&password=" + encode("the owner's choice"));
  EXPECT_FALSE(user("new@alpha.test")) << "the owner's form created an account";
  EXPECT_EQ(members(alpha_).count("new@alpha.test"), 0u);

  auto form = server_->get(kHost, path);
  ASSERT_EQ(form.result_int(), 200);
  EXPECT_TRUE(contains(form.body(), "new@alpha.test"));
  EXPECT_TRUE(contains(form.body(), "name=\"confirm_password\""));
  // The invitee's own password: checked, confirmed.
  EXPECT_EQ(accept(path, "short", "short").result_int(), 422);
  EXPECT_EQ(accept(path, "a long new password", "another one").result_int(), 422);
  auto joined = accept(path, "a long new password", "a long new password");
  ASSERT_EQ(joined.result_int(), 303) << joined.body();
  EXPECT_EQ(std::string(joined[beast_http::field::location]), "/store/alpha/");
  EXPECT_FALSE(testing::cookie_value(joined, "orion_session").empty());
  EXPECT_EQ(members(alpha_).at("new@alpha.test"), "staff");
  ConsoleSession newcomer(*server_, "/store/alpha", "new@alpha.test", "a long new password");
  EXPECT_TRUE(newcomer.signed_in());
  EXPECT_FALSE(
      ConsoleSession(*server_, "/store/alpha", "new@alpha.test", "the owner's choice").signed_in());

  // The link worked once.
  EXPECT_EQ(server_->get(kHost, path).result_int(), 404);
  EXPECT_EQ(accept_raw(path), 404);
}

TEST_P(InvitationsTest, AnAccountPlantedByAnotherStoreIsNeverAttachedByAddingItsAddress) {
  // Bravo's owner invites a victim's address and opens the link themselves: they now hold an
  // account for an address that is not theirs.
  auto bravo = owner_of("bravo");
  const std::string planted = invite(*bravo, "victim@example.com");
  ASSERT_EQ(accept(planted, "bravo knows this", "bravo knows this").result_int(), 303);
  // Alpha's owner adds the victim's address: an invitation, saying the account exists, and no
  // membership until the account's holder signs in on alpha's own link.
  auto alpha = owner_of("alpha");
  auto page = alpha->post("/members", "email=victim%40example.com&role=owner");
  ASSERT_EQ(page.result_int(), 201) << page.body();
  EXPECT_TRUE(contains(page.body(), "victim@example.com already has an Orion account"));
  EXPECT_EQ(members(alpha_).count("victim@example.com"), 0u);
  EXPECT_FALSE(ConsoleSession(*server_, "/store/alpha", "victim@example.com", "bravo knows this")
                   .signed_in());
  // The account's form asks for its own password, and a wrong one joins nothing.
  const std::string path = invitation_path(page);
  auto form = server_->get(kHost, path);
  EXPECT_TRUE(contains(form.body(), "already have an Orion account"));
  EXPECT_FALSE(contains(form.body(), "name=\"confirm_password\""));
  EXPECT_EQ(accept(path, "not the password", "").result_int(), 401);
  EXPECT_EQ(members(alpha_).count("victim@example.com"), 0u);
  // A link names its store: bravo's token at alpha is no invitation.
  EXPECT_EQ(server_->get(kHost, "/store/alpha/invite/" + planted.substr(planted.rfind('/') + 1))
                .result_int(),
            404);
}

TEST_P(InvitationsTest, AnExistingAccountJoinsBySigningInWithItsOwnPassword) {
  auto alpha = owner_of("alpha");
  const std::string path = invite(*alpha, "owner@bravo.test", "owner");
  auto joined = accept(path, kPassword, "");
  ASSERT_EQ(joined.result_int(), 303) << joined.body();
  EXPECT_EQ(members(alpha_).at("owner@bravo.test"), "owner");
  EXPECT_EQ(members(bravo_).at("owner@bravo.test"), "owner");
  auto hash_before = user("owner@bravo.test")->password_hash;
  EXPECT_TRUE(ConsoleSession(*server_, "/store/alpha", "owner@bravo.test", kPassword).signed_in());
  EXPECT_EQ(user("owner@bravo.test")->password_hash, hash_before);
}

TEST_P(InvitationsTest, AWithdrawnOrExpiredLinkNoLongerWorks) {
  auto alpha = owner_of("alpha");
  const std::string withdrawn = invite(*alpha, "first@example.com");
  auto list = alpha->get("/members");
  static const std::regex revoke(R"re(action="/store/alpha(/members/invitations/\d+/revoke)")re");
  std::smatch match;
  const std::string body = list.body();
  ASSERT_TRUE(std::regex_search(body, match, revoke)) << body;
  auto done = alpha->post(match[1].str(), "");
  EXPECT_EQ(done.result_int(), 303);
  EXPECT_EQ(server_->get(kHost, withdrawn).result_int(), 404);
  // Another store's owner cannot withdraw alpha's invitations.
  const std::string kept = invite(*alpha, "second@example.com");
  list = alpha->get("/members");
  const std::string second = list.body();
  ASSERT_TRUE(std::regex_search(second, match, revoke));
  EXPECT_EQ(owner_of("bravo")->post(match[1].str(), "").result_int(), 404);
  EXPECT_EQ(server_->get(kHost, kept).result_int(), 200);
  // Inviting the same address again replaces the link.
  const std::string replaced = invite(*alpha, "second@example.com");
  EXPECT_EQ(server_->get(kHost, kept).result_int(), 404);
  EXPECT_EQ(server_->get(kHost, replaced).result_int(), 200);
  // Expired: move it past its end.
  {
    constexpr storage::Sql kExpire{"test_invitations_expire",
                                   "UPDATE store_invitations SET expires_at = 1"};
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(tx->run(kExpire, {}));
    ASSERT_TRUE(tx->commit());
  }
  EXPECT_EQ(server_->get(kHost, replaced).result_int(), 404);
  EXPECT_EQ(accept_raw(replaced), 404);
  EXPECT_FALSE(user("second@example.com"));
}

ORION_SERVER_ON_BOTH_BACKENDS(InvitationsTest);

}  // namespace
}  // namespace orion
