// AuthConfiguration: validation of the `auth:` configuration section and its conversion to
// AuthServerOptions. Stateless; thread-safe.
#include "conduit/auth/auth_configuration.hpp"

#include "conduit/config/config_error.hpp"

namespace conduit::auth {

void AuthBrakeConfiguration::validate() const {
  if (max_failures_per_client < 0) {
    throw ConfigFieldError(&AuthBrakeConfiguration::max_failures_per_client,
                           "must be 0 (no limit) or more");
  }
  if (max_failures_per_username < 0) {
    throw ConfigFieldError(&AuthBrakeConfiguration::max_failures_per_username,
                           "must be 0 (no limit) or more");
  }
  if (window.count() < 1) {
    throw ConfigFieldError(&AuthBrakeConfiguration::window, "must be at least 1s");
  }
}

void AuthConfiguration::validate() const {
  if (owner_table.empty()) {
    throw ConfigFieldError(&AuthConfiguration::owner_table, "must not be empty");
  }
  for (auto member :
       {&AuthConfiguration::password_token_lifetime, &AuthConfiguration::code_lifetime,
        &AuthConfiguration::code_token_lifetime, &AuthConfiguration::client_token_lifetime}) {
    if ((this->*member).count() < 1) throw ConfigFieldError(member, "must be at least 1s");
  }
  if (hash_rounds < 1)
    throw ConfigFieldError(&AuthConfiguration::hash_rounds, "must be at least 1");
  if (token_limit < 1)
    throw ConfigFieldError(&AuthConfiguration::token_limit, "must be at least 1");
  for (auto member : {&AuthConfiguration::token_path, &AuthConfiguration::form_path,
                      &AuthConfiguration::revoke_path}) {
    if ((this->*member).empty() || (this->*member).front() != '/') {
      throw ConfigFieldError(member, "must be a path starting with '/'");
    }
  }
}

AuthServerOptions AuthConfiguration::server_options() const {
  AuthServerOptions options;
  options.owner_table = owner_table;
  options.hashing.rounds = hash_rounds;
  options.password_token_lifetime = password_token_lifetime;
  options.code_lifetime = code_lifetime;
  options.code_token_lifetime = code_token_lifetime;
  options.client_token_lifetime = client_token_lifetime;
  options.token_limit = token_limit;
  options.allow_implicit = allow_implicit;
  options.brake = BrakeOptions{.max_failures_per_client = brake.max_failures_per_client,
                               .max_failures_per_username = brake.max_failures_per_username,
                               .window = brake.window};
  return options;
}

}  // namespace conduit::auth
