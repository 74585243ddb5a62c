// The accounts example's channel: Conduit's db_and_auth application in C++.
//   POST /auth/token          OAuth 2.0 token endpoint (password, refresh_token,
//                             authorization_code, client_credentials)
//   GET|POST /auth/form       login page of the authorization-code flow (PKCE)
//   POST /auth/revoke         token revocation (RFC 7009)
//   POST /register            client Basic auth; creates a user, answers with a token
//   GET /me                   bearer: the signed-in user
//   GET|PUT|DELETE /users/[:id] bearer: read any user; change or delete only yourself
//
// Thread-safety: one channel per event loop, used by that loop only.
#pragma once

#include <memory>

#include "accounts_config.hpp"
#include "conduit/app/application_channel.hpp"

namespace conduit::db {
class Database;
}
namespace conduit::auth {
class AuthServer;
}
namespace conduit::orm {
class DataModel;
}

namespace accounts {

class AccountsChannel : public conduit::ApplicationChannel {
 public:
  // The tables: users, and conduit's managed-auth tables (`accounts db generate`).
  static const conduit::orm::DataModel& data_model();

  conduit::Task<void> prepare() override;
  std::shared_ptr<conduit::Controller> entry_point() override;
  conduit::Task<void> close() override;

 protected:
  // Protected for bench/auth, which serves the same controllers with extra routes.
  AccountsConfig config_;
  std::shared_ptr<conduit::db::Database> database_;
  std::shared_ptr<conduit::auth::AuthServer> auth_;
};

}  // namespace accounts
