// Implementation of conduit::db::Result and Row.
#include "conduit/db/result.hpp"

#include <stdexcept>

namespace conduit::db {

namespace detail {
struct ResultData {
  std::vector<std::string> columns;
  std::vector<Value> cells;
  std::size_t rows = 0;
  std::int64_t affected_rows = 0;
};
}  // namespace detail

namespace {
const std::shared_ptr<const detail::ResultData>& empty_data() {
  static const auto empty = std::make_shared<const detail::ResultData>();
  return empty;
}
}  // namespace

Result::Result() : data_(empty_data()) {}

Result::Result(std::vector<std::string> columns, std::vector<Value> cells,
               std::int64_t affected_rows) {
  auto data = std::make_shared<detail::ResultData>();
  if (columns.empty() ? !cells.empty() : cells.size() % columns.size() != 0) {
    throw std::invalid_argument("conduit::db::Result: cells do not fill whole rows");
  }
  data->rows = columns.empty() ? 0 : cells.size() / columns.size();
  data->columns = std::move(columns);
  data->cells = std::move(cells);
  data->affected_rows = affected_rows;
  data_ = std::move(data);
}

std::size_t Result::size() const noexcept { return data_->rows; }
std::size_t Result::column_count() const noexcept { return data_->columns.size(); }
const std::vector<std::string>& Result::columns() const noexcept { return data_->columns; }
std::int64_t Result::affected_rows() const noexcept { return data_->affected_rows; }

std::optional<std::size_t> Result::column_index(std::string_view name) const noexcept {
  const auto& columns = data_->columns;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return i;
  }
  return std::nullopt;
}

Row Result::operator[](std::size_t row) const { return Row(data_, row); }

Row Result::at(std::size_t row) const {
  if (row >= size()) {
    throw std::out_of_range("conduit::db::Result: row " + std::to_string(row) + " of " +
                            std::to_string(size()));
  }
  return Row(data_, row);
}

std::size_t Row::size() const noexcept { return data_->columns.size(); }

const Value& Row::operator[](std::size_t column) const {
  if (column >= data_->columns.size() || index_ >= data_->rows) {
    throw std::out_of_range("conduit::db::Row: no column " + std::to_string(column));
  }
  return data_->cells[index_ * data_->columns.size() + column];
}

const Value& Row::operator[](std::string_view column) const { return (*this)[index_of(column)]; }

std::size_t Row::index_of(std::string_view column) const {
  const auto& columns = data_->columns;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == column) return i;
  }
  throw std::out_of_range("conduit::db::Row: no column named \"" + std::string(column) + "\"");
}

void Row::rethrow_with_column(std::size_t column, const ValueError& e) const {
  throw ValueError("column \"" + data_->columns[column] + "\": " + e.what());
}

}  // namespace conduit::db
