// OpenAPI schemas of orm models (conduit/http/api_description.hpp's ApiSchemaOf), from the
// one declaration of the model: each stored attribute with its column's type and format,
// nullable columns, enums, a database-assigned primary key read-only, relationships as
// references to the related model, omit-by-default fields absent. Body<Hero>,
// Body<orm::NewObject<Hero>> and .returns<std::vector<Hero>>() all name one component.
//
// Thread-safety: schemas are built from entity_of<T>() (thread-safe) into caller values.
#pragma once

#include <type_traits>

#include "conduit/http/api_description.hpp"
#include "conduit/orm/entity.hpp"
#include "conduit/orm/model_json.hpp"

namespace conduit::orm {

namespace detail {
// Adds the component of `entity` (and of the models it refers to) to `components`;
// returns a reference to it.
ApiSchema api_model_schema(const Entity& entity, ApiComponents& components);

template <class T>
struct ApiPartialModel : std::false_type {};
template <class T, KeyInput K>
struct ApiPartialModel<Partial<T, K>> : std::true_type {
  using Model = T;
};
}  // namespace detail

}  // namespace conduit::orm

namespace conduit {

template <class T>
struct ApiSchemaOf<T, std::enable_if_t<orm::ManagedModel<T>>> {
  static ApiSchema make(ApiComponents& components) {
    return orm::detail::api_model_schema(orm::entity_of<T>(), components);
  }
};

template <class T>
struct ApiSchemaOf<T, std::enable_if_t<orm::detail::ApiPartialModel<T>::value>> {
  static ApiSchema make(ApiComponents& components) {
    return api_schema<typename orm::detail::ApiPartialModel<T>::Model>(components);
  }
};

}  // namespace conduit
