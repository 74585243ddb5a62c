// conduit::orm::FieldSet<T>: a set of a model's members, by name.
//
// It answers "which keys did the client send" (from read_json: UPDATE writes only those,
// INSERT knows which columns were given, validation runs only on those) and "which keys
// to write" (to_json with a FieldSet writes exactly those, omit-by-default ones included).
//
//   auto keys = orm::read_json(body, hero);           // {"name"} for {"name":"x"}
//   if (keys.contains(&Hero::id)) ...;                // by member pointer
//   if (keys.contains("team")) ...;                   // or by member name
//   auto some = orm::FieldSet<Hero>::of<&Hero::id, &Hero::name>();   // checked at compile time
//   auto more = orm::FieldSet<Hero>::of({"id", "name"});              // checked at run time
//
// Members are identified by their index in BOOST_DESCRIBE_STRUCT's list, which is why a
// model may describe at most 64 members.
//
// Thread-safety: a plain value type.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "conduit/orm/detail/model_info.hpp"

namespace conduit::orm {

namespace detail {

// The index of the described member `pointer` points to, or npos.
template <class T, class P>
std::size_t index_of_pointer(P pointer) {
  std::size_t found = npos;
  for_each_index<T>([&](auto index) {
    constexpr std::size_t I = decltype(index)::value;
    if constexpr (std::is_same_v<std::remove_cv_t<decltype(MemberAt<T, I>::pointer)>, P>) {
      if (MemberAt<T, I>::pointer == pointer) found = I;
    }
  });
  return found;
}

template <class T, auto Pointer>
constexpr std::size_t index_of_constant_pointer() {
  std::size_t found = npos;
  for_each_index<T>([&](auto index) {
    constexpr std::size_t I = decltype(index)::value;
    if constexpr (std::is_same_v<std::remove_cv_t<decltype(MemberAt<T, I>::pointer)>,
                                 decltype(Pointer)>) {
      if (MemberAt<T, I>::pointer == Pointer) found = I;
    }
  });
  return found;
}

// Computed at compile time so that the (large) Column table is not needed at run time.
template <class T>
inline constexpr std::uint64_t default_field_bits = [] {
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < member_count<T>; ++i) {
    const Column options = column_options<T>[i];
    if (!options.omit_by_default && options.transient != Transient::input) {
      bits |= std::uint64_t{1} << i;
    }
  }
  return bits;
}();

[[noreturn]] void throw_unknown_field(std::string_view model, std::string_view name);

}  // namespace detail

template <class T>
class FieldSet {
 public:
  static constexpr std::size_t capacity = detail::member_count<T>;

  FieldSet() = default;

  // Every described member.
  static FieldSet all() noexcept {
    FieldSet set;
    set.bits_ = capacity == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << capacity) - 1;
    return set;
  }
  // The members a plain to_json() writes: all but omit-by-default and input-only ones.
  static FieldSet defaults() noexcept {
    FieldSet set;
    set.bits_ = detail::default_field_bits<T>;
    return set;
  }
  // Members given as pointers, checked at compile time: of<&Hero::id, &Hero::name>().
  template <auto... Pointers>
  static FieldSet of() noexcept {
    static_assert(((detail::index_of_constant_pointer<T, Pointers>() != detail::npos) && ...),
                  "orm::FieldSet::of: a pointer names a member BOOST_DESCRIBE_STRUCT does not "
                  "list");
    FieldSet set;
    (set.insert_index(detail::index_of_constant_pointer<T, Pointers>()), ...);
    return set;
  }
  // Members by name; throws std::invalid_argument for a name that is not a member.
  static FieldSet of(std::initializer_list<std::string_view> names) {
    FieldSet set;
    for (std::string_view name : names) set.insert(name);
    return set;
  }

  bool contains_index(std::size_t index) const noexcept {
    return index < capacity && (bits_ >> index) & 1U;
  }
  bool contains(std::string_view name) const noexcept {
    return contains_index(detail::member_index<T>(name));
  }
  template <class P>
  requires std::is_member_object_pointer_v<P>
  bool contains(P pointer) const noexcept {
    return contains_index(detail::index_of_pointer<T>(pointer));
  }

  FieldSet& insert_index(std::size_t index) noexcept {
    if (index < capacity) bits_ |= std::uint64_t{1} << index;
    return *this;
  }
  // Throws std::invalid_argument for a name that is not a member.
  FieldSet& insert(std::string_view name) {
    std::size_t index = detail::member_index<T>(name);
    if (index == detail::npos) detail::throw_unknown_field(detail::type_name<T>(), name);
    return insert_index(index);
  }
  template <class P>
  requires std::is_member_object_pointer_v<P> FieldSet& insert(P pointer) {
    std::size_t index = detail::index_of_pointer<T>(pointer);
    if (index == detail::npos) detail::throw_unknown_field(detail::type_name<T>(), "(pointer)");
    return insert_index(index);
  }
  FieldSet& erase_index(std::size_t index) noexcept {
    if (index < capacity) bits_ &= ~(std::uint64_t{1} << index);
    return *this;
  }
  FieldSet& erase(std::string_view name) noexcept {
    return erase_index(detail::member_index<T>(name));
  }
  template <class P>
  requires std::is_member_object_pointer_v<P> FieldSet& erase(P pointer) noexcept {
    return erase_index(detail::index_of_pointer<T>(pointer));
  }

  std::size_t size() const noexcept { return static_cast<std::size_t>(std::popcount(bits_)); }
  bool empty() const noexcept { return bits_ == 0; }
  std::uint64_t bits() const noexcept { return bits_; }

  // Member names in declaration order.
  std::vector<std::string_view> names() const {
    std::vector<std::string_view> out;
    for (std::size_t i = 0; i < capacity; ++i) {
      if (contains_index(i)) out.push_back(detail::member_names<T>[i]);
    }
    return out;
  }

  friend FieldSet operator|(FieldSet a, FieldSet b) noexcept {
    a.bits_ |= b.bits_;
    return a;
  }
  friend FieldSet operator&(FieldSet a, FieldSet b) noexcept {
    a.bits_ &= b.bits_;
    return a;
  }
  friend bool operator==(const FieldSet&, const FieldSet&) = default;

 private:
  std::uint64_t bits_ = 0;
};

}  // namespace conduit::orm
