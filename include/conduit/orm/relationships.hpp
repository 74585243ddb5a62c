// Relationship members of a model: BelongsTo<T>, HasMany<T>, HasOne<T>, and through() for
// many-to-many links.
//
//   struct Team { std::int64_t id; std::string name; HasMany<Hero> heroes; ... };
//   struct Hero { std::int64_t id; BelongsTo<Team> team; ... };
//
// BelongsTo<T> is the side that owns the foreign-key column (team_id). It holds nothing
// (NULL), just the related primary key (the row was not joined), or the whole related object
// (joined). HasMany<T> and HasOne<T> are the inverse side: no column, and their contents are
// only meaningful once fetched (a query joined them); JSON leaves unfetched ones out.
//
// All three accept an incomplete T, so mutually referring models can be declared in
// either order: BelongsTo and HasOne keep the object behind a pointer that deep-copies, and
// HasMany relies on std::vector's support for incomplete element types.
//
// Many-to-many goes through an explicit join model, as in Conduit:
//
//   struct HeroPower { std::int64_t id; BelongsTo<Hero> hero; BelongsTo<Power> power; };
//   struct Hero { ...; HasMany<HeroPower> hero_powers; };
//   // after a query joined hero_powers and each link's power:
//   for (const Power* power : orm::through(hero.hero_powers, &HeroPower::power)) ...
//
// Thread-safety: plain value types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "conduit/orm/key.hpp"
#include "conduit/orm/uuid.hpp"

namespace conduit::orm {

namespace detail {

// An owning, deep-copying pointer that works with an incomplete T: the functions that
// copy and delete are captured where the object is created (where T is complete).
template <class T>
class Box {
 public:
  Box() = default;
  explicit Box(T value)
      : ptr_(new T(std::move(value))), clone_(&clone_impl), destroy_(&destroy_impl) {}
  Box(const Box& other)
      : ptr_(other.ptr_ ? other.clone_(other.ptr_) : nullptr),
        clone_(other.clone_),
        destroy_(other.destroy_) {}
  Box(Box&& other) noexcept
      : ptr_(std::exchange(other.ptr_, nullptr)), clone_(other.clone_), destroy_(other.destroy_) {}
  Box& operator=(Box other) noexcept {
    std::swap(ptr_, other.ptr_);
    std::swap(clone_, other.clone_);
    std::swap(destroy_, other.destroy_);
    return *this;
  }
  ~Box() {
    if (ptr_) destroy_(ptr_);
  }

  T* get() const noexcept { return ptr_; }
  explicit operator bool() const noexcept { return ptr_ != nullptr; }

 private:
  static T* clone_impl(const T* p) { return new T(*p); }
  static void destroy_impl(T* p) { delete p; }

  T* ptr_ = nullptr;
  T* (*clone_)(const T*) = nullptr;
  void (*destroy_)(T*) = nullptr;
};

// Defined in model_info.hpp, where T's primary key is known.
template <class T>
Key primary_key_value(const T& object);
template <class T>
auto typed_key(const Key& key);

[[noreturn]] void throw_not_joined(std::string_view what);

}  // namespace detail

// Types a BelongsTo can be set from as a bare key.
template <class K>
concept KeyLike = (std::is_integral_v<K> && !std::is_same_v<K, bool>) || std::is_same_v<K, Uuid> ||
                  std::is_convertible_v<K, std::string_view>;

template <class T>
class BelongsTo {
 public:
  BelongsTo() = default;
  BelongsTo(std::nullptr_t) {}
  // Not joined: only the foreign key.  hero.team = 3;
  template <KeyLike K>
  BelongsTo(const K& key) : key_(make_key(key)) {}
  // Joined: the related object (its primary key is the foreign key).  hero.team = team;
  BelongsTo(T object) : object_(std::move(object)) {}

  // True when the foreign key is NULL.
  bool is_null() const noexcept { return !object_ && orm::is_null(key_); }
  explicit operator bool() const noexcept { return !is_null(); }
  // True when the whole related object is held.
  bool joined() const noexcept { return static_cast<bool>(object_); }

  // The related object; throws std::logic_error unless joined.
  const T& operator*() const { return *checked(); }
  T& operator*() { return *checked(); }
  const T* operator->() const { return checked(); }
  T* operator->() { return checked(); }
  // The related object, or nullptr unless joined.
  const T* get() const noexcept { return object_.get(); }
  T* get() noexcept { return object_.get(); }

  // The foreign key (from the object when joined); a monostate Key when NULL.
  Key key() const {
    if (object_) return detail::primary_key_value(*object_.get());
    return key_;
  }
  // The foreign key as T's primary-key type; throws std::logic_error when NULL.
  auto id() const { return detail::typed_key<T>(key()); }

  void reset() noexcept { *this = BelongsTo(); }

 private:
  template <class K>
  static Key make_key(const K& key) {
    if constexpr (std::is_integral_v<K>) {
      return Key(static_cast<std::int64_t>(key));
    } else if constexpr (std::is_same_v<K, Uuid>) {
      return Key(key);
    } else {
      return Key(std::string(std::string_view(key)));
    }
  }
  T* checked() const {
    if (!object_) detail::throw_not_joined("BelongsTo");
    return object_.get();
  }

  Key key_;
  detail::Box<T> object_;
};

template <class T>
class HasMany {
 public:
  using value_type = T;
  using iterator = typename std::vector<T>::iterator;
  using const_iterator = typename std::vector<T>::const_iterator;

  HasMany() = default;
  // Fetched, with these objects.
  HasMany(std::vector<T> items) : items_(std::move(items)), fetched_(true) {}

  // True once a query joined this relationship (or it was assigned or read from JSON).
  bool fetched() const noexcept { return fetched_; }
  void set_fetched(bool fetched) noexcept { fetched_ = fetched; }

  const std::vector<T>& items() const noexcept { return items_; }
  std::vector<T>& items() noexcept { return items_; }
  std::size_t size() const noexcept { return items_.size(); }
  bool empty() const noexcept { return items_.empty(); }
  const T& operator[](std::size_t i) const { return items_[i]; }
  T& operator[](std::size_t i) { return items_[i]; }
  iterator begin() noexcept { return items_.begin(); }
  iterator end() noexcept { return items_.end(); }
  const_iterator begin() const noexcept { return items_.begin(); }
  const_iterator end() const noexcept { return items_.end(); }
  // Adds an object and marks the relationship fetched.
  void push_back(T item) {
    items_.push_back(std::move(item));
    fetched_ = true;
  }
  // Empty and not fetched.
  void reset() {
    items_.clear();
    fetched_ = false;
  }

 private:
  std::vector<T> items_;
  bool fetched_ = false;
};

template <class T>
class HasOne {
 public:
  HasOne() = default;
  // Fetched, with this object.
  HasOne(T object) : object_(std::move(object)), fetched_(true) {}

  // True once a query joined this relationship; a fetched HasOne may still be empty.
  bool fetched() const noexcept { return fetched_; }
  void set_fetched(bool fetched) noexcept { fetched_ = fetched; }
  bool has_value() const noexcept { return static_cast<bool>(object_); }

  // The related object; throws std::logic_error when empty.
  const T& operator*() const { return *checked(); }
  T& operator*() { return *checked(); }
  const T* operator->() const { return checked(); }
  T* operator->() { return checked(); }
  const T* get() const noexcept { return object_.get(); }
  T* get() noexcept { return object_.get(); }

  // Empty and not fetched.
  void reset() noexcept { *this = HasOne(); }

 private:
  T* checked() const {
    if (!object_) detail::throw_not_joined("HasOne");
    return object_.get();
  }

  detail::Box<T> object_;
  bool fetched_ = false;
};

// The objects on the far side of a many-to-many link: for each link in `links`, the object
// its `side` relationship holds. Throws std::logic_error if `links` was not fetched or a
// link's `side` was not joined (the query must join both).
template <class Join, class T>
std::vector<const T*> through(const HasMany<Join>& links, BelongsTo<T> Join::*side) {
  if (!links.fetched()) detail::throw_not_joined("HasMany");
  std::vector<const T*> out;
  out.reserve(links.size());
  for (const Join& link : links) {
    const BelongsTo<T>& related = link.*side;
    if (!related.joined()) detail::throw_not_joined("BelongsTo");
    out.push_back(related.get());
  }
  return out;
}

}  // namespace conduit::orm
