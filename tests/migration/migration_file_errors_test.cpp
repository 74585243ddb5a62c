// Tests for bad migration files (each error's file, line, column and key path), the
// file-name rules, the directory scan and MigrationError's text.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include "conduit/migration/migration_error.hpp"
#include "conduit/migration/migration_file.hpp"
#include "migration/operation_printer.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace mig = conduit::migration;
using mig::MigrationError;

const std::string kPath = "migrations/00000002_add_age.migration.yaml";

using conduit::test::TempDir;

MigrationError parse_error(const std::string& yaml, const std::string& path = kPath) {
  try {
    mig::parse_migration(yaml, path);
  } catch (const MigrationError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for:\n" << yaml;
  return MigrationError("none");
}

// The 1-based line and column of the first occurrence of `needle`.
std::pair<int, int> position_of(const std::string& text, const std::string& needle) {
  const std::size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  const std::size_t line_start = text.rfind('\n', at);
  const int line =
      1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
  const int column = static_cast<int>(line_start == std::string::npos ? at + 1 : at - line_start);
  return {line, column};
}

void expect_error(const std::string& yaml, const std::string& at, const std::string& key,
                  const std::string& message) {
  const MigrationError e = parse_error(yaml);
  const auto [line, column] = position_of(yaml, at);
  EXPECT_EQ(e.file(), kPath);
  EXPECT_EQ(e.line(), line) << e.what();
  EXPECT_EQ(e.column(), column) << e.what();
  EXPECT_EQ(e.key(), key) << e.what();
  EXPECT_EQ(e.message(), message);
  EXPECT_EQ(std::string(e.what()), kPath + ":" + std::to_string(line) + ":" +
                                       std::to_string(column) + ": " +
                                       (key.empty() ? "" : key + ": ") + message);
}

TEST(MigrationFileErrors, InvalidYaml) {
  const MigrationError e = parse_error("operations:\n  - sql: [unclosed\n");
  EXPECT_EQ(e.file(), kPath);
  EXPECT_EQ(e.line(), 3);
  EXPECT_GT(e.column(), 0);
  EXPECT_EQ(e.message().rfind("invalid YAML: ", 0), 0u) << e.what();
}

TEST(MigrationFileErrors, DuplicateKey) {
  const std::string yaml = "operations:\n  - rename_table: {from: a, to: b, from: c}\n";
  const MigrationError e = parse_error(yaml);
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.column(), position_of(yaml, "from: c").second);
  EXPECT_EQ(e.message(), "duplicate key 'from' (first defined on line 2)");
}

TEST(MigrationFileErrors, UnknownOperationSuggestsTheClosest) {
  const std::string yaml = "operations:\n  - delete_table: {table: a}\n  - add_colum: {table: t}\n";
  expect_error(yaml, "add_colum", "operations[1]",
               "unknown operation 'add_colum' (did you mean 'add_column'?)");
}

TEST(MigrationFileErrors, UnknownColumnKeySuggestsTheClosest) {
  const std::string yaml =
      "operations:\n  - add_column: {table: t, column: {name: a, type: text, nulable: true}}\n";
  expect_error(yaml, "nulable", "operations[0].add_column.column.nulable",
               "unknown key 'nulable' (did you mean 'nullable'?)");
}

TEST(MigrationFileErrors, UnknownKeyFarFromAnyListsTheKeys) {
  const std::string yaml = "operations:\n  - delete_table: {table: a, cascade: true}\n";
  expect_error(yaml, "cascade", "operations[0].delete_table.cascade",
               "unknown key 'cascade' (expected one of 'table')");
}

TEST(MigrationFileErrors, MissingKeyPointsAtTheMap) {
  const std::string yaml = "operations:\n  - add_column: {table: t}\n";
  expect_error(yaml, "{table", "operations[0].add_column", "missing key 'column'");
}

TEST(MigrationFileErrors, UnknownColumnType) {
  const std::string yaml =
      "operations:\n  - create_table:\n      name: t\n      columns:\n"
      "        - {name: id, type: big_integer, primary_key: true}\n"
      "        - name: age\n          type: strng\n";
  expect_error(yaml, "strng", "operations[0].create_table.columns[1].type",
               "unknown column type 'strng' (use one of integer, big_integer, boolean, "
               "double_precision, text, timestamp, document, uuid, decimal)");
}

TEST(MigrationFileErrors, UnknownDeleteRule) {
  const std::string yaml =
      "operations:\n  - alter_column: {table: t, column: c, on_delete: cascde}\n";
  expect_error(yaml, "cascde", "operations[0].alter_column.on_delete",
               "unknown delete rule 'cascde' (use one of nullify, cascade, restrict, set_default)");
}

TEST(MigrationFileErrors, WrongValueTypes) {
  expect_error("operations:\n  - alter_column: {table: t, column: c, nullable: maybe}\n", "maybe",
               "operations[0].alter_column.nullable", "expected true or false, got 'maybe'");
  expect_error("operations:\n  - delete_table: {table: [a, b]}\n", "[a, b]",
               "operations[0].delete_table.table", "expected a string, got a list");
  expect_error("operations:\n  - rename_table: {from: a, to: ''}\n", "''",
               "operations[0].rename_table.to", "expected a name, got an empty string");
  expect_error("operations: {sql: x}\n", "{sql", "operations",
               "expected a list of operations, got a map");
  expect_error("operations: []\nseed:\n  - [x]\n", "[x]", "seed[0]",
               "expected a string, got a list");
}

TEST(MigrationFileErrors, BadUniqueSets) {
  expect_error("operations:\n  - alter_unique_sets: {table: t, unique_sets: [a, b]}\n", "a, b]",
               "operations[0].alter_unique_sets.unique_sets[0]",
               "expected a list of column names such as [a, b], got 'a'");
}

TEST(MigrationFileErrors, OperationKeysNotIndentedUnderTheOperation) {
  const std::string yaml = "operations:\n  - delete_table:\n    table: a\n";
  expect_error(yaml, "delete_table", "operations[0]",
               "expected an operation: a map with one key, found 2 (are the operation's own keys "
               "indented below its name?)");
}

TEST(MigrationFileErrors, OperationThatIsNotAMap) {
  expect_error("operations:\n  - create_table\n", "create_table", "operations[0]",
               "expected an operation: a map with one key, the operation's name ('create_table', "
               "'delete_table', 'rename_table', 'add_column', 'delete_column', 'rename_column', "
               "'alter_column', 'alter_unique_sets', 'sql')");
}

TEST(MigrationFileErrors, ColumnsThatAreNotMaps) {
  const std::string yaml = "operations:\n  - create_table: {name: t, columns: [id]}\n";
  expect_error(yaml, "id]", "operations[0].create_table.columns[0]",
               "expected a column (a map with name and type), got 'id'");
}

TEST(MigrationFileErrors, SqlNeedsText) {
  expect_error("operations:\n  - sql: {}\n", "{}", "operations[0].sql",
               "expected at least one of 'all', 'postgres', 'sqlite'");
  expect_error("operations:\n  - sql: {mysql: x}\n", "mysql", "operations[0].sql.mysql",
               "unknown key 'mysql' (expected one of 'all', 'postgres', 'sqlite')");
}

TEST(MigrationFileErrors, TopLevel) {
  expect_error("operation: []\n", "operation", "operation",
               "unknown key 'operation' (did you mean 'operations'?)");
  expect_error("seed: []\n", "seed", "", "missing key 'operations'");
  const MigrationError empty = parse_error("");
  EXPECT_EQ(empty.message(), "expected a map with 'operations' (and optionally 'seed'), got null");
  EXPECT_EQ(empty.line(), 1);
}

TEST(MigrationFileErrors, BadFileName) {
  for (const std::string name :
       {"2_AddAge.migration.yaml", "00000000_zero.migration.yaml", "x_1.migration.yaml",
        "00000001.migration.yaml", "99999999999_big.migration.yaml", "00000001_a-b.migration.yaml",
        "00000001_a.migration.yml"}) {
    const MigrationError e = parse_error("operations: []\n", "migrations/" + name);
    EXPECT_EQ(e.file(), "migrations/" + name);
    EXPECT_EQ(e.line(), 0);
    EXPECT_NE(e.message().find("'" + name + "' is not a migration file name"), std::string::npos)
        << e.what();
  }
}

TEST(MigrationFileName, ParsesAndFormats) {
  EXPECT_EQ(mig::migration_file_name(1, "initial"), "00000001_initial.migration.yaml");
  EXPECT_EQ(mig::migration_file_name(123456789, "x_2"), "123456789_x_2.migration.yaml");
  EXPECT_EQ(mig::migration_file_name(3, ""), "00000003_.migration.yaml");
  EXPECT_THROW(mig::migration_file_name(0, "x"), MigrationError);
  EXPECT_THROW(mig::migration_file_name(1, "Add Age"), MigrationError);
  const auto parsed = mig::parse_migration_file_name("00000042_add_age.migration.yaml");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->version, 42u);
  EXPECT_EQ(parsed->name, "add_age");
  EXPECT_EQ(mig::parse_migration_file_name("4294967295_max.migration.yaml")->version, 4294967295u);
  EXPECT_FALSE(mig::parse_migration_file_name("4294967296_over.migration.yaml"));
  EXPECT_EQ(mig::parse_migration_file_name("7_.migration.yaml")->name, "");
}

TEST(MigrationDirectory, AMissingDirectoryHasNoMigrations) {
  TempDir dir;
  EXPECT_TRUE(mig::read_migration_directory(dir.path() / "nope").empty());
  EXPECT_TRUE(mig::read_migration_directory(dir.path()).empty());
}

TEST(MigrationDirectory, ReadsMatchingFilesSortedByVersionAndIgnoresOthers) {
  TempDir dir;
  dir.write("10_ten.migration.yaml", "operations:\n  - delete_table: {table: ten}\n");
  dir.write("00000002_two.migration.yaml", "operations: []\n");
  dir.write("00000001_initial.migration.yaml", "operations:\n  - sql: x\n");
  dir.write("README.md", "not yaml: [");
  dir.write("00000003_three.migration.yaml.bak", "not yaml: [");
  dir.write("notes.yaml", "a: b");
  std::filesystem::create_directory(dir.path() / "00000009_dir.migration.yaml");
  const auto migrations = mig::read_migration_directory(dir.path());
  ASSERT_EQ(migrations.size(), 3u);
  EXPECT_EQ(migrations[0].version, 1u);
  EXPECT_EQ(migrations[1].version, 2u);
  EXPECT_EQ(migrations[2].version, 10u);
  EXPECT_EQ(migrations[2].name, "ten");
  EXPECT_EQ(migrations[2].path, dir.path() / "10_ten.migration.yaml");
  EXPECT_EQ(migrations[2].operations[0], mig::Operation(mig::DeleteTable{"ten"}));
}

TEST(MigrationDirectory, ABadFileNameIsAnError) {
  TempDir dir;
  dir.write("00000001_initial.migration.yaml", "operations: []\n");
  const auto bad = dir.write("AddAge.migration.yaml", "operations: []\n");
  try {
    mig::read_migration_directory(dir.path());
    FAIL();
  } catch (const MigrationError& e) {
    EXPECT_EQ(e.file(), bad.string());
    EXPECT_NE(e.message().find("'AddAge.migration.yaml' is not a migration file name"),
              std::string::npos);
  }
}

TEST(MigrationDirectory, TwoFilesWithTheSameVersionAreAnError) {
  TempDir dir;
  dir.write("00000002_b.migration.yaml", "operations: []\n");
  dir.write("2_a.migration.yaml", "operations: []\n");
  try {
    mig::read_migration_directory(dir.path());
    FAIL();
  } catch (const MigrationError& e) {
    EXPECT_EQ(std::string(e.what()), dir.path().string() +
                                         ": two files have version 2: 00000002_b.migration.yaml, "
                                         "2_a.migration.yaml");
  }
}

TEST(MigrationDirectory, AnErrorInAFileNamesTheFile) {
  TempDir dir;
  const auto file = dir.write("00000001_x.migration.yaml", "operations:\n  - nope: {}\n");
  try {
    mig::read_migration_directory(dir.path());
    FAIL();
  } catch (const MigrationError& e) {
    EXPECT_EQ(std::string(e.what()),
              file.string() + ":2:5: operations[0]: unknown operation 'nope' (use one of " +
                  "'create_table', 'delete_table', 'rename_table', 'add_column', 'delete_column', "
                  "'rename_column', 'alter_column', 'alter_unique_sets', 'sql')");
  }
}

TEST(MigrationDirectory, APathThatIsNotADirectoryIsAnError) {
  TempDir dir;
  const auto file = dir.write("plain", "");
  EXPECT_THROW(mig::read_migration_directory(file), MigrationError);
  EXPECT_THROW(mig::read_migration_file(dir.path() / "00000001_missing.migration.yaml"),
               MigrationError);
}

TEST(MigrationErrorText, LeavesOutWhatIsUnknown) {
  EXPECT_STREQ(MigrationError("f.yaml", 3, 7, "a.b", "bad").what(), "f.yaml:3:7: a.b: bad");
  EXPECT_STREQ(MigrationError("f.yaml", 3, 0, "a.b", "bad").what(), "f.yaml:3: a.b: bad");
  EXPECT_STREQ(MigrationError("f.yaml", 0, 0, "", "bad").what(), "f.yaml: bad");
  EXPECT_STREQ(MigrationError("", 0, 0, "k", "bad").what(), "k: bad");
  EXPECT_STREQ(MigrationError("bad").what(), "bad");
}

}  // namespace
