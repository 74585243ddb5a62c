// The accounts example binary: `accounts serve`, `accounts db upgrade`,
// `accounts auth add-client ...` (see README.md, "Managed OAuth 2.0").
#include "accounts_channel.hpp"
#include "conduit/app/application.hpp"

int main(int argc, char** argv) {
  return conduit::run<accounts::AccountsChannel>(argc, argv, "accounts");
}
