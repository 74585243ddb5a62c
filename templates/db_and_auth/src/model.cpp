// The compiled parts of the data model: the models `conduit db generate` reads, and the
// controller of /model/[:id]. Kept apart from the channel: these instantiate the ORM's
// templates for Model, which takes seconds, and need recompiling only when the model changes.
#include "model.hpp"
#include "conduit/auth/models.hpp"
#include "conduit/orm/data_model.hpp"
#include "conduit/orm/managed_object_controller.hpp"
#include "user.hpp"
#include "wildfire_channel.hpp"

namespace wildfire {

const conduit::orm::DataModel& WildfireChannel::data_model() {
  static const auto model = conduit::auth::AuthModels<User>::data_model<Model>();
  return model;
}

std::shared_ptr<conduit::Controller> make_model_controller(
    std::shared_ptr<conduit::db::Database> database) {
  return std::make_shared<conduit::orm::ManagedObjectController<Model>>(std::move(database));
}

}  // namespace wildfire
