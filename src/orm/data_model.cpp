// Implementation of conduit::orm::DataModel: whole-model checks and the schema.
// Construction is single-threaded; the result is immutable.
#include "conduit/orm/data_model.hpp"

#include <fmt/format.h>

namespace conduit::orm {

DataModel::DataModel(std::vector<const Entity*> entities) : entities_(std::move(entities)) {
  for (std::size_t i = 0; i < entities_.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (entities_[i] == entities_[j]) {
        throw DataModelError(
            fmt::format("{} is registered twice in the data model", entities_[i]->name()));
      }
      if (entities_[i]->table().name == entities_[j]->table().name) {
        throw DataModelError(
            fmt::format("{} and {} both use table '{}': give one of them another name with `table`",
                        entities_[j]->name(), entities_[i]->name(), entities_[i]->table().name));
      }
    }
  }
  for (const Entity* entity : entities_) {
    for (const Property& property : entity->properties()) {
      if (!property.target) continue;
      const Entity& target = property.target();
      if (!find(target.type_id())) {
        throw DataModelError(fmt::format(
            "{}.{} refers to {}, which is not in the data model: add it to DataModel::of<...>",
            entity->name(), property.name, target.name()));
      }
    }
    schema_.tables.push_back(entity->table());
  }
}

boost::json::value DataModel::to_json() const { return orm::to_json(schema_); }

const Entity* DataModel::find_table(std::string_view table) const noexcept {
  for (const Entity* entity : entities_) {
    if (entity->table().name == table) return entity;
  }
  return nullptr;
}

const Entity* DataModel::find(const void* type_id) const noexcept {
  for (const Entity* entity : entities_) {
    if (entity->type_id() == type_id) return entity;
  }
  return nullptr;
}

void DataModel::throw_not_registered(std::string_view type) {
  throw DataModelError(fmt::format("{} is not in the data model", type));
}

}  // namespace conduit::orm
