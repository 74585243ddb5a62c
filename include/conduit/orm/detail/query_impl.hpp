// Out-of-class members of orm::Query<T> that are too long for the class body: joins and
// insert_many. Included at the end of conduit/orm/query.hpp; do not include directly.
//
// Thread-safety: see query.hpp.
#pragma once

#include <boost/mp11/algorithm.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "conduit/orm/query.hpp"

namespace conduit::orm {

namespace detail {
[[noreturn]] void throw_joined_twice(const Entity& entity, std::size_t index);
[[noreturn]] void throw_limited_join(const Entity& entity, std::size_t index);
[[noreturn]] void throw_configured_to_one(const Entity& entity, std::size_t index);
}  // namespace detail

template <class T>
template <class R, class C, class Configure>
Query<T>& Query<T>::join(R C::*relationship, Configure&& configure) {
  static_assert(std::is_base_of_v<C, T>,
                "orm::Query::join: the member pointer is not of this model");
  static_assert(detail::RelationTraits<R>::is_relationship,
                "orm::Query::join: the member is not a relationship (BelongsTo, HasMany or "
                "HasOne)");
  if constexpr (detail::RelationTraits<R>::is_relationship) {
    using U = typename detail::RelationTraits<R>::target;
    constexpr bool to_many = detail::RelationTraits<R>::kind == detail::MemberKind::has_many;
    const Entity& entity = entity_of<T>();
    const std::size_t index = detail::index_of_pointer<T>(relationship);
    const detail::Hop hop = detail::hop_of(entity, index);  // refuses an undescribed member
    if ((joined_ >> index) & 1U) detail::throw_joined_twice(entity, index);

    Query<U> related(*executor_);
    if constexpr (!std::is_same_v<std::decay_t<Configure>, detail::NoConfigure>) {
      static_assert(std::is_invocable_v<Configure&, Query<U>&>,
                    "orm::Query::join: the second argument must take the related model's "
                    "query (orm::Query<Related>&)");
      if constexpr (std::is_invocable_v<Configure&, Query<U>&>) configure(related);
    }
    if constexpr (!to_many) {
      const detail::QuerySpec& config = related.spec_;
      if (config.limit || config.offset || config.page || !config.sort.empty()) {
        detail::throw_configured_to_one(entity, index);
      }
      joined_ |= std::uint64_t{1} << index;
      const std::size_t k = detail::join_index(spec_, "t0", hop);
      spec_.joins[k].columns = related.columns();
      spec_.joins[k].where.insert(spec_.joins[k].where.end(), config.where.begin(),
                                  config.where.end());
      const std::vector<std::size_t> below = detail::merge_joins(spec_, k, config.joins);
      joins_.fill.push_back([k, below, relationship, fills = std::move(related.joins_.fill)](
                                const db::Result& result, std::size_t row, T& object,
                                const std::vector<std::string>& prefixes) {
        auto& member = object.*relationship;
        detail::fill_to_one(member, result, row, prefixes.at(k));
        U* joined = member.get();
        if (!joined || fills.empty()) return;
        std::vector<std::string> inner;
        inner.reserve(below.size());
        for (const std::size_t i : below) inner.push_back(prefixes.at(i));
        for (const auto& fill : fills) fill(result, row, *joined, inner);
      });
      if (!related.joins_.load.empty()) {
        joins_.load.push_back(
            [loads = std::move(related.joins_.load), relationship](
                std::vector<T>& parents, std::optional<std::chrono::milliseconds> timeout) {
              return detail::load_below_to_one<T, U>(loads, relationship, parents, timeout);
            });
      }
    } else {
      Query<U>& children = related;
      if (children.spec_.limit || children.spec_.offset || children.spec_.page) {
        detail::throw_limited_join(entity, index);
      }
      joined_ |= std::uint64_t{1} << index;
      if (children.spec_.sort.empty()) {
        const Entity& target = entity_of<U>();
        children.spec_.sort.push_back({target.column_of(target.primary_key()).name, false});
      }
      boost::mp11::mp_with_index<detail::member_count<T>>(index, [&](auto I) {
        constexpr std::size_t i = decltype(I)::value;
        if constexpr (std::is_same_v<detail::MemberType<T, i>, R>) {
          // The children's foreign key (the inverse BelongsTo) groups them under parents.
          constexpr std::size_t j = detail::inverse_of<T, i>().index;
          FieldSet<U> members =
              children.returning_ ? *children.returning_ : FieldSet<U>::defaults();
          children.returning_ = members.insert_index(j);
          auto fk = detail::MemberAt<U, j>::pointer;
          joins_.load.push_back(
              [children, column = hop.inner_column, relationship, fk](
                  std::vector<T>& parents, std::optional<std::chrono::milliseconds> timeout) {
                return detail::load_has_many<T, U>(children, column, relationship, fk, parents,
                                                   timeout);
              });
        }
      });
    }
  }
  return *this;
}

template <class T>
Task<std::vector<T>> Query<T>::insert_many(const std::vector<T>& objects,
                                           const FieldSet<T>& present) const {
  std::vector<detail::Statement> statements;
  try {
    // Every object first, so that an invalid one stops the insert before any SQL runs.
    for (const T& object : objects) validate(object, Event::insert, present);
    std::vector<std::string> names;
    std::vector<std::vector<db::Value>> rows;
    rows.reserve(objects.size());
    for (const T& object : objects) {
      auto [columns, values] = column_values(object, present);
      names = std::move(columns);
      rows.push_back(std::move(values));
    }
    const std::vector<std::string> returned = columns();
    if (names.empty()) {
      // Nothing to list in VALUES: one DEFAULT VALUES statement per row.
      for (std::size_t i = 0; i < rows.size(); ++i) {
        statements.push_back(timed(detail::insert_sql(dialect(), spec_, {}, {}, returned)));
      }
    } else {
      const std::size_t per_statement =
          std::max<std::size_t>(1, detail::max_parameters(dialect()) / names.size());
      for (std::size_t start = 0; start < rows.size(); start += per_statement) {
        const std::size_t end = std::min(rows.size(), start + per_statement);
        std::vector<std::vector<db::Value>> batch(
            std::make_move_iterator(rows.begin() + static_cast<std::ptrdiff_t>(start)),
            std::make_move_iterator(rows.begin() + static_cast<std::ptrdiff_t>(end)));
        statements.push_back(
            timed(detail::insert_many_sql(dialect(), spec_, names, std::move(batch), returned)));
      }
    }
  } catch (...) {
    statements.assign(1, detail::Statement{});
    statements.front().error = std::current_exception();
  }
  return detail::run_insert_many<T>(*executor_, std::move(statements));
}

}  // namespace conduit::orm
