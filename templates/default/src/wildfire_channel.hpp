// WildfireChannel: the application's entry point: its routes.
//
// Thread-safety: one instance per event loop; its controllers run on that loop only.
#pragma once

#include <memory>

#include "conduit/app/application_channel.hpp"

namespace wildfire {

class WildfireChannel : public conduit::ApplicationChannel {
 public:
  std::shared_ptr<conduit::Controller> entry_point() override;
};

}  // namespace wildfire
