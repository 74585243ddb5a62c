// The orm module in one include: declare a model once, derive JSON, validation, the
// relational schema and row mapping from it.
//
//   #include "conduit/orm/orm.hpp"
//   namespace orm = conduit::orm;
//
//   struct Team;
//   struct Hero {
//     std::int64_t id = 0;
//     std::string name;
//     std::optional<std::string> secret_identity;
//     orm::Timestamp created_at{};
//     orm::BelongsTo<Team> team;
//     static constexpr auto table = "_hero";
//     static constexpr orm::Column columns[] = {
//         {.member = "name", .unique = true, .indexed = true, .validators = {orm::length(1, 80)}},
//         {.member = "created_at", .default_value = "now()", .validators = {orm::constant()}},
//         {.member = "team", .on_delete = orm::DeleteRule::cascade},
//     };
//   };
//   BOOST_DESCRIBE_STRUCT(Hero, (), (id, name, secret_identity, created_at, team))
//
//   struct Team {
//     std::int64_t id = 0;
//     std::string name;
//     orm::HasMany<Hero> heroes;
//   };
//   BOOST_DESCRIBE_STRUCT(Team, (), (id, name, heroes))
//
//   auto model = orm::DataModel::of<Hero, Team>();     // schema: _hero(team_id -> team.id)
//   auto keys = orm::read_json(body, hero);            // 400s in Conduit's wording
//   orm::validate(hero, orm::Event::insert, keys);
//   return Response::ok(orm::to_json(hero));
//
// Headers: column.hpp (Column, Table), validator.hpp (rules), relationships.hpp,
// uuid.hpp, decimal.hpp, schema.hpp, entity.hpp, data_model.hpp, field_set.hpp,
// model_json.hpp, validation.hpp, row.hpp. The compile errors a declaration can raise are
// listed in detail/model_checks.hpp and demonstrated in tests/orm/compile_error_cases.inc.
//
// Thread-safety: see each header; all of it is safe to use from any thread.
#pragma once

#include "conduit/orm/column.hpp"
#include "conduit/orm/data_model.hpp"
#include "conduit/orm/decimal.hpp"
#include "conduit/orm/entity.hpp"
#include "conduit/orm/errors.hpp"
#include "conduit/orm/field_set.hpp"
#include "conduit/orm/key.hpp"
#include "conduit/orm/model_api.hpp"
#include "conduit/orm/model_json.hpp"
#include "conduit/orm/relationships.hpp"
#include "conduit/orm/row.hpp"
#include "conduit/orm/schema.hpp"
#include "conduit/orm/uuid.hpp"
#include "conduit/orm/validation.hpp"
#include "conduit/orm/validator.hpp"
