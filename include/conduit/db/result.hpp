// conduit::db::Result and Row: the rows, columns and affected-row count of one statement.
//
//   Result r = co_await db->execute("SELECT id, name FROM heroes WHERE id = $1", {id});
//   for (const Row& row : r) {
//     auto id = row.get<std::int64_t>("id");
//     auto name = row.get<std::optional<std::string>>(1);
//   }
//
// A Result shares its immutable data, so copying and moving it are cheap, and a Row keeps
// the data alive (a Row taken from a temporary Result stays valid). Cells are typed
// Values (see value.hpp); get<T> converts them and names the column when it cannot.
//
// Thread-safety: immutable after construction; safe to read from several threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conduit/db/value.hpp"

namespace conduit::db {

class Result;
namespace detail {
struct ResultData;
}

class Row {
 public:
  std::size_t size() const noexcept;
  // The cell, or std::out_of_range for an unknown index or column name.
  const Value& operator[](std::size_t column) const;
  const Value& operator[](std::string_view column) const;

  bool is_null(std::size_t column) const { return (*this)[column].is_null(); }
  bool is_null(std::string_view column) const { return (*this)[column].is_null(); }

  // The cell converted to T (Value::as<T>); a ValueError names the column.
  template <class T>
  T get(std::size_t column) const {
    const Value& v = (*this)[column];
    try {
      return v.as<T>();
    } catch (const ValueError& e) {
      rethrow_with_column(column, e);
    }
  }
  template <class T>
  T get(std::string_view column) const {
    return get<T>(index_of(column));
  }

 private:
  friend class Result;
  Row(std::shared_ptr<const detail::ResultData> data, std::size_t index) noexcept
      : data_(std::move(data)), index_(index) {}
  std::size_t index_of(std::string_view column) const;
  [[noreturn]] void rethrow_with_column(std::size_t column, const ValueError& e) const;

  std::shared_ptr<const detail::ResultData> data_;
  std::size_t index_ = 0;
};

class Result {
 public:
  // An empty result: no columns, no rows, no affected rows.
  Result();
  // `cells` holds the rows one after another (rows * columns.size() values).
  Result(std::vector<std::string> columns, std::vector<Value> cells, std::int64_t affected_rows);

  std::size_t size() const noexcept;
  bool empty() const noexcept { return size() == 0; }
  std::size_t column_count() const noexcept;
  const std::vector<std::string>& columns() const noexcept;
  std::optional<std::size_t> column_index(std::string_view name) const noexcept;
  // Rows inserted, updated or deleted (INSERT/UPDATE/DELETE, also with RETURNING); for a
  // query, the number of rows returned; 0 for other statements.
  std::int64_t affected_rows() const noexcept;

  Row operator[](std::size_t row) const;
  // Range-checked; throws std::out_of_range.
  Row at(std::size_t row) const;
  // The first row; throws std::out_of_range when there is none.
  Row front() const { return at(0); }

  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Row;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Row;

    iterator() = default;
    Row operator*() const { return (*result_)[index_]; }
    iterator& operator++() {
      ++index_;
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++index_;
      return old;
    }
    friend bool operator==(const iterator& a, const iterator& b) noexcept {
      return a.index_ == b.index_;
    }

   private:
    friend class Result;
    iterator(const Result* result, std::size_t index) : result_(result), index_(index) {}
    const Result* result_ = nullptr;
    std::size_t index_ = 0;
  };
  iterator begin() const { return iterator(this, 0); }
  iterator end() const { return iterator(this, size()); }

 private:
  friend class Row;
  std::shared_ptr<const detail::ResultData> data_;
};

}  // namespace conduit::db
