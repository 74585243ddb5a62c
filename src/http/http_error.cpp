// Implementation of conduit::HttpError.
#include "conduit/http/http_error.hpp"

namespace conduit {

HttpError::HttpError(int status, std::string_view message)
    : response_(Response::error(status, message)), message_(message) {}

HttpError::HttpError(Response response)
    : response_(std::move(response)),
      message_(std::to_string(response_.status()) + " " +
               std::string(reason_phrase(response_.status()))) {}

}  // namespace conduit
