// Errors of the orm module.
//
// ValidationError is what a client sees when its input is refused: a 400 HttpError with
// Conduit's body {"error":"entity validation failed","reasons":[...]}, thrown by from_json
// (unknown keys, wrong types) and validate() (rule failures). DataModelError is a mistake
// in the declarations that only shows at start-up (a regex that does not compile, a
// relationship to a model that is not registered). RowError is a database value that does
// not fit its member (NULL in a non-optional member, an unknown enum name).
//
// Thread-safety: plain exception types.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "conduit/http/http_error.hpp"

namespace conduit::orm {

class ValidationError : public HttpError {
 public:
  explicit ValidationError(std::vector<std::string> reasons);

  const std::vector<std::string>& reasons() const noexcept { return reasons_; }
  // "entity validation failed: reason; reason"
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::vector<std::string> reasons_;
  std::string message_;
};

class DataModelError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

class RowError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace conduit::orm
