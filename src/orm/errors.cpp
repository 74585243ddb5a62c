// Implementation of the orm error types. Stateless; thread-safe.
#include "conduit/orm/errors.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <string_view>

#include "conduit/http/response.hpp"
#include "conduit/orm/relationships.hpp"

namespace conduit::orm {

namespace {

Response validation_response(const std::vector<std::string>& reasons) {
  boost::json::array list;
  for (const auto& reason : reasons) list.emplace_back(reason);
  return Response::bad_request(
      boost::json::object{{"error", "entity validation failed"}, {"reasons", std::move(list)}});
}

}  // namespace

ValidationError::ValidationError(std::vector<std::string> reasons)
    : HttpError(validation_response(reasons)), reasons_(std::move(reasons)) {
  message_ = "entity validation failed";
  for (std::size_t i = 0; i < reasons_.size(); ++i) {
    message_ += i == 0 ? ": " : "; ";
    message_ += reasons_[i];
  }
}

namespace detail {

void throw_not_joined(std::string_view what) {
  throw std::logic_error(std::string(what) + " accessed, but the related object was not fetched");
}

}  // namespace detail

}  // namespace conduit::orm
