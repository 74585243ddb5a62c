// HeroesChannel: the demo application's channel: configuration, routes, controllers.
//
// Thread-safety: one instance per event loop.
#pragma once

#include <memory>

#include "conduit/app/application_channel.hpp"
#include "hero_controller.hpp"
#include "heroes_config.hpp"

namespace heroes {

class HeroesChannel : public conduit::ApplicationChannel {
 public:
  conduit::Task<void> prepare() override;
  std::shared_ptr<conduit::Controller> entry_point() override;

 private:
  HeroesConfig config_;
  std::shared_ptr<HeroStore> store_ = std::make_shared<HeroStore>();
};

}  // namespace heroes
