// Tests for parse_yaml / read_yaml_file: the YAML-free tree, positions and document-level
// errors (syntax, duplicates, several documents, unreadable files).
#include "conduit/config/config_node.hpp"

#include <gtest/gtest.h>

#include <string>

#include "conduit/config/config_error.hpp"
#include "support/temp_file.hpp"

namespace conduit {
namespace {

std::string error_of(std::string_view yaml) {
  try {
    parse_yaml(yaml, "config.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ConfigNodeTest, BuildsTreeWithOneBasedPositions) {
  const ConfigNode root =
      parse_yaml("name: app\nservers:\n  - host: a\n    port: 1\nempty:\n", "x");
  ASSERT_TRUE(root.is_map());
  ASSERT_EQ(root.entries().size(), 3u);
  EXPECT_EQ(root.entries()[0].key, "name");
  EXPECT_EQ(root.entries()[1].key, "servers");
  EXPECT_EQ(root.entries()[2].key, "empty");

  const ConfigNode* name = root.find("name");
  ASSERT_NE(name, nullptr);
  EXPECT_TRUE(name->is_scalar());
  EXPECT_EQ(name->text(), "app");
  EXPECT_EQ(name->mark().line, 1);
  EXPECT_EQ(name->mark().column, 7);

  const ConfigNode* servers = root.find("servers");
  ASSERT_TRUE(servers->is_list());
  ASSERT_EQ(servers->size(), 1u);
  const ConfigNode& first = servers->items()[0];
  EXPECT_TRUE(first.is_map());
  EXPECT_EQ(first.find("port")->text(), "1");
  EXPECT_EQ(first.find("port")->mark().line, 4);
  EXPECT_EQ(first.find("port")->mark().column, 11);

  // An empty value is null and points at its key, not at the next line.
  const ConfigNode* empty = root.find("empty");
  EXPECT_TRUE(empty->is_null());
  EXPECT_EQ(empty->mark().line, 5);
  EXPECT_EQ(root.find("missing"), nullptr);
}

TEST(ConfigNodeTest, ScalarsKeepTheirTextAndQuotedNullIsAString) {
  const ConfigNode root = parse_yaml("a: \"null\"\nb: ~\nc: 0x1F\nd: |\n  two\n  lines\n", "x");
  EXPECT_TRUE(root.find("a")->is_scalar());
  EXPECT_EQ(root.find("a")->text(), "null");
  EXPECT_TRUE(root.find("b")->is_null());
  EXPECT_EQ(root.find("c")->text(), "0x1F");
  EXPECT_EQ(root.find("d")->text(), "two\nlines\n");
}

TEST(ConfigNodeTest, EmptyDocumentIsNull) {
  EXPECT_TRUE(parse_yaml("", "x").is_null());
  EXPECT_TRUE(parse_yaml("# just a comment\n", "x").is_null());
}

TEST(ConfigNodeTest, SyntaxErrorNamesFileAndLine) {
  EXPECT_EQ(error_of("a:\n  b: 1\n c: 2\n"), "config.yaml:3:2: invalid YAML: end of map not found");
  EXPECT_EQ(error_of("a: [1,\n b: 2\n"),
            "config.yaml:3:1: invalid YAML: end of sequence flow not found");
}

TEST(ConfigNodeTest, DuplicateKeysAreRejected) {
  EXPECT_EQ(error_of("port: 1\nhost: h\nport: 2\n"),
            "config.yaml:3:1: duplicate key 'port' (first defined on line 1)");
}

TEST(ConfigNodeTest, NonScalarKeysAreRejected) {
  EXPECT_EQ(error_of("? [a, b]\n: 1\n"), "config.yaml:1:3: map keys must be plain strings");
}

TEST(ConfigNodeTest, SeveralDocumentsAreRejected) {
  EXPECT_EQ(error_of("a: 1\n---\nb: 2\n"), "config.yaml:3:1: expected one YAML document, found 2");
}

TEST(ConfigNodeTest, MergeKeysAddMissingEntriesOnly) {
  const ConfigNode root = parse_yaml(
      "base: &base {host: h, port: 1}\n"
      "other: {port: 9}\n"
      "server:\n  <<: [*base]\n  port: 2\n"
      "quoted:\n  \"<<\": literal\n",
      "x");
  const ConfigNode* server = root.find("server");
  ASSERT_EQ(server->size(), 2u);
  EXPECT_EQ(server->find("port")->text(), "2");
  EXPECT_EQ(server->find("host")->text(), "h");
  EXPECT_EQ(root.find("quoted")->find("<<")->text(), "literal");
  EXPECT_EQ(error_of("a:\n  <<: 5\n"), "config.yaml:2:7: a merge key ('<<') needs a map to merge");
}

TEST(ConfigNodeTest, AliasExpansionIsBounded) {
  // Each level doubles the tree: 2^24 nodes if expanded naively.
  std::string yaml = "l0: &l0 [x, x]\n";
  for (int i = 1; i <= 24; ++i) {
    yaml += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [*l" + std::to_string(i - 1) +
            ", *l" + std::to_string(i - 1) + "]\n";
  }
  EXPECT_NE(error_of(yaml).find("expands to more than"), std::string::npos);
}

TEST(ConfigNodeTest, ReadsFiles) {
  test::TempFile file("config.yaml", "port: 8080\n");
  const ConfigNode root = read_yaml_file(file.path());
  EXPECT_EQ(root.find("port")->text(), "8080");
}

TEST(ConfigNodeTest, MissingFileNamesThePathAndReason) {
  try {
    read_yaml_file("does-not-exist/config.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "does-not-exist/config.yaml: cannot read file (No such file or directory)");
    EXPECT_EQ(e.source(), "does-not-exist/config.yaml");
    EXPECT_EQ(e.line(), 0);
  }
}

TEST(ConfigNodeTest, DirectoryIsNotReadable) {
  test::TempFile file("config.yaml", "");
  try {
    read_yaml_file(file.directory());
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), file.directory() + ": cannot read file (Is a directory)");
  }
}

TEST(ConfigNodeTest, DescribeNodeQuotesAndShortensScalars) {
  EXPECT_EQ(describe_node(ConfigNode::make_scalar("abc")), "'abc'");
  EXPECT_EQ(describe_node(ConfigNode::make_scalar("")), "''");
  EXPECT_EQ(describe_node(ConfigNode::make_scalar("a\nb")), "'a\\nb'");
  EXPECT_EQ(describe_node(ConfigNode::make_scalar(std::string(100, 'x'))),
            "'" + std::string(60, 'x') + "...'");
  EXPECT_EQ(describe_node(ConfigNode::make_list()), "a list");
  EXPECT_EQ(describe_node(ConfigNode::make_map()), "a map");
  EXPECT_EQ(describe_node(ConfigNode()), "null");
}

TEST(ConfigNodeTest, BuildersAssembleTrees) {
  ConfigNode map = ConfigNode::make_map({1, 1});
  ConfigNode list = ConfigNode::make_list();
  list.push_back(ConfigNode::make_scalar("a"));
  map.insert("items", std::move(list));
  EXPECT_EQ(map.find("items")->items()[0].text(), "a");
  EXPECT_EQ(map.size(), 1u);
}

}  // namespace
}  // namespace conduit
