// conduit::orm::DataModel: the set of model types an application stores, registered once,
// validated as a whole, with the Schema they derive.
//
//   const auto model = orm::DataModel::of<User, Team, Hero, Power, HeroPower>();
//   model.schema();                      // what `db generate` diffs against migrations
//   model.to_json();                     // what `db schema` prints
//
// Most declaration mistakes are compile errors (see detail/model_checks.hpp); the constructor
// checks what only the whole set can tell, throwing DataModelError:
//   - a model registered twice,
//   - two models with the same table name,
//   - a relationship to a model that is not registered.
//
// Thread-safety: immutable after construction; safe to share between threads.
#pragma once

#include <boost/json/value.hpp>

#include <string_view>
#include <vector>

#include "conduit/orm/entity.hpp"
#include "conduit/orm/errors.hpp"
#include "conduit/orm/schema.hpp"

namespace conduit::orm {

class DataModel {
 public:
  template <class... Ts>
  static DataModel of() {
    return DataModel({&entity_of<Ts>()...});
  }

  // Validates the set; throws DataModelError.
  explicit DataModel(std::vector<const Entity*> entities);

  const std::vector<const Entity*>& entities() const noexcept { return entities_; }
  // Tables in registration order.
  const Schema& schema() const noexcept { return schema_; }
  boost::json::value to_json() const;

  const Entity* find_table(std::string_view table) const noexcept;
  const Entity* find(const void* type_id) const noexcept;
  // Throws DataModelError unless T is registered.
  template <class T>
  const Entity& entity() const {
    const Entity* found = find(detail::type_id<T>());
    if (!found) throw_not_registered(detail::type_name<T>());
    return *found;
  }

 private:
  [[noreturn]] static void throw_not_registered(std::string_view type);

  std::vector<const Entity*> entities_;
  Schema schema_;
};

}  // namespace conduit::orm
