#pragma once
// One JSON document describes a run. Every key the simulator understands is declared once
// in the schema (schema.cpp) with its default, type, range and meaning; a user's document
// is merged over those defaults and checked against them, so an unknown key, a wrong type
// or an out-of-range value is an error that names its JSON path before anything runs.
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mx {

using json = nlohmann::json;

enum class ValueKind { integer, number, boolean, string, any };

struct ConfigKey {
  std::string path;  // dotted: "device.n_mem"
  json default_value;
  ValueKind kind = ValueKind::number;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> choices;  // allowed strings; empty = any string
  std::string doc;
};

class Schema {
 public:
  void add(ConfigKey key);
  const ConfigKey* find(const std::string& path) const;
  const std::vector<ConfigKey>& keys() const { return keys_; }
  // The full default document, nested by the dotted paths.
  json defaults() const;
  // The known path nearest to `path` by edit distance, for "did you mean" hints.
  std::string nearest(const std::string& path) const;

 private:
  std::vector<ConfigKey> keys_;
};

// The schema of a run: every key of every block (schema.cpp).
const Schema& run_schema();

class Config {
 public:
  // Defaults only.
  Config();
  // Merge `document` over the defaults; `origin` names the source in error messages.
  static Config from_json(const json& document, const std::string& origin);
  static Config from_file(const std::string& path);

  // "key=value": the value is parsed as JSON when it parses, else taken as a string; a
  // value that starts like JSON (a digit, '-', '[', '{' or '"') but does not parse is an error.
  void set(const std::string& assignment);
  void set(const std::string& path, const json& value);

  const json& at(const std::string& path) const;
  int64_t get_int(const std::string& path) const;
  uint64_t get_uint(const std::string& path) const;
  double get_double(const std::string& path) const;
  bool get_bool(const std::string& path) const;
  std::string get_string(const std::string& path) const;

  // The fully resolved document (defaults + user values), as written into summary.json.
  const json& resolved() const { return document_; }
  const std::string& origin() const { return origin_; }

  // Keys given by the user (file or --set) that the chosen network.kind never reads, e.g.
  // qnn.* on System A; a run refuses them unless told --allow-unused.
  std::vector<std::string> unused_keys() const;

 private:
  void merge(const json& user, const std::string& prefix);
  void check_value(const ConfigKey& key, const json& value) const;
  json document_;
  std::string origin_ = "defaults";
  std::set<std::string> user_keys_;
};

// JSON text to a document, within the limits of common/input_limits.h; every failure is one
// line "<origin>: not valid JSON: line L, column C: ..." (never a library exception).
json parse_json_text(const std::string& text, const std::string& origin);
nlohmann::ordered_json parse_ordered_json_text(const std::string& text, const std::string& origin);
// A value for an error message: compact, invalid UTF-8 replaced, cut to kMaxShownChars.
std::string shown_value(const json& value);

// Dotted path helpers over nested JSON objects.
const json* find_path(const json& document, const std::string& path);
void assign_path(json& document, const std::string& path, const json& value);

}  // namespace mx
