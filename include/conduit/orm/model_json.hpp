// JSON for models, in Conduit's shapes (asMap / readFromMap).
//
// Writing: keys are member names. An unjoined BelongsTo is {"team":{"id":3}} (null when
// NULL), a joined one the related object; HasMany is an array and HasOne an object (or
// null) only once fetched, absent otherwise. Omit-by-default members (password hashes)
// and input-only transients are left out unless a FieldSet asks for them. Timestamps are
// ISO-8601 UTC, enums their enumerator names, Uuid and Decimal strings.
//
//   orm::to_json(hero)                                        // the default keys
//   orm::to_json(user, orm::FieldSet<User>::all())            // every key
//
// Reading: only the keys present are assigned, and their set is returned, because an
// UPDATE must write only the keys given and an INSERT must know which columns it has.
// {"team":{"id":3}} sets the foreign key. Failures throw ValidationError (400,
// {"error":"entity validation failed","reasons":[...]}) with Conduit's wording:
//   invalid input key 'k'            unknown key, or an output-only transient
//   invalid input value for 'k'      wrong JSON type, bad time stamp/UUID/decimal, null
//                                    for a non-optional member
//   invalid option for key 'k'       not an enumerator name
//   invalid input value for 'k': text cannot contain a NUL character
//                                    (\u0000: PostgreSQL cannot store it; refused on
//                                    SQLite too)
//   missing required input key(s): 'a, b'     (ReadOptions::require)
// ReadOptions are Conduit's Serializable.read filters, applied before reading; whether a
// client may set the primary key is the caller's choice, e.g. {.ignore = {"id"}}.
//
// The http layer uses these rules too (a conduit::JsonCodec specialisation below), for
// every ManagedModel: a ResourceController operation may take Body<Hero> (orm::from_json;
// JsonReadOptions{.reject_unknown_keys = false} ignores unknown keys instead of refusing
// them), Body<std::vector<Hero>>, or Body<orm::Partial<Hero, ...>> for the keys sent too,
// and answer Response::ok(hero). Errors are the ValidationError 400 above, sent as is
// instead of the operation's other binding errors. As ManagedObjectController does:
//   Task<Response> create(Body<orm::NewObject<Hero>> body) {   // generated key ignored
//     Hero hero = co_await orm::Query<Hero>(*db).insert(body->object, body->keys);
//     co_return Response::ok(hero);
//   }
//   Task<Response> update(Path<"id", std::int64_t> id, Body<orm::Changes<Hero>> body) {
//     orm::Query<Hero> query(*db);                              // "id" in the body: 400
//     query.where(&Hero::id).equal_to(*id);
//     auto hero = co_await query.update_one(body->object, body->keys);
//     if (!hero) throw HttpError(404, "not found");
//     co_return Response::ok(*hero);
//   }
// The specialisation is declared here, which conduit/orm/orm.hpp includes: a model header
// must include orm.hpp (or this header) so that every translation unit converting the
// model sees it.
//
// Thread-safety: stateless functions; safe from any thread.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include <cstddef>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "conduit/http/json.hpp"
#include "conduit/orm/entity.hpp"
#include "conduit/orm/errors.hpp"
#include "conduit/orm/field_set.hpp"

namespace conduit::orm {

struct ReadOptions {
  // When set, keys not listed are ignored.
  std::optional<std::vector<std::string_view>> accept = std::nullopt;
  // Keys that are ignored.
  std::vector<std::string_view> ignore = {};
  // Keys that are refused (400 "invalid input key").
  std::vector<std::string_view> reject = {};
  // Keys that must be present (400 "missing required input key(s)").
  std::vector<std::string_view> require = {};
};

// A type declared as a model: a described class. Whether the declaration is valid is
// checked (with readable errors) when it is used.
template <class T>
concept Model = std::is_class_v<T> && boost::describe::has_describe_members<T>::value;

namespace detail {

template <class T, std::size_t... I>
constexpr bool has_relationship(std::index_sequence<I...>) {
  return (RelationTraits<MemberType<T, I>>::is_relationship || ...);
}

template <class T>
constexpr bool declares_model() {
  if constexpr (Model<T>) {
    return HasColumns<T> || HasTableOptions<T> || HasTableName<T> ||
           has_relationship<T>(std::make_index_sequence<member_count<T>>{});
  } else {
    return false;
  }
}

}  // namespace detail

// Whether conduit::to_json / from_json (so Body<T> and Response::ok) use the model rules
// of this header for T rather than json.hpp's generic ones for described structs: true for
// a described class that says it is a model with a `table`, a `columns` list or a
// relationship member, so that plain request/response structs keep the generic rules. A
// model with none of these opts in (a struct that has them but is no model opts out with
// false) by a specialisation right after its declaration, before anything converts it:
//   template <> inline constexpr bool conduit::orm::enable_model_json<Tag> = true;
template <class T>
inline constexpr bool enable_model_json = detail::declares_model<T>();

template <class T>
concept ManagedModel = Model<T> && enable_model_json<T>;

// What a request body may do with the primary key.
enum class KeyInput : unsigned char {
  read,              // like any other key
  ignore_generated,  // ignored when the database assigns it (autoincrement): creating
  reject,            // refused, 400 "invalid input key 'id'": updating, the URL names the row
};

// A model read from a request body together with the keys the body had: what an INSERT
// (which columns to write) and a partial UPDATE (which columns to change) need.
//   Task<Response> patch(Path<"id", std::int64_t> id, Body<orm::Changes<Hero>> body);
//   body->object, body->keys
template <Model T, KeyInput Key = KeyInput::read>
struct Partial {
  T object{};
  FieldSet<T> keys;
};

// ManagedObjectController's POST body: a database-assigned primary key is ignored.
template <Model T>
using NewObject = Partial<T, KeyInput::ignore_generated>;
// ManagedObjectController's PUT body: the primary key is refused.
template <Model T>
using Changes = Partial<T, KeyInput::reject>;

namespace detail {

[[noreturn]] void throw_invalid_key(std::string_view key);
[[noreturn]] void throw_invalid_value(std::string_view key);
[[noreturn]] void throw_invalid_option(std::string_view key);
[[noreturn]] void throw_nul_in_text(std::string_view key);
[[noreturn]] void throw_not_an_object();
void check_read_filters(const boost::json::object& object, const ReadOptions& options);
bool skipped_by_filters(std::string_view key, const ReadOptions& options);
std::optional<Decimal> decimal_from_json(const boost::json::value& json);
boost::json::value key_to_json(const Key& key);

// nul_in_text: text holding a NUL character, which PostgreSQL text cannot store (SQLite
// can): refused on every dialect, so that what a client may store never depends on it.
enum class ReadStatus { ok, wrong_type, bad_option, nul_in_text };

template <class V>
boost::json::value write_value(const V& value) {
  constexpr ValueClass value_class = value_class_of<V>();
  if constexpr (value_class == ValueClass::int32 || value_class == ValueClass::int64) {
    return boost::json::value(static_cast<std::int64_t>(value));
  } else if constexpr (value_class == ValueClass::boolean || value_class == ValueClass::real) {
    return boost::json::value(value);
  } else if constexpr (value_class == ValueClass::text) {
    return boost::json::value(std::string_view(value));
  } else if constexpr (value_class == ValueClass::timestamp) {
    return boost::json::value(conduit::http::detail::format_time(value));
  } else if constexpr (value_class == ValueClass::document) {
    return value;
  } else if constexpr (value_class == ValueClass::enumeration) {
    return conduit::to_json(value);
  } else {
    static_assert(value_class == ValueClass::uuid || value_class == ValueClass::decimal);
    return boost::json::value(value.to_string());
  }
}

template <class V>
ReadStatus read_value(const boost::json::value& json, V& out) {
  constexpr ValueClass value_class = value_class_of<V>();
  if constexpr (value_class == ValueClass::int32 || value_class == ValueClass::int64) {
    auto integer = conduit::http::detail::json_integer(json);
    if (!integer || !std::in_range<V>(*integer)) return ReadStatus::wrong_type;
    out = static_cast<V>(*integer);
  } else if constexpr (value_class == ValueClass::boolean) {
    if (!json.is_bool()) return ReadStatus::wrong_type;
    out = json.get_bool();
  } else if constexpr (value_class == ValueClass::real) {
    if (!json.is_number()) return ReadStatus::wrong_type;
    out = json.to_number<double>();
  } else if constexpr (value_class == ValueClass::text) {
    if (!json.is_string()) return ReadStatus::wrong_type;
    const auto& text = json.get_string();
    if (std::char_traits<char>::find(text.data(), text.size(), '\0')) {
      return ReadStatus::nul_in_text;
    }
    out.assign(text.data(), text.size());
  } else if constexpr (value_class == ValueClass::timestamp) {
    const auto* text = json.if_string();
    if (!text) return ReadStatus::wrong_type;
    auto time = conduit::http::detail::parse_time<V>(std::string_view(text->data(), text->size()));
    if (!time) return ReadStatus::wrong_type;
    out = *time;
  } else if constexpr (value_class == ValueClass::document) {
    out = json;
  } else if constexpr (value_class == ValueClass::enumeration) {
    const auto* text = json.if_string();
    if (!text) return ReadStatus::bad_option;
    auto parsed =
        conduit::http::detail::parse_enum<V>(std::string_view(text->data(), text->size()));
    if (!parsed) return ReadStatus::bad_option;
    out = *parsed;
  } else if constexpr (value_class == ValueClass::uuid) {
    const auto* text = json.if_string();
    if (!text) return ReadStatus::wrong_type;
    auto parsed = Uuid::parse(std::string_view(text->data(), text->size()));
    if (!parsed) return ReadStatus::wrong_type;
    out = *parsed;
  } else {
    static_assert(value_class == ValueClass::decimal);
    auto parsed = decimal_from_json(json);
    if (!parsed) return ReadStatus::wrong_type;
    out = std::move(*parsed);
  }
  return ReadStatus::ok;
}

template <class M>
ReadStatus read_attribute(const boost::json::value& json, M& out) {
  if constexpr (Optionality<M>::nullable) {
    if (json.is_null()) {
      out.reset();
      return ReadStatus::ok;
    }
    typename M::value_type inner{};
    auto status = read_value(json, inner);
    if (status == ReadStatus::ok) out = std::move(inner);
    return status;
  } else {
    if (json.is_null() && value_class_of<M>() != ValueClass::document) {
      return ReadStatus::wrong_type;
    }
    return read_value(json, out);
  }
}

template <class T>
boost::json::object write_model(const T& object, const FieldSet<T>& keys);
template <class T>
FieldSet<T> read_model(const boost::json::value& json, T& out, const ReadOptions& options);

template <class T, std::size_t I>
void write_member(const T& object, boost::json::object& out) {
  constexpr MemberKind kind = member_kind<T, I>();
  constexpr std::string_view name = member_names<T>[I];
  const auto& value = member<I>(object);
  if constexpr (kind == MemberKind::attribute) {
    if constexpr (Optionality<std::remove_cvref_t<decltype(value)>>::nullable) {
      out[name] = value ? write_value(*value) : boost::json::value(nullptr);
    } else {
      out[name] = write_value(value);
    }
  } else if constexpr (kind == MemberKind::belongs_to) {
    using U = TargetOf<T, I>;
    if (const U* related = value.get()) {
      out[name] = write_model(*related, FieldSet<U>::defaults());
    } else if (value.is_null()) {
      out[name] = nullptr;
    } else {
      boost::json::object key;
      key[member_names<U>[primary_key_index<U>]] = key_to_json(value.key());
      out[name] = std::move(key);
    }
  } else if constexpr (kind == MemberKind::has_many) {
    using U = TargetOf<T, I>;
    if (!value.fetched()) return;
    boost::json::array items;
    items.reserve(value.size());
    for (const U& item : value) items.push_back(write_model(item, FieldSet<U>::defaults()));
    out[name] = std::move(items);
  } else if constexpr (kind == MemberKind::has_one) {
    using U = TargetOf<T, I>;
    if (!value.fetched()) return;
    if (const U* related = value.get()) {
      out[name] = write_model(*related, FieldSet<U>::defaults());
    } else {
      out[name] = nullptr;
    }
  } else {
    if constexpr (column_options<T>[I].transient != Transient::input) {
      out[name] = conduit::to_json(value);
    }
  }
}

template <class T>
boost::json::object write_model(const T& object, const FieldSet<T>& keys) {
  static_assert(model_checked<T>);
  boost::json::object out;
  for_each_index<T>([&](auto index) {
    constexpr std::size_t I = decltype(index)::value;
    if (keys.contains_index(I)) write_member<T, I>(object, out);
  });
  return out;
}

template <class T, std::size_t I>
void read_member(const boost::json::value& json, T& out) {
  constexpr MemberKind kind = member_kind<T, I>();
  constexpr std::string_view name = member_names<T>[I];
  auto& value = member<I>(out);
  if constexpr (kind == MemberKind::attribute) {
    switch (read_attribute(json, value)) {
      case ReadStatus::ok:
        break;
      case ReadStatus::wrong_type:
        throw_invalid_value(name);
      case ReadStatus::bad_option:
        throw_invalid_option(name);
      case ReadStatus::nul_in_text:
        throw_nul_in_text(name);
    }
  } else if constexpr (kind == MemberKind::belongs_to) {
    using U = TargetOf<T, I>;
    if (json.is_null()) {
      value.reset();
      return;
    }
    if (!json.is_object()) throw_invalid_value(name);
    U related{};
    FieldSet<U> keys = read_model(json, related, ReadOptions{});
    constexpr std::size_t key_index = primary_key_index<U>;
    if (!keys.contains_index(key_index)) throw_invalid_value(name);
    if (keys.size() == 1) {
      value = BelongsTo<U>(member<key_index>(related));
    } else {
      value = BelongsTo<U>(std::move(related));
    }
  } else if constexpr (kind == MemberKind::has_many) {
    using U = TargetOf<T, I>;
    const auto* array = json.if_array();
    if (!array) throw_invalid_value(name);
    std::vector<U> items(array->size());
    for (std::size_t i = 0; i < array->size(); ++i) {
      read_model((*array)[i], items[i], ReadOptions{});
    }
    value = HasMany<U>(std::move(items));
  } else if constexpr (kind == MemberKind::has_one) {
    using U = TargetOf<T, I>;
    if (json.is_null()) {
      value.reset();
      value.set_fetched(true);
      return;
    }
    U related{};
    read_model(json, related, ReadOptions{});
    value = HasOne<U>(std::move(related));
  } else {
    if constexpr (column_options<T>[I].transient == Transient::output) {
      throw_invalid_key(name);
    } else {
      using M = std::remove_cvref_t<decltype(value)>;
      try {
        value = conduit::from_json<M>(json);
      } catch (const JsonError&) {
        throw_invalid_value(name);
      }
    }
  }
}

template <class T>
FieldSet<T> read_model(const boost::json::value& json, T& out, const ReadOptions& options) {
  static_assert(model_checked<T>);
  const auto* object = json.if_object();
  if (!object) throw_not_an_object();
  check_read_filters(*object, options);
  FieldSet<T> present;
  for (const auto& entry : *object) {
    std::string_view key = entry.key();
    if (skipped_by_filters(key, options)) continue;
    std::size_t index = member_index<T>(key);
    if (index == npos) throw_invalid_key(key);
    boost::mp11::mp_with_index<member_count<T>>(
        index, [&](auto I) { read_member<T, decltype(I)::value>(entry.value(), out); });
    present.insert_index(index);
  }
  return present;
}

}  // namespace detail

// The object with the default keys (FieldSet<T>::defaults()).
template <Model T>
boost::json::value to_json(const T& object) {
  return detail::write_model(object, FieldSet<T>::defaults());
}

// The object with exactly `keys` (relationships only when fetched).
template <Model T>
boost::json::value to_json(const T& object, const FieldSet<T>& keys) {
  return detail::write_model(object, keys);
}

template <Model T>
boost::json::value to_json(const std::vector<T>& objects) {
  boost::json::array out;
  out.reserve(objects.size());
  for (const T& object : objects) out.push_back(to_json(object));
  return out;
}

// Assigns the members whose keys `json` has and returns their set.
template <Model T>
FieldSet<T> read_json(const boost::json::value& json, T& out, const ReadOptions& options = {}) {
  return detail::read_model(json, out, options);
}

// A default-constructed T with the keys of `json` read onto it.
template <Model T>
T from_json(const boost::json::value& json, const ReadOptions& options = {}) {
  T out{};
  detail::read_model(json, out, options);
  return out;
}

namespace detail {

// The ReadOptions for a body read with http's JsonReadOptions and key rule `Key`.
template <class T, KeyInput Key>
ReadOptions body_read_options(const JsonReadOptions& json_options) {
  ReadOptions options;
  if (!json_options.reject_unknown_keys) {
    options.accept.emplace(member_names<T>.begin(), member_names<T>.end());
  }
  constexpr std::size_t pk = primary_key_index<T>;
  if constexpr (Key == KeyInput::reject) {
    options.reject.push_back(member_names<T>[pk]);
  } else if constexpr (Key == KeyInput::ignore_generated) {
    if constexpr (autoincrements<T>(pk, member_value_class<T, pk>())) {
      options.ignore.push_back(member_names<T>[pk]);
    }
  }
  return options;
}

}  // namespace detail

}  // namespace conduit::orm

namespace conduit {

// Declared here rather than next to each model so that including a model's header
// (which includes orm.hpp) always brings it along: see json.hpp on ODR.
template <class T>
requires orm::ManagedModel<T>
struct JsonCodec<T> {
  using object_type = T;  // Body<Hero, reject_keys<"id">>: keys checked against Hero
  static boost::json::value write(const T& object) { return orm::to_json(object); }
  static void read(const boost::json::value& json, T& out, const JsonReadOptions& options) {
    orm::read_json(json, out, orm::detail::body_read_options<T, orm::KeyInput::read>(options));
  }
};

template <class T, orm::KeyInput Key>
struct JsonCodec<orm::Partial<T, Key>> {
  using object_type = T;
  static boost::json::value write(const orm::Partial<T, Key>& partial) {
    return orm::to_json(partial.object, partial.keys);
  }
  static void read(const boost::json::value& json, orm::Partial<T, Key>& out,
                   const JsonReadOptions& options) {
    out.keys = orm::read_json(json, out.object, orm::detail::body_read_options<T, Key>(options));
  }
};

}  // namespace conduit
