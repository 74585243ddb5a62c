// OpenAPI components of orm models, from their entities (see conduit/orm/model_api.hpp).
// Stateless; thread-safe.
#include "conduit/orm/model_api.hpp"

namespace conduit::orm::detail {

namespace {

ApiSchema column_schema(const Property& property, const SchemaColumn& column) {
  ApiSchema s;
  using K = ApiSchema::Kind;
  switch (column.type) {
    case ColumnType::integer:
      s.kind = K::integer;
      s.format = "int32";
      break;
    case ColumnType::big_integer:
      s.kind = K::integer;
      s.format = "int64";
      break;
    case ColumnType::boolean:
      s.kind = K::boolean;
      break;
    case ColumnType::double_precision:
      s.kind = K::number;
      s.format = "double";
      break;
    case ColumnType::text:
      s.kind = K::string;
      for (std::string_view name : property.enum_names) s.enum_values.emplace_back(name);
      break;
    case ColumnType::timestamp:
      s.kind = K::string;
      s.format = "date-time";
      break;
    case ColumnType::document:
      break;
    case ColumnType::uuid:
      s.kind = K::string;
      s.format = "uuid";
      break;
    case ColumnType::decimal:
      s.kind = K::string;
      s.format = "decimal";
      break;
  }
  s.nullable = column.nullable;
  return s;
}

}  // namespace

ApiSchema api_model_schema(const Entity& entity, ApiComponents& components) {
  ApiSchema ref;
  ref.kind = ApiSchema::Kind::ref;
  ref.ref = entity.name();
  if (components.contains(entity.name())) return ref;
  components[entity.name()] = ApiSchema{};  // placeholder: models that refer to each other
  ApiSchema object;
  object.kind = ApiSchema::Kind::object;
  for (const Property& property : entity.properties()) {
    // Conduit leaves omit-by-default fields out of responses unless asked for.
    if (property.omit_by_default) continue;
    ApiSchema schema;
    if (property.kind == PropertyKind::attribute && property.column) {
      const SchemaColumn& column = entity.column_of(property);
      schema = column_schema(property, column);
      if (column.primary_key && column.autoincrement) schema.read_only = true;
      if (column.primary_key) object.required.emplace_back(property.name);
    } else if (property.kind == PropertyKind::belongs_to && property.target) {
      schema = api_model_schema(property.target(), components);
      schema.nullable = true;
    } else if (property.kind == PropertyKind::has_one && property.target) {
      schema = api_model_schema(property.target(), components);
      schema.nullable = true;
      schema.read_only = true;
    } else if (property.kind == PropertyKind::has_many && property.target) {
      schema.kind = ApiSchema::Kind::array;
      schema.items.push_back(api_model_schema(property.target(), components));
      schema.read_only = true;
    }
    schema.description = property.description;
    schema.example = property.example;
    object.property_names.emplace_back(property.name);
    object.properties.push_back(std::move(schema));
  }
  components[entity.name()] = std::move(object);
  return ref;
}

}  // namespace conduit::orm::detail
