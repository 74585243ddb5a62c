// Internal: the examples of an OpenAPI document. A model field's example is text written
// with the field's type; an operation's request and response examples are JSON text and
// its parameters' examples text like a field's (conduit/http/api_description.hpp). A
// document whose examples contradict its schemas misleads every reader of the docs page,
// so the builder checks each operation example here and refuses one that does not fit.
// The check covers what a reader would be misled by (JSON types, integer vs number, enum
// names, nulls, unknown object properties, array items), not all of JSON Schema: missing
// properties are allowed (a request leaves out read-only keys), formats are not parsed.
//
// Thread-safety: pure functions.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

#include "conduit/http/api_description.hpp"

namespace conduit::app::detail {

// `text` as a value of the schema's type: parsed as JSON for numbers, booleans, arrays,
// objects and untyped schemas, a JSON string otherwise or when it does not parse (a model
// field's example stays visible in the document; operation examples are checked after).
boost::json::value example_value(std::string_view text, const ApiSchema& schema);

// `text` parsed as JSON; throws std::runtime_error("<where> is not JSON (<reason> at
// offset N): <start of text>") when it is not.
boost::json::value parse_example_json(std::string_view text, std::string_view where);

// Why `value` does not fit `schema` (references resolved in `components`), as "<where>...:
// <what>" with the JSON path of the first misfit (`request_example.powers[1]: "x" is not an
// integer`); empty when it fits.
std::string example_misfit(const boost::json::value& value, const ApiSchema& schema,
                           const ApiComponents& components, const std::string& where);

// An operation's body example (`text`, JSON; empty: none, returned as null) parsed and,
// when the operation declares its schema (`has_schema`), checked against it. Throws
// std::runtime_error("<label>: <what>...") for a misfit; `label` names the operation.
boost::json::value checked_body_example(const std::string& text, const ApiSchema& schema,
                                        bool has_schema, const ApiComponents& components,
                                        const std::string& label, const char* what);

// Sets op.parameter_examples onto `parameters` (the operation's parameter objects, path
// variables it does not bind included: those are strings), each checked against its
// parameter's type. Throws std::runtime_error("<label>: ...") for a misfit or a name that
// is not a parameter of the operation.
void add_parameter_examples(const ApiOperation& op, const ApiComponents& components,
                            const std::string& label, boost::json::array& parameters);

}  // namespace conduit::app::detail
