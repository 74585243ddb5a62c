// Implementation of conduit::HttpError.
#include "conduit/http/http_error.hpp"

#include "conduit/http/response.hpp"

namespace conduit {

HttpError::HttpError(int status, std::string_view message)
    : response_(std::make_shared<const Response>(Response::error(status, message))),
      message_(message) {}

HttpError::HttpError(Response response)
    : response_(std::make_shared<const Response>(std::move(response))),
      message_(std::to_string(response_->status()) + " " +
               std::string(reason_phrase(response_->status()))) {}

HttpError::HttpError(Response response, std::string message)
    : response_(std::make_shared<const Response>(std::move(response))),
      message_(std::move(message)) {}

int HttpError::status() const noexcept { return response_->status(); }

}  // namespace conduit
