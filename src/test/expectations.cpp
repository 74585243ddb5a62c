// Matchers and GoogleTest expectations on responses (include/conduit/test/expectations.hpp).
//
// Thread-safety: immutable values and pure functions.
#include "conduit/test/expectations.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <sstream>

namespace conduit::test {
namespace {

std::string pretty(const boost::json::value& value, int indent);

std::string pad(int indent) { return std::string(static_cast<std::size_t>(indent), ' '); }

std::string pretty(const boost::json::value& value, int indent) {
  if (value.is_object() && !value.get_object().empty()) {
    std::string out = "{\n";
    bool first = true;
    for (const auto& member : value.get_object()) {
      if (!first) out += ",\n";
      first = false;
      out += pad(indent + 2) + boost::json::serialize(boost::json::value(member.key())) + ": " +
             pretty(member.value(), indent + 2);
    }
    return out + "\n" + pad(indent) + "}";
  }
  if (value.is_array() && !value.get_array().empty()) {
    std::string out = "[\n";
    bool first = true;
    for (const auto& element : value.get_array()) {
      if (!first) out += ",\n";
      first = false;
      out += pad(indent + 2) + pretty(element, indent + 2);
    }
    return out + "\n" + pad(indent) + "]";
  }
  return boost::json::serialize(value);
}

std::string show(const boost::json::value* value) {
  return value == nullptr ? "(absent)" : boost::json::serialize(*value);
}

// Integers compare by value whatever their storage (int64 or uint64); 1 and 1.0 differ.
bool json_equal(const boost::json::value& a, const boost::json::value& b) {
  if ((a.is_int64() || a.is_uint64()) && (b.is_int64() || b.is_uint64())) {
    if (a.is_int64() && b.is_int64()) return a.get_int64() == b.get_int64();
    if (a.is_uint64() && b.is_uint64()) return a.get_uint64() == b.get_uint64();
    const auto& s = a.is_int64() ? a : b;
    const auto& u = a.is_int64() ? b : a;
    return s.get_int64() >= 0 && static_cast<std::uint64_t>(s.get_int64()) == u.get_uint64();
  }
  return a == b;
}

}  // namespace

// ---- Matchers ----------------------------------------------------------------------

Matcher any_value() {
  return {"<any value>", [](const boost::json::value* v) { return v != nullptr; }};
}
Matcher any_integer() {
  return {"<any integer>",
          [](const boost::json::value* v) { return v && (v->is_int64() || v->is_uint64()); }};
}
Matcher any_number() {
  return {"<any number>", [](const boost::json::value* v) { return v && v->is_number(); }};
}
Matcher any_string() {
  return {"<any string>", [](const boost::json::value* v) { return v && v->is_string(); }};
}
Matcher non_empty_string() {
  return {"<non-empty string>", [](const boost::json::value* v) {
            return v && v->is_string() && !v->get_string().empty();
          }};
}
Matcher any_bool() {
  return {"<any bool>", [](const boost::json::value* v) { return v && v->is_bool(); }};
}
Matcher absent() {
  return {"<absent>", [](const boost::json::value* v) { return v == nullptr; }};
}
Matcher timestamp() {
  return {"<timestamp>", [](const boost::json::value* v) {
            static const std::regex iso(
                R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?)");
            return v && v->is_string() && std::regex_match(std::string(v->get_string()), iso);
          }};
}

std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view text) {
  static const std::regex iso(
      R"((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):?(\d{2}))?)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(text.begin(), text.end(), m, iso)) return std::nullopt;
  const auto number = [&](int i) { return std::stoi(m[i].str()); };
  using namespace std::chrono;
  const year_month_day date{year(number(1)), month(static_cast<unsigned>(number(2))),
                            day(static_cast<unsigned>(number(3)))};
  if (!date.ok() || number(4) > 23 || number(5) > 59 || number(6) > 60) return std::nullopt;
  sys_time<microseconds> point =
      sys_days(date) + hours(number(4)) + minutes(number(5)) + seconds(number(6));
  if (m[7].matched) {
    std::string digits = m[7].str().substr(0, 6);
    digits.resize(6, '0');
    point += microseconds(std::stol(digits));
  }
  if (m[9].matched) {  // local time = UTC + offset
    const auto offset = hours(number(10)) + minutes(number(11));
    point += m[9].str() == "+" ? -offset : offset;
  }
  return time_point_cast<system_clock::duration>(point);
}

namespace {

std::string iso_utc(std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  const auto micros = time_point_cast<microseconds>(when);
  const auto days = floor<std::chrono::days>(micros);
  const year_month_day date{days};
  const hh_mm_ss time{micros - days};
  std::string out =
      fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  time.hours().count(), time.minutes().count(), time.seconds().count());
  if (time.subseconds().count() != 0) out += fmt::format(".{:06}", time.subseconds().count());
  return out + "Z";
}

Matcher timestamp_in(std::string description,
                     std::function<bool(std::chrono::system_clock::time_point)> accepts) {
  return {std::move(description), [accepts = std::move(accepts)](const boost::json::value* v) {
            if (v == nullptr || !v->is_string()) return false;
            const auto point = parse_timestamp(std::string_view(v->get_string()));
            return point && accepts(*point);
          }};
}

}  // namespace

Matcher is_after(std::chrono::system_clock::time_point when) {
  return timestamp_in("<timestamp after " + iso_utc(when) + ">",
                      [when](auto point) { return point > when; });
}
Matcher is_before(std::chrono::system_clock::time_point when) {
  return timestamp_in("<timestamp before " + iso_utc(when) + ">",
                      [when](auto point) { return point < when; });
}
Matcher is_between(std::chrono::system_clock::time_point from,
                   std::chrono::system_clock::time_point to) {
  return timestamp_in("<timestamp between " + iso_utc(from) + " and " + iso_utc(to) + ">",
                      [from, to](auto point) { return from <= point && point <= to; });
}

// ---- BodyMatcher -------------------------------------------------------------------

BodyMatcher::BodyMatcher(boost::json::value exact)
    : exact_(std::make_shared<const boost::json::value>(std::move(exact))) {}
BodyMatcher::BodyMatcher(std::initializer_list<boost::json::value_ref> exact)
    : BodyMatcher(boost::json::value(exact)) {}
BodyMatcher::BodyMatcher(const char* exact) : BodyMatcher(boost::json::value(exact)) {}
BodyMatcher::BodyMatcher(std::string exact) : BodyMatcher(boost::json::value(exact)) {}
BodyMatcher::BodyMatcher(std::nullptr_t) : BodyMatcher(boost::json::value(nullptr)) {}
BodyMatcher::BodyMatcher(boost::json::array exact)
    : BodyMatcher(boost::json::value(std::move(exact))) {}
BodyMatcher::BodyMatcher(boost::json::object exact)
    : BodyMatcher(boost::json::value(std::move(exact))) {}
BodyMatcher::BodyMatcher(Matcher matcher)
    : kind_(Kind::matcher), matcher_(std::make_shared<const Matcher>(std::move(matcher))) {}

BodyMatcher partial(std::initializer_list<BodyMatcher::Member> members) {
  BodyMatcher m;
  m.kind_ = BodyMatcher::Kind::partial_object;
  m.members_.assign(members.begin(), members.end());
  return m;
}

BodyMatcher object(std::initializer_list<BodyMatcher::Member> members) {
  BodyMatcher m;
  m.kind_ = BodyMatcher::Kind::exact_object;
  m.members_.assign(members.begin(), members.end());
  return m;
}

BodyMatcher array(std::initializer_list<BodyMatcher> elements) {
  BodyMatcher m;
  m.kind_ = BodyMatcher::Kind::array;
  m.elements_.assign(elements.begin(), elements.end());
  return m;
}

bool BodyMatcher::match(const boost::json::value* actual, const std::string& path,
                        std::vector<std::string>& mismatches) const {
  const auto before = mismatches.size();
  switch (kind_) {
    case Kind::exact:
      if (actual == nullptr || !json_equal(*exact_, *actual)) {
        mismatches.push_back(path + ": expected " + boost::json::serialize(*exact_) + ", got " +
                             show(actual));
      }
      break;
    case Kind::matcher:
      if (!matcher_->matches(actual)) {
        mismatches.push_back(path + ": expected " + matcher_->description + ", got " +
                             show(actual));
      }
      break;
    case Kind::partial_object:
    case Kind::exact_object: {
      if (actual == nullptr || !actual->is_object()) {
        mismatches.push_back(path + ": expected an object, got " + show(actual));
        break;
      }
      const auto& object = actual->get_object();
      for (const auto& [key, expected] : members_) {
        expected.match(object.if_contains(key), path + "." + key, mismatches);
      }
      if (kind_ == Kind::exact_object) {
        for (const auto& member : object) {
          const bool listed = std::any_of(members_.begin(), members_.end(),
                                          [&](const Member& m) { return m.first == member.key(); });
          if (!listed) {
            mismatches.push_back(path + "." + std::string(member.key()) + ": not expected, got " +
                                 show(&member.value()));
          }
        }
      }
      break;
    }
    case Kind::array: {
      if (actual == nullptr || !actual->is_array()) {
        mismatches.push_back(path + ": expected an array, got " + show(actual));
        break;
      }
      const auto& elements = actual->get_array();
      if (elements.size() != elements_.size()) {
        mismatches.push_back(path + ": expected " + std::to_string(elements_.size()) +
                             " elements, got " + std::to_string(elements.size()));
      }
      for (std::size_t i = 0; i < std::min(elements.size(), elements_.size()); ++i) {
        elements_[i].match(&elements[i], path + "[" + std::to_string(i) + "]", mismatches);
      }
      break;
    }
  }
  return mismatches.size() == before;
}

std::string BodyMatcher::describe(int indent) const {
  switch (kind_) {
    case Kind::exact:
      return pretty(*exact_, indent);
    case Kind::matcher:
      return matcher_->description;
    case Kind::partial_object:
    case Kind::exact_object: {
      std::string out = kind_ == Kind::partial_object ? "partial {" : "{";
      bool first = true;
      for (const auto& [key, expected] : members_) {
        out += first ? "\n" : ",\n";
        first = false;
        out += pad(indent + 2) + boost::json::serialize(boost::json::value(key)) + ": " +
               expected.describe(indent + 2);
      }
      return out + (first ? "}" : "\n" + pad(indent) + "}");
    }
    case Kind::array: {
      std::string out = "[";
      bool first = true;
      for (const auto& element : elements_) {
        out += first ? "\n" : ",\n";
        first = false;
        out += pad(indent + 2) + element.describe(indent + 2);
      }
      return out + (first ? "]" : "\n" + pad(indent) + "]");
    }
  }
  return {};
}

// ---- expectations ------------------------------------------------------------------

std::string describe(const TestResponse& response) {
  std::string out = "HTTP " + std::to_string(response.status) + "\n";
  for (const auto& [name, value] : response.headers) out += "  " + name + ": " + value + "\n";
  if (const auto json = response.json()) {
    out += pretty(*json, 0);
  } else if (response.body.empty()) {
    out += "(empty body)";
  } else {
    out += response.body.size() > 2000 ? response.body.substr(0, 2000) + "..." : response.body;
  }
  return out;
}

::testing::AssertionResult has_status(const TestResponse& response, int status) {
  if (response.status == status) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected status " << status << ", got " << response.status << "\nactual response:\n"
         << describe(response);
}

::testing::AssertionResult has_body(const TestResponse& response, const BodyMatcher& body) {
  const auto json = response.json();
  if (!json && !response.body.empty()) {
    return ::testing::AssertionFailure() << "the body is not JSON\nexpected body:\n"
                                         << body.describe() << "\nactual response:\n"
                                         << describe(response);
  }
  std::vector<std::string> mismatches;
  if (body.match(json ? &*json : nullptr, "$", mismatches)) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  failure << "the body differs:\n";
  for (const auto& line : mismatches) failure << "  " << line << "\n";
  failure << "expected body:\n"
          << body.describe() << "\nactual body:\n"
          << (json ? pretty(*json, 0) : std::string("(empty)"));
  return failure;
}

::testing::AssertionResult has_header(const TestResponse& response, std::string_view name,
                                      std::string_view value) {
  const auto actual = response.header(name);
  if (actual && *actual == value) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected header " << name << ": " << value << ", got "
         << (actual ? *actual : std::string("(absent)")) << "\nactual response:\n"
         << describe(response);
}

::testing::AssertionResult has_header(const TestResponse& response, std::string_view name,
                                      const Matcher& matcher) {
  const auto actual = response.header(name);
  std::optional<boost::json::value> value;
  if (actual) value = boost::json::value(*actual);
  if (matcher.matches(value ? &*value : nullptr)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected header " << name << ": " << matcher.description << ", got "
         << (actual ? *actual : std::string("(absent)")) << "\nactual response:\n"
         << describe(response);
}

::testing::AssertionResult has_response(const TestResponse& response, int status,
                                        const BodyMatcher& body) {
  auto result = has_status(response, status);
  if (!result) return result;
  return has_body(response, body);
}

::testing::AssertionResult has_response(const TestResponse& response, int status) {
  return has_status(response, status);
}

}  // namespace conduit::test
