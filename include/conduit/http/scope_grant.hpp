// conduit::ScopeGrant: what an authorizer in front of a controller tells the controllers
// behind it about the OAuth 2.0 scopes a request was granted.
//
// The http module knows nothing of OAuth: an authorizer (auth::Authorizer) attaches a
// ScopeGrant to the request, and ResourceController checks an operation's declared scopes
// (OperationHandle::scopes) through it. A request without a grant reached the operation
// with no authorizer in front, which is a programming error (Conduit answers 500).
//
// Thread-safety: a grant is immutable once attached; the request belongs to one loop.
#pragma once

#include <memory>
#include <string_view>

#include "conduit/http/request.hpp"

namespace conduit {

class ScopeGrant {
 public:
  virtual ~ScopeGrant() = default;
  // Whether the granted scopes cover `scope` (e.g. "heroes.readonly"). May throw for a
  // scope string the authorizer cannot parse.
  virtual bool covers(std::string_view scope) const = 0;
};

// The attachments() key the grant is stored under, as std::shared_ptr<const ScopeGrant>.
inline constexpr std::string_view kScopeGrantAttachment = "conduit.scope_grant";

// Attaches `grant` to the request, replacing any earlier one.
void attach_scope_grant(Request& request, std::shared_ptr<const ScopeGrant> grant);
// The grant an authorizer attached, or nullptr.
const ScopeGrant* scope_grant(const Request& request) noexcept;

}  // namespace conduit
