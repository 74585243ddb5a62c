// conduit::orm::ManagedObjectController<T>: REST access to one model's table (Conduit's
// ManagedObjectController), for a route such as "/heroes/[:id]".
//
//   router.route("/heroes/[:id]").link<orm::ManagedObjectController<Hero>>(db);
//   // or, to restrict what a client sees:
//   class MyHeroes : public orm::ManagedObjectController<Hero> {
//     using ManagedObjectController::ManagedObjectController;
//     void scope(orm::Query<Hero>& q, Request& r) override { q.where(&Hero::owner).equal_to(..); }
//     void will_insert(Hero& h, orm::FieldSet<Hero>& keys, Request& r) override { ... }
//   };
//
//   GET    /heroes        200 [..]  count, offset, sortBy=name,asc (repeatable),
//                                   pageBy=name & pageAfter=v | pagePrior=v ("null": first page)
//                                   at most ListLimits::default_count rows (100) without
//                                   count; count is clamped to max_count (1000), and
//                                   count=0 means "up to max_count"
//   GET    /heroes/1      200 {..}  or 404 {"error":"not found"}
//   POST   /heroes        201 {..}  with Location: /heroes/<id>
//   PUT    /heroes/1      200 {..}  sets only the keys the body has; 404 if no such row
//   DELETE /heroes/1      204       404 if no such row
//
// Decisions where we differ from Conduit (or Conduit leaves a choice):
// - POST answers 201 Created (Conduit: 200) with a Location header: it is what REST
//   clients expect, and it gives them the created resource's URL without building it.
// - DELETE answers 204 No Content (Conduit: 200 with a null body, which is an empty body
//   anyway); 204 says so explicitly.
// - An id that does not parse as the primary key's type is 404 {"error":"not found"}, as
//   in Conduit: no resource exists at that URL.
// - A database-assigned (autoincrement) primary key in a POST body is ignored; a key the
//   application assigns (a UUID, a text key) is read. A primary key in a PUT body is
//   refused with 400 "invalid input key 'id'": the URL names the row, and changing a key
//   through an update is never meant (Conduit refuses it by validation). A PUT of {}
//   answers the row unchanged.
// - The path variable name is configurable, so handle() is written directly on Controller
//   (ResourceController's Path<"id"> bindings need the name at compile time). Methods are
//   still checked against the presence of the id: others get 405 with Allow, like
//   ResourceController; a non-JSON body gets 415.
// - sortBy and pageBy take stored attributes only (not relationships); pageBy on a member
//   without a text form (enum, JSON document) is 400, as is an unparsable bound.
// - A list has a default page size and a maximum (ListLimits: 100 and 1000 rows unless the
//   controller is given others). Conduit has neither: GET /heroes on a big table answered
//   every row (28,600 rows: 1.15 MB built on the loop while other requests waited). A
//   count above the maximum is clamped rather than refused, so a client asking for "as
//   many as possible" still gets a page; Conduit's count=0 ("no fetchLimit") means up to
//   the maximum. Clients page on with offset or pageBy/pageAfter.
// - Text with a NUL character (a JSON "\u0000", pageAfter=a%00b) is 400 naming the key,
//   on every dialect: PostgreSQL text cannot hold it, and what a client may store must
//   not depend on the database. An id with one is 404 (no row can have it).
// - Hooks are synchronous; they may throw HttpError to answer early.
// Validation (400), unknown keys (400 "invalid input key") and database errors (409 for a
// unique violation, ...) are the errors of orm::read_json, orm::Query and the db layer,
// passed through as they are.
//
// Thread-safety: one instance per event loop, like every controller; the database it is
// given must belong to that loop.
#pragma once

#include <boost/json/serialize.hpp>
#include <boost/mp11/algorithm.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "conduit/core/task.hpp"
#include "conduit/db/database.hpp"
#include "conduit/http/controller.hpp"
#include "conduit/http/http_error.hpp"
#include "conduit/orm/model_api.hpp"
#include "conduit/orm/model_json.hpp"
#include "conduit/orm/query.hpp"

namespace conduit::orm {

namespace detail {

// One `sortBy=name,asc` value, or a 400 HttpError.
struct SortRequest {
  std::string key;
  bool descending = false;
};
SortRequest parse_sort_by(std::string_view value);

// The list parameters of a GET without id, validated for form (not for the model).
struct ListRequest {
  std::optional<std::int64_t> count;  // as given: 0 is Conduit's "no limit"
  std::optional<std::int64_t> offset;
  std::vector<SortRequest> sort;
  std::optional<std::string> page_by;
  bool page_descending = false;
  std::optional<std::string> page_value;  // nullopt: first page ("null")
};
ListRequest parse_list_request(const Request& request);

[[noreturn]] void throw_not_found();
[[noreturn]] void throw_method_not_allowed(bool with_id);
// 415 for a non-JSON body, 400 for a missing one; the decoded body otherwise.
boost::json::value request_json_body(const Request& request);
// "<path>/<key>", without a doubled '/'; a text key is percent-encoded.
std::string location_for(std::string_view request_path, const boost::json::value& key);

// Calls f(pointer) with the member pointer of attribute member `name`; false when T has
// no stored attribute of that name.
template <class T, class F>
bool with_attribute(std::string_view name, F&& f) {
  const std::size_t index = member_index<T>(name);
  if (index == npos) return false;
  bool found = false;
  boost::mp11::mp_with_index<member_count<T>>(index, [&](auto I) {
    constexpr std::size_t i = decltype(I)::value;
    if constexpr (member_kind<T, i>() == MemberKind::attribute) {
      found = true;
      f(MemberAt<T, i>::pointer);
    }
  });
  return found;
}

// Parses the text of a path or query value for a member of type M.
template <class M>
std::optional<ValueType<M>> parse_member_text(std::string_view text) {
  using V = ValueType<M>;
  // No value of any type has a NUL in its text form, and PostgreSQL text cannot hold one.
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  if constexpr (std::is_same_v<V, Canonical<V>> && !std::is_same_v<V, boost::json::value>) {
    V out{};
    if (!parse_text(text, out)) return std::nullopt;
    return out;
  } else if constexpr (std::is_integral_v<V> && !std::is_same_v<V, bool>) {
    std::int64_t wide = 0;
    if (!parse_text(text, wide)) return std::nullopt;
    if (!std::in_range<V>(wide)) return std::nullopt;
    return static_cast<V>(wide);
  } else {
    return std::nullopt;  // no text form (enums, documents): not usable in a URL
  }
}

}  // namespace detail

// How many rows one GET of the list answers (see the top of this file).
struct ListLimits {
  // Rows when the request has no count; 0: up to max_count.
  std::int64_t default_count = 100;
  // The most rows one request gets: a larger count, and count=0, mean this many; 0: no
  // maximum (Conduit's behaviour, for tables known to stay small).
  std::int64_t max_count = 1000;
};

namespace detail {
// The LIMIT of a list request: `requested` (the count parameter; 0: Conduit's "all")
// within `limits`; nullopt: no LIMIT.
std::optional<std::int64_t> list_count(std::optional<std::int64_t> requested,
                                       const ListLimits& limits) noexcept;
}  // namespace detail

template <Model T>
class ManagedObjectController : public Controller {
 public:
  using DatabaseSource = std::function<std::shared_ptr<db::Database>()>;
  using Key = detail::ValueType<detail::PrimaryKeyType<T>>;

  explicit ManagedObjectController(std::shared_ptr<db::Database> database,
                                   std::string id_variable = "id", ListLimits limits = {})
      : source_([database = std::move(database)] { return database; }),
        id_variable_(std::move(id_variable)),
        limits_(limits) {}
  explicit ManagedObjectController(std::shared_ptr<db::Database> database, ListLimits limits)
      : ManagedObjectController(std::move(database), "id", limits) {}
  // For a database looked up per request (e.g. the loop's).
  explicit ManagedObjectController(DatabaseSource source, std::string id_variable = "id",
                                   ListLimits limits = {})
      : source_(std::move(source)), id_variable_(std::move(id_variable)), limits_(limits) {}
  explicit ManagedObjectController(DatabaseSource source, ListLimits limits)
      : ManagedObjectController(std::move(source), "id", limits) {}

  const std::string& id_variable() const noexcept { return id_variable_; }
  const ListLimits& list_limits() const noexcept { return limits_; }

  // The five operations, for the OpenAPI document.
  std::vector<ApiOperation> api_operations() const override {
    ApiOperation list, create, find, update, remove;
    auto& c = list.components;
    auto query = [&](ApiOperation& op, const char* name, ApiSchema schema) {
      op.parameters.push_back({name, "query", false, std::move(schema)});
    };
    list.method = "GET";
    list.summary = "List " + entity_of<T>().name() + " objects";
    query(list, "count", api_schema<std::int64_t>(c));
    query(list, "offset", api_schema<std::int64_t>(c));
    ApiSchema strings;
    strings.kind = ApiSchema::Kind::array;
    strings.items.push_back(api_schema<std::string>(c));
    query(list, "sortBy", strings);
    query(list, "pageBy", api_schema<std::string>(c));
    query(list, "pageAfter", api_schema<std::string>(c));
    query(list, "pagePrior", api_schema<std::string>(c));
    list.response_schema = api_schema<std::vector<T>>(c);
    list.has_response_schema = true;
    create.method = "POST";
    create.summary = "Create a " + entity_of<T>().name();
    create.has_body = create.body_required = true;
    create.body_content_types = {"application/json"};
    create.body_schema = api_schema<T>(create.components);
    create.success_status = 201;
    create.response_schema = create.body_schema;
    create.has_response_schema = true;
    ApiParameter id{id_variable_, "path", true, api_schema<Key>(find.components)};
    for (ApiOperation* op : {&find, &update, &remove}) {
      op->path_variables = {id_variable_};
      op->parameters.push_back(id);
    }
    find.method = "GET";
    find.summary = "Get a " + entity_of<T>().name();
    find.response_schema = api_schema<T>(find.components);
    find.has_response_schema = true;
    update.method = "PUT";
    update.summary = "Update a " + entity_of<T>().name();
    update.has_body = update.body_required = true;
    update.body_content_types = {"application/json"};
    update.body_schema = api_schema<T>(update.components);
    update.response_schema = update.body_schema;
    update.has_response_schema = true;
    remove.method = "DELETE";
    remove.summary = "Delete a " + entity_of<T>().name();
    remove.success_status = 204;
    std::vector<ApiOperation> operations{list, create, find, update, remove};
    for (ApiOperation& op : operations) document_operation(op);
    return operations;
  }

  Task<Outcome> handle(Request& request) override {
    const std::optional<std::string_view> id_text = request.path_variable(id_variable_);
    const std::string& method = request.method();
    if (!id_text) {
      if (method == "GET") co_return co_await list(request);
      if (method == "POST") co_return co_await create(request);
      detail::throw_method_not_allowed(false);
    }
    if (method != "GET" && method != "PUT" && method != "DELETE") {
      detail::throw_method_not_allowed(true);
    }
    const std::optional<Key> id = detail::parse_member_text<detail::PrimaryKeyType<T>>(*id_text);
    if (!id) detail::throw_not_found();
    if (method == "GET") co_return co_await find(request, *id);
    if (method == "PUT") co_return co_await update(request, *id);
    co_return co_await remove(request, *id);
  }

 protected:
  // ---- hooks (Conduit's will*/did* and documentOperation*) --------------------------------
  // What the OpenAPI document says of one of the five operations: GET and POST without
  // path variables (list, create), GET, PUT and DELETE with the id variable. Override to
  // set a summary, description or examples, one line each:
  //   if (op.method == "POST") op.request_example = R"({"name": "Mr. Incredible"})";
  virtual void document_operation(ApiOperation& /*op*/) const {}
  // Restricts every query this controller runs for reading, updating and deleting (e.g.
  // to the rows of the authenticated owner). Rows outside the scope are 404.
  virtual void scope(Query<T>& /*query*/, Request& /*request*/) {}
  virtual void will_find_objects(Query<T>& /*query*/, Request& /*request*/) {}
  virtual Response did_find_objects(const std::vector<T>& objects, Request& /*request*/) {
    return Response::ok(to_json(objects));
  }
  virtual void will_find_object(Query<T>& /*query*/, Request& /*request*/) {}
  virtual Response did_find_object(const T& object, Request& /*request*/) {
    return Response::ok(to_json(object));
  }
  // May change the object and the keys to insert (e.g. set the owner).
  virtual void will_insert(T& /*object*/, FieldSet<T>& /*keys*/, Request& /*request*/) {}
  virtual Response did_insert(const T& object, Request& request) {
    const boost::json::value body = to_json(object);
    const auto& key = body.as_object().at(detail::member_names<T>[pk_index]);
    return Response::created(detail::location_for(request.path(), key), body);
  }
  virtual void will_update(T& /*values*/, FieldSet<T>& /*keys*/, Request& /*request*/) {}
  virtual Response did_update(const T& object, Request& /*request*/) {
    return Response::ok(to_json(object));
  }
  virtual void will_delete(Query<T>& /*query*/, Request& /*request*/) {}
  virtual Response did_delete(Request& /*request*/) { return Response::no_content(); }

  // The database for this request.
  std::shared_ptr<db::Database> database() const {
    std::shared_ptr<db::Database> database = source_();
    if (!database) throw HttpError(500, "no database");
    return database;
  }

 private:
  static constexpr std::size_t pk_index = detail::primary_key_index<T>;
  static constexpr auto pk_pointer = detail::MemberAt<T, pk_index>::pointer;

  Task<Outcome> list(Request& request) {
    const detail::ListRequest params = detail::parse_list_request(request);
    auto database = this->database();
    Query<T> query(*database);
    scope(query, request);
    if (params.page_by) {
      const bool ok = detail::with_attribute<T>(*params.page_by, [&](auto pointer) {
        using M = std::remove_cvref_t<decltype(std::declval<T&>().*pointer)>;
        const auto order = params.page_descending ? SortOrder::descending : SortOrder::ascending;
        std::optional<detail::ValueType<M>> bound;  // nullopt: the first page
        if (params.page_value) {
          bound = detail::parse_member_text<M>(*params.page_value);
          if (!bound) {
            throw HttpError(400, "invalid value for 'pageBy' '" + *params.page_by + "'");
          }
        }
        query.page_by(pointer, order, std::move(bound));
      });
      if (!ok) throw HttpError(400, "cannot page by '" + *params.page_by + "'");
    }
    for (const detail::SortRequest& sort : params.sort) {
      const bool ok = detail::with_attribute<T>(sort.key, [&](auto pointer) {
        query.sort_by(pointer, sort.descending ? SortOrder::descending : SortOrder::ascending);
      });
      if (!ok) throw HttpError(400, "cannot sort by '" + sort.key + "'");
    }
    if (const auto count = detail::list_count(params.count, limits_)) query.limit(*count);
    if (params.offset) query.offset(*params.offset);
    will_find_objects(query, request);
    const std::vector<T> objects = co_await query.fetch();
    co_return did_find_objects(objects, request);
  }

  Task<Outcome> find(Request& request, const Key& id) {
    auto database = this->database();
    Query<T> query(*database);
    scope(query, request);
    query.where(pk_pointer).equal_to(id);
    will_find_object(query, request);
    const std::optional<T> object = co_await query.fetch_one();
    if (!object) detail::throw_not_found();
    co_return did_find_object(*object, request);
  }

  Task<Outcome> create(Request& request) {
    const boost::json::value body = detail::request_json_body(request);
    ReadOptions options;
    if constexpr (detail::autoincrements<T>(pk_index, detail::member_value_class<T, pk_index>())) {
      options.ignore.push_back(detail::member_names<T>[pk_index]);
    }
    T object{};
    FieldSet<T> keys = read_json(body, object, options);
    will_insert(object, keys, request);
    auto database = this->database();
    const T stored = co_await Query<T>(*database).insert(object, keys);
    co_return did_insert(stored, request);
  }

  Task<Outcome> update(Request& request, const Key& id) {
    const boost::json::value body = detail::request_json_body(request);
    ReadOptions options;
    options.reject.push_back(detail::member_names<T>[pk_index]);
    T values{};
    FieldSet<T> keys = read_json(body, values, options);
    will_update(values, keys, request);
    auto database = this->database();
    Query<T> query(*database);
    scope(query, request);
    query.where(pk_pointer).equal_to(id);
    // Nothing to set ({}): the row as it is, rather than an UPDATE without columns.
    // GCC 12 miscompiles co_await in both arms of ?:, hence the if.
    std::optional<T> updated;
    if (keys.size() == 0) {
      updated = co_await query.fetch_one();
    } else {
      updated = co_await query.update_one(values, keys);
    }
    if (!updated) detail::throw_not_found();
    co_return did_update(*updated, request);
  }

  Task<Outcome> remove(Request& request, const Key& id) {
    auto database = this->database();
    Query<T> query(*database);
    scope(query, request);
    query.where(pk_pointer).equal_to(id);
    will_delete(query, request);
    const std::size_t deleted = co_await query.delete_();
    if (deleted == 0) detail::throw_not_found();
    co_return did_delete(request);
  }

  DatabaseSource source_;
  std::string id_variable_;
  ListLimits limits_;
};

}  // namespace conduit::orm
