// The schema diff invariant on generated schema pairs: for a random schema and a randomly
// changed copy (tables and columns added, deleted, renamed and altered, unique sets
// replaced), replaying the diff onto the first gives the second, both ways.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>

#include "migration/diff_test_support.hpp"

namespace {

using namespace migration_test;
using orm::ColumnType;
using orm::DeleteRule;
using Sets = std::vector<std::vector<std::string>>;

constexpr unsigned kGeneratedPairs = 80;

class SchemaGenerator {
 public:
  explicit SchemaGenerator(unsigned seed) : rng_(seed) {}

  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool chance(int percent) { return pick(100) < percent; }
  std::string fresh(const char* prefix) { return prefix + std::to_string(counter_++); }

  orm::SchemaColumn column(const orm::Schema& schema) {
    if (!schema.tables.empty() && chance(25)) {
      const orm::SchemaTable& target =
          schema.tables[static_cast<std::size_t>(pick(static_cast<int>(schema.tables.size())))];
      orm::SchemaColumn c{.name = fresh("fk"),
                          .type = target.primary_key()->type,
                          .nullable = chance(60),
                          .indexed = true};
      c.relationship = orm::ForeignKey{target.name, target.primary_key()->name,
                                       static_cast<DeleteRule>(pick(4))};
      return c;
    }
    orm::SchemaColumn c{.name = fresh("c"), .type = static_cast<ColumnType>(pick(9))};
    alter(c);
    return c;
  }

  void alter(orm::SchemaColumn& c) {
    static const std::vector<std::optional<std::string>> defaults = {std::nullopt, "0", "'x'",
                                                                     "now()", "''"};
    c.nullable = chance(40);
    c.unique = chance(20);
    c.indexed = chance(20);
    if (!c.relationship) c.default_value = defaults[static_cast<std::size_t>(pick(5))];
    if (c.relationship && chance(50)) c.relationship->on_delete = static_cast<DeleteRule>(pick(4));
  }

  Sets sets(const orm::SchemaTable& t) {
    Sets out;
    for (int n = pick(3); n > 0 && t.columns.size() >= 2; --n) {
      const auto& a =
          t.columns[static_cast<std::size_t>(pick(static_cast<int>(t.columns.size())))].name;
      const auto& b =
          t.columns[static_cast<std::size_t>(pick(static_cast<int>(t.columns.size())))].name;
      if (a != b) out.push_back({a, b});
    }
    return out;
  }

  void add_table(orm::Schema& schema) {
    orm::SchemaTable t{.name = fresh("t"), .columns = {id_column()}};
    if (chance(30)) t.columns[0] = {.name = "code", .type = ColumnType::text, .primary_key = true};
    schema.tables.push_back(t);  // so that its own columns may refer to it
    for (int n = 1 + pick(4); n > 0; --n) {
      orm::SchemaColumn c = column(schema);
      schema.tables.back().columns.push_back(c);
    }
    schema.tables.back().unique_sets = sets(schema.tables.back());
  }

  orm::Schema schema() {
    orm::Schema s;
    for (int n = pick(6); n > 0; --n) add_table(s);
    return s;
  }

  // A changed copy of `from` and the renames that lead to it.
  std::pair<orm::Schema, mig::Renames> mutate(const orm::Schema& from) {
    orm::Schema to = from;
    std::map<std::string, std::string> table_origin;  // new -> old
    std::map<std::string, std::map<std::string, std::string>>
        column_origin;  // table(new) -> new -> old
    for (const auto& t : from.tables) {
      table_origin[t.name] = t.name;
      for (const auto& c : t.columns) column_origin[t.name][c.name] = c.name;
    }
    for (int n = 1 + pick(6); n > 0; --n) {
      const int kind = pick(8);
      if (kind == 0 || to.tables.empty()) {
        add_table(to);
        continue;
      }
      orm::SchemaTable& t =
          to.tables[static_cast<std::size_t>(pick(static_cast<int>(to.tables.size())))];
      const std::string name = t.name;
      auto each_reference = [&](auto&& f) {
        for (auto& other : to.tables) {
          for (auto& c : other.columns) {
            if (c.relationship && c.relationship->table == name) f(other, c);
          }
        }
      };
      if (kind == 1) {  // delete the table and every column that refers to it
        for (auto& other : to.tables) {
          std::vector<std::string> gone;
          for (auto& c : other.columns)
            if (c.relationship && c.relationship->table == name) gone.push_back(c.name);
          for (const auto& g : gone) delete_column(other, g);
        }
        std::erase_if(to.tables, [&](const auto& x) { return x.name == name; });
      } else if (kind == 2 && table_origin.count(name)) {
        const std::string new_name = fresh("r");
        each_reference([&](auto&, auto& c) { c.relationship->table = new_name; });
        t.name = new_name;
        table_origin[new_name] = table_origin[name];
        table_origin.erase(name);
        column_origin[new_name] = column_origin[name];
        column_origin.erase(name);
      } else if (kind == 3) {
        t.columns.push_back(column(to));
      } else if (kind == 4 && t.columns.size() > 1) {
        const std::string column_name =
            t.columns[1 + static_cast<std::size_t>(pick(static_cast<int>(t.columns.size()) - 1))]
                .name;
        delete_column(t, column_name);
        column_origin[name].erase(column_name);
      } else if (kind == 5 && table_origin.count(name)) {
        auto& c = t.columns[static_cast<std::size_t>(pick(static_cast<int>(t.columns.size())))];
        const std::string old = c.name;
        if (!column_origin[name].count(old)) continue;
        const std::string new_name = fresh("n");
        each_reference([&](auto&, auto& ref_column) {
          if (ref_column.relationship->column == old) ref_column.relationship->column = new_name;
        });
        for (auto& set : t.unique_sets) std::replace(set.begin(), set.end(), old, new_name);
        c.name = new_name;
        column_origin[name][new_name] = column_origin[name][old];
        column_origin[name].erase(old);
      } else if (kind == 6) {
        alter(t.columns[static_cast<std::size_t>(pick(static_cast<int>(t.columns.size())))]);
      } else {
        t.unique_sets = sets(t);
      }
    }
    mig::Renames renames;
    for (const auto& [now, was] : table_origin) {
      if (now != was && to.find_table(now)) renames.tables.emplace_back(was, now);
    }
    for (const auto& [table_name, columns] : column_origin) {
      if (!to.find_table(table_name) || !table_origin.count(table_name)) continue;
      for (const auto& [now, was] : columns) {
        if (now != was && to.find_table(table_name)->find_column(now))
          renames.columns.push_back({table_name, was, now});
      }
    }
    return {to, renames};
  }

 private:
  static void delete_column(orm::SchemaTable& t, const std::string& name) {
    std::erase_if(t.columns, [&](const auto& c) { return c.name == name; });
    std::erase_if(t.unique_sets, [&](const auto& set) {
      return std::find(set.begin(), set.end(), name) != set.end();
    });
  }

  std::mt19937 rng_;
  int counter_ = 0;
};

TEST(SchemaDiff, ReplayingTheDiffOfGeneratedSchemasGivesTheTarget) {
  // How many operations of each kind the diffs produced, so that a generator that stopped
  // producing some change would be noticed.
  std::map<std::string, int> kinds;
  for (unsigned seed = 1; seed <= kGeneratedPairs; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    SchemaGenerator generator(seed);
    const orm::Schema from = generator.schema();
    auto [to, renames] = generator.mutate(from);
    EXPECT_TRUE(mig::diff_schemas(from, from).empty());
    EXPECT_TRUE(mig::diff_schemas(to, to).empty());
    for (const auto& op : checked_diff(from, to, renames).operations) {
      ++kinds[std::string(mig::operation_key(op))];
    }
    checked_diff({}, to);
    // Back again: without renames a renamed table or column is deleted and added, which
    // cannot be done when foreign keys follow the rename.
    if (renames.tables.empty() && renames.columns.empty()) checked_diff(to, from);
    if (::testing::Test::HasFailure()) break;
  }
  for (const char* kind : {"create_table", "delete_table", "rename_table", "add_column",
                           "delete_column", "rename_column", "alter_column", "alter_unique_sets"}) {
    EXPECT_GE(kinds[kind], 5) << kind;
  }
}

}  // namespace
