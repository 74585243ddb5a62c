// Tests for the orm's value types: Uuid (parse, format, random v4, order) and Decimal
// (parse into canonical text, exponents, numeric comparison, scale).
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "conduit/orm/decimal.hpp"
#include "conduit/orm/uuid.hpp"

namespace {

using conduit::orm::Decimal;
using conduit::orm::Uuid;

TEST(OrmUuid, ParseAndFormat) {
  auto id = Uuid::parse("6F1C7A57-0D2B-4C5E-9B8E-2F9A3C1D4E5F");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->to_string(), "6f1c7a57-0d2b-4c5e-9b8e-2f9a3c1d4e5f");
  EXPECT_EQ(id->bytes()[0], 0x6F);
  EXPECT_EQ(Uuid::parse("6f1c7a570d2b4c5e9b8e2f9a3c1d4e5f"), id);
  EXPECT_EQ(Uuid().to_string(), "00000000-0000-0000-0000-000000000000");
  EXPECT_TRUE(Uuid().is_nil());
  EXPECT_FALSE(id->is_nil());
}

TEST(OrmUuid, RejectsMalformedText) {
  EXPECT_EQ(Uuid::parse(""), std::nullopt);
  EXPECT_EQ(Uuid::parse("6f1c7a57-0d2b-4c5e-9b8e-2f9a3c1d4e5"), std::nullopt);
  EXPECT_EQ(Uuid::parse("6f1c7a57-0d2b-4c5e-9b8e-2f9a3c1d4e5g"), std::nullopt);
  EXPECT_EQ(Uuid::parse("6f1c7a570-d2b-4c5e-9b8e-2f9a3c1d4e5f"), std::nullopt);
  EXPECT_EQ(Uuid::parse("{6f1c7a57-0d2b-4c5e-9b8e-2f9a3c1d4e5f}"), std::nullopt);
}

TEST(OrmUuid, RandomIsVersion4AndDistinct) {
  std::set<Uuid> seen;
  for (int i = 0; i < 100; ++i) {
    Uuid id = Uuid::random();
    EXPECT_EQ(id.bytes()[6] >> 4, 4);
    EXPECT_EQ(id.bytes()[8] & 0xC0, 0x80);
    EXPECT_EQ(id.to_string()[14], '4');
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(OrmUuid, OrdersByBytes) {
  EXPECT_LT(*Uuid::parse("00000000-0000-0000-0000-000000000001"),
            *Uuid::parse("00000000-0000-0000-0000-000000000100"));
}

TEST(OrmDecimal, CanonicalText) {
  auto text = [](std::string_view in) {
    auto d = Decimal::parse(in);
    return d ? d->to_string() : std::string("invalid");
  };
  EXPECT_EQ(text("12.50"), "12.50");
  EXPECT_EQ(text("+0012.50"), "12.50");
  EXPECT_EQ(text("-0.5"), "-0.5");
  EXPECT_EQ(text(".5"), "0.5");
  EXPECT_EQ(text("5."), "5");
  EXPECT_EQ(text("-0.00"), "0.00");
  EXPECT_EQ(text("1e3"), "1000");
  EXPECT_EQ(text("1.25E+2"), "125");
  EXPECT_EQ(text("1.5e-3"), "0.0015");
  EXPECT_EQ(text("-12e-1"), "-1.2");
  EXPECT_EQ(text("0"), "0");
  EXPECT_EQ(text("123456789012345678901234567890.123"), "123456789012345678901234567890.123");
  EXPECT_EQ(Decimal().to_string(), "0");
  EXPECT_EQ(Decimal(-42).to_string(), "-42");
}

TEST(OrmDecimal, RejectsNonNumbers) {
  for (std::string_view bad :
       {"", ".", "-", "1,5", "NaN", "inf", "1e", "1e+", "1.2.3", " 1", "0x10", "1e99999"}) {
    EXPECT_EQ(Decimal::parse(bad), std::nullopt) << bad;
  }
}

TEST(OrmDecimal, ComparesNumerically) {
  auto d = [](std::string_view text) { return Decimal::parse(text).value(); };
  EXPECT_EQ(d("1.50"), d("1.5"));
  EXPECT_EQ(d("-0.0"), d("0"));
  EXPECT_LT(d("-2"), d("-1.5"));
  EXPECT_LT(d("-1.5"), d("0"));
  EXPECT_LT(d("0.001"), d("0.01"));
  EXPECT_LT(d("9.99"), d("10"));
  EXPECT_GT(d("100"), d("99.999"));
  EXPECT_GT(d("-1"), d("-1.0001"));
  EXPECT_NE(d("1.51"), d("1.5"));
}

TEST(OrmDecimal, ScaleAndDouble) {
  EXPECT_EQ(Decimal::parse("12.50")->scale(), 2);
  EXPECT_EQ(Decimal::parse("12")->scale(), 0);
  EXPECT_TRUE(Decimal::parse("-3")->is_negative());
  EXPECT_FALSE(Decimal::parse("-0")->is_negative());
  EXPECT_DOUBLE_EQ(Decimal::parse("-12.25")->to_double(), -12.25);
}

}  // namespace
