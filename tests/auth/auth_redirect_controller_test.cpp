// The authorization endpoint (AuthRedirectController) over real HTTP, on SQLite and
// PostgreSQL: the login page, the code flow with state and PKCE end to end, the implicit
// flow (refused unless enabled), and where errors go.
// Thread-safety: test code; the application runs on its own loop thread.
#include <gtest/gtest.h>

#include <string>

#include "auth/auth_http_test_support.hpp"

namespace conduit::auth::testing {
namespace {

using AuthFormTest = AuthHttpTest;

// RFC 7636 Appendix B.
constexpr std::string_view kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr std::string_view kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

// The value of `name` in a query or fragment "a=1&b=2" (not decoded).
std::string component(std::string_view text, std::string_view name) {
  std::string key = std::string(name) + "=";
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('&', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view pair = text.substr(at, end - at);
    if (pair.starts_with(key)) return std::string(pair.substr(key.size()));
    at = end + 1;
  }
  return {};
}

TEST_P(AuthFormTest, TheLoginPageEscapesEveryValueAndRefusesFraming) {
  auto page = request("GET",
                      "/auth/form?response_type=code&client_id=com.conf&state=%3Cscript%3E%22x%27"
                      "&scope=a%26b&code_challenge=" +
                          std::string(kChallenge) + "&code_challenge_method=S256");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.header("Content-Type")->find("text/html"), std::string::npos);
  EXPECT_EQ(page.header("Cache-Control"), "no-store");
  EXPECT_EQ(page.header("X-Frame-Options"), "DENY");
  EXPECT_EQ(page.header("Content-Security-Policy"), "frame-ancestors 'none'");
  EXPECT_EQ(page.body.find("<script>"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("value=\"&lt;script&gt;&quot;x&#39;\""), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("name=\"scope\" value=\"a&amp;b\""), std::string::npos);
  EXPECT_NE(page.body.find("name=\"client_id\" value=\"com.conf\""), std::string::npos);
  EXPECT_NE(page.body.find("name=\"code_challenge\" value=\"" + std::string(kChallenge)),
            std::string::npos);
  EXPECT_NE(page.body.find("action=\"/auth/form\""), std::string::npos);
  EXPECT_NE(page.body.find("name=\"password\""), std::string::npos);

  auto custom = request("GET", "/auth/custom-form?response_type=code&client_id=com.conf");
  EXPECT_EQ(custom.status, 200);
  EXPECT_EQ(custom.body, "<p>custom com.conf</p>");
}

TEST_P(AuthFormTest, TheLoginPageRefusesBadRequests) {
  auto expect = [&](std::string target, const std::string& code) {
    auto response = request("GET", target);
    EXPECT_EQ(response.status, 400) << target;
    EXPECT_EQ(error(response), code) << target;
  };
  expect("/auth/form?response_type=magic&client_id=com.conf", "unsupported_response_type");
  expect("/auth/form?client_id=com.conf", "unsupported_response_type");
  // Implicit is off by default.
  expect("/auth/form?response_type=token&client_id=com.conf", "unsupported_response_type");
  expect("/auth/form?response_type=code", "invalid_request");
  expect("/auth/form?response_type=code&client_id=com.nobody", "invalid_client");
  expect("/auth/form?response_type=code&client_id=com.plain", "invalid_client");
  expect("/auth/form?response_type=code&client_id=com.conf&client_id=com.public",
         "invalid_request");
  auto put = request("PUT", "/auth/form");
  EXPECT_EQ(put.status, 405);
  EXPECT_EQ(put.header("Allow"), "GET, POST");
}

TEST_P(AuthFormTest, CodeFlowRedirectsWithCodeAndStateAndTheCodeIsExchangedOnce) {
  auto login = post_form("/auth/form",
                         "response_type=code&client_id=com.conf&state=a%20b%26c%3D&username=bob"
                         "&password=pw"
                         // A redirect URI in the request is ignored: only the registered one.
                         "&redirect_uri=https%3A%2F%2Fevil.example%2F");
  ASSERT_EQ(login.status, 302) << login.body;
  EXPECT_EQ(login.header("Cache-Control"), "no-store");
  const std::string location = login.header("Location").value_or("");
  const std::string prefix = "https://client.example/cb?x=1&code=";
  ASSERT_TRUE(location.starts_with(prefix)) << location;
  const std::string query = location.substr(location.find('?') + 1);
  EXPECT_EQ(component(query, "state"), "a%20b%26c%3D") << location;
  EXPECT_EQ(component(query, "x"), "1");
  const std::string code = component(query, "code");
  ASSERT_EQ(code.size(), 32u) << location;

  auto exchanged = token("grant_type=authorization_code&code=" + code);
  ASSERT_EQ(exchanged.status, 200) << exchanged.body;
  auto body = json(exchanged);
  EXPECT_EQ(body.at("expires_in").to_number<std::int64_t>(), 3600);
  EXPECT_TRUE(body.contains("refresh_token"));
  EXPECT_EQ(exchanged.header("Cache-Control"), "no-store");
  auto me = request("GET", "/me", bearer(str(body, "access_token")));
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(str(json(me), "client_id"), "com.conf");

  auto again = token("grant_type=authorization_code&code=" + code);
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(error(again), "invalid_grant");
}

TEST_P(AuthFormTest, ARedirectUriAtTheTokenEndpointMustBeTheRegisteredOne) {
  auto code_for_bob = [&] {
    auto login =
        post_form("/auth/form", "response_type=code&client_id=com.conf&username=bob&password=pw");
    EXPECT_EQ(login.status, 302) << login.body;
    const std::string location = login.header("Location").value_or("");
    return component(location.substr(location.find('?') + 1), "code");
  };
  // RFC 6749 §4.1.3: another URI is invalid_grant (what simple-oauth2 and others send).
  auto elsewhere = token("grant_type=authorization_code&code=" + code_for_bob() +
                         "&redirect_uri=https%3A%2F%2Fevil.example%2Fcb");
  EXPECT_EQ(elsewhere.status, 400) << elsewhere.body;
  EXPECT_EQ(error(elsewhere), "invalid_grant");

  auto registered = token("grant_type=authorization_code&code=" + code_for_bob() +
                          "&redirect_uri=https%3A%2F%2Fclient.example%2Fcb%3Fx%3D1");
  EXPECT_EQ(registered.status, 200) << registered.body;
}

TEST_P(AuthFormTest, CodeFlowWithPkceNeedsTheRightVerifier) {
  auto issue = [&] {
    auto login = post_form("/auth/form",
                           "response_type=code&client_id=com.public&state=s1&username=bob"
                           "&password=pw&code_challenge_method=S256&code_challenge=" +
                               std::string(kChallenge));
    EXPECT_EQ(login.status, 302) << login.body;
    const std::string location = login.header("Location").value_or("");
    EXPECT_TRUE(location.starts_with("https://public.example/cb?code=")) << location;
    return component(location.substr(location.find('?') + 1), "code");
  };

  const std::string first = issue();
  auto wrong =
      post_form("/auth/token", "grant_type=authorization_code&client_id=com.public&code=" + first +
                                   "&code_verifier=" + std::string(43, 'a'));
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(error(wrong), "invalid_grant");
  auto missing = post_form("/auth/token",
                           "grant_type=authorization_code&client_id=com.public&code=" + issue());
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(error(missing), "invalid_grant");

  auto right = post_form(
      "/auth/token",
      "grant_type=authorization_code&code=" + issue() + "&code_verifier=" + std::string(kVerifier),
      basic("com.public", ""));
  ASSERT_EQ(right.status, 200) << right.body;
  EXPECT_FALSE(json(right).contains("refresh_token"));
}

TEST_P(AuthFormTest, ErrorsForAKnownClientGoToItsRedirectUri) {
  auto wrong_password = post_form(
      "/auth/form", "response_type=code&client_id=com.conf&state=xyz&username=bob&password=no");
  ASSERT_EQ(wrong_password.status, 302);
  EXPECT_EQ(wrong_password.header("Location"),
            "https://client.example/cb?x=1&error=access_denied&state=xyz");

  auto public_without_pkce =
      post_form("/auth/form", "response_type=code&client_id=com.public&username=bob&password=pw");
  ASSERT_EQ(public_without_pkce.status, 302);
  EXPECT_TRUE(public_without_pkce.header("Location")
                  ->starts_with("https://public.example/cb?error=invalid_request"))
      << *public_without_pkce.header("Location");

  auto bad_scope = post_form("/auth/form",
                             "response_type=code&client_id=com.scoped&username=bob&password=pw"
                             "&scope=other&state=s");
  ASSERT_EQ(bad_scope.status, 302);
  EXPECT_EQ(bad_scope.header("Location"), "https://scoped.example/cb?error=invalid_scope&state=s");

  auto bad_type =
      post_form("/auth/form", "response_type=magic&client_id=com.conf&username=bob&password=pw");
  ASSERT_EQ(bad_type.status, 302);
  EXPECT_EQ(bad_type.header("Location"),
            "https://client.example/cb?x=1&error=unsupported_response_type");

  // No redirect for an unknown client or one without a redirect URI.
  for (std::string client : {"com.nobody", "com.plain"}) {
    auto response = post_form(
        "/auth/form", "response_type=code&client_id=" + client + "&username=bob&password=pw");
    EXPECT_EQ(response.status, 400) << client;
    EXPECT_FALSE(response.header("Location").has_value());
    EXPECT_EQ(error(response), "invalid_client");
  }
}

TEST_P(AuthFormTest, ImplicitFlowIsRefusedByDefault) {
  auto refused = post_form(
      "/auth/form", "response_type=token&client_id=com.conf&state=s&username=bob&password=pw");
  ASSERT_EQ(refused.status, 302);
  EXPECT_EQ(refused.header("Location"),
            "https://client.example/cb?x=1#error=unsupported_response_type&state=s");
}

TEST_P(AuthFormTest, ImplicitFlowPutsTheTokenInTheFragmentWhenEnabled) {
  start({{"implicit", "1"}});
  auto page = request("GET", "/auth/form?response_type=token&client_id=com.conf");
  EXPECT_EQ(page.status, 200);
  auto login = post_form(
      "/auth/form", "response_type=token&client_id=com.conf&state=s%2F1&username=bob&password=pw");
  ASSERT_EQ(login.status, 302) << login.body;
  const std::string location = login.header("Location").value_or("");
  ASSERT_TRUE(location.starts_with("https://client.example/cb?x=1#access_token=")) << location;
  const std::string fragment = location.substr(location.find('#') + 1);
  EXPECT_EQ(component(fragment, "token_type"), "bearer");
  EXPECT_FALSE(component(fragment, "expires_in").empty());
  EXPECT_EQ(component(fragment, "state"), "s%2F1");
  EXPECT_EQ(request("GET", "/me", bearer(component(fragment, "access_token"))).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Dialects, AuthFormTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         orm::testing::dialect_name);

}  // namespace
}  // namespace conduit::auth::testing
