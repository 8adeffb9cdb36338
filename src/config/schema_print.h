#pragma once
// `metaxbar config --defaults`: the schema as JSON (for scripts) or as a table (for people
// and the README), each key with its type, default, range, unit and meaning.
#include <string>
#include <vector>

#include "config/config.h"

namespace mx {

enum class SchemaFormat { json, table, markdown };

// "json" | "table" | "markdown"; anything else is an mx::Error naming --format.
SchemaFormat parse_schema_format(const std::string& name);

// The keys whose path starts with one of `prefixes` (all keys when empty).
std::string print_schema(const Schema& schema, SchemaFormat format, const std::vector<std::string>& prefixes = {});

// The unit a key's value is in, read off its name and its doc ("" when it is a count or a
// ratio); exposed for the test that every physical key gets one.
std::string key_unit(const ConfigKey& key);
std::string key_type(const ConfigKey& key);

}  // namespace mx
