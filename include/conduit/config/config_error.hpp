// conduit::ConfigError: the one exception type of the configuration module.
//
// A LocatedError (conduit/core/located_error.hpp), so what() reads like a compiler
// diagnostic and can be printed as-is at startup:
//   "config.yaml:4:9: database.port: expected an integer, got 'abc'"
//   "config.yaml: database: missing required key(s): 'host', 'port'"
// Every part but the message is optional. Messages never contain passwords.
//
// ConfigFieldError is what a configuration type's validate() throws to blame one of its
// members: the decoder then locates the error at that member's value and puts its key in
// the path, so it reads like every other error:
//   void validate() const {
//     if (port == 0) throw ConfigFieldError(&Server::port, "must be a number from 1 to 65535");
//   }
//   -> "config.yaml:4:9: server.port: must be a number from 1 to 65535"
//
// Thread-safety: immutable value types.
#pragma once

#include <boost/describe/members.hpp>
#include <boost/describe/modifiers.hpp>
#include <boost/mp11/algorithm.hpp>

#include <string>
#include <type_traits>
#include <utility>

#include "conduit/core/located_error.hpp"

namespace conduit {

class ConfigError : public LocatedError {
 public:
  using LocatedError::LocatedError;

  // The configuration's own names for file() and key_path().
  const std::string& source() const noexcept { return file(); }
  const std::string& path() const noexcept { return key_path(); }
};

namespace config::detail {
// The name BOOST_DESCRIBE_STRUCT gives `member` of T ("" when T does not list it).
template <class T, class M>
std::string described_member_name(M T::*member) {
  static_assert(boost::describe::has_describe_members<T>::value,
                "ConfigFieldError(&T::member, ...) needs T described with BOOST_DESCRIBE_STRUCT");
  std::string name;
  using Members = boost::describe::describe_members<T, boost::describe::mod_public |
                                                           boost::describe::mod_inherited>;
  boost::mp11::mp_for_each<Members>([&](auto descriptor) {
    if constexpr (std::is_same_v<std::remove_cv_t<decltype(descriptor.pointer)>, M T::*>) {
      if (descriptor.pointer == member) name = descriptor.name;
    }
  });
  return name;
}
}  // namespace config::detail

// Thrown by validate() to name the member at fault (see the header comment). Unlocated
// until the decoder catches it: what() is then "member: message" (path() is the member).
class ConfigFieldError : public ConfigError {
 public:
  // `member` is the member's C++ name as BOOST_DESCRIBE_STRUCT lists it (reported under
  // its YAML key, e.g. database_name -> databaseName), or a YAML key of the value.
  ConfigFieldError(std::string member, std::string message)
      : ConfigError({}, 0, 0, std::move(member), std::move(message)) {}
  // The member named by pointer, so a misspelt member does not compile.
  template <class T, class M>
  ConfigFieldError(M T::*member, std::string message)
      : ConfigFieldError(config::detail::described_member_name(member), std::move(message)) {}

  const std::string& member() const noexcept { return path(); }
};

}  // namespace conduit
