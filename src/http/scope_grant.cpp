// ScopeGrant attachments on a request (scope_grant.hpp). One loop's request; no locking.
#include "conduit/http/scope_grant.hpp"

#include <any>
#include <string>
#include <utility>

namespace conduit {

void attach_scope_grant(Request& request, std::shared_ptr<const ScopeGrant> grant) {
  request.attachments().insert_or_assign(std::string(kScopeGrantAttachment), std::move(grant));
}

const ScopeGrant* scope_grant(const Request& request) noexcept {
  const auto& attachments = request.attachments();
  auto it = attachments.find(kScopeGrantAttachment);
  if (it == attachments.end()) return nullptr;
  const auto* grant = std::any_cast<std::shared_ptr<const ScopeGrant>>(&it->second);
  return grant ? grant->get() : nullptr;
}

}  // namespace conduit
