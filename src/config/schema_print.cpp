#include "config/schema_print.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/error.h"

namespace mx {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Schema bounds are doubles; an integer key's bound prints as the integer it is (2^53, the
// largest a double holds exactly, stands for "no practical limit" and prints as such).
constexpr double kExactIntegerLimit = 9007199254740992.0;

json bound_json(const ConfigKey& key, double bound) {
  if (key.kind == ValueKind::integer && std::fabs(bound) <= kExactIntegerLimit) return static_cast<int64_t>(bound);
  return bound;
}

std::string number_text(const ConfigKey& key, double value) {
  if (key.kind == ValueKind::integer || (std::fabs(value) < 1e15 && value == std::floor(value)))
    return std::to_string(static_cast<int64_t>(value));
  return json(value).dump();
}

std::string range_text(const ConfigKey& key) {
  if (!key.choices.empty()) {
    std::string text;
    for (const auto& choice : key.choices) text += (text.empty() ? "" : " | ") + choice;
    return text;
  }
  const bool has_min = std::isfinite(key.min), has_max = std::isfinite(key.max) && key.max < kExactIntegerLimit;
  if (has_min && has_max) return "[" + number_text(key, key.min) + ", " + number_text(key, key.max) + "]";
  if (has_min) return ">= " + number_text(key, key.min);
  if (has_max) return "<= " + number_text(key, key.max);
  return "";
}

std::string default_text(const ConfigKey& key) {
  const json& value = key.default_value;
  if (value.is_string()) return value.get<std::string>().empty() ? "\"\"" : value.get<std::string>();
  if (value.is_number_float() && key.kind == ValueKind::number) {
    const double x = value.get<double>();
    if (std::fabs(x) < 1e15 && x == std::floor(x) && std::fabs(x) >= 1e6) return std::to_string(static_cast<int64_t>(x));
  }
  return value.dump();
}

}  // namespace

std::string key_type(const ConfigKey& key) {
  switch (key.kind) {
    case ValueKind::integer: return "integer";
    case ValueKind::number: return "number";
    case ValueKind::boolean: return "boolean";
    case ValueKind::string: return "string";
    case ValueKind::any: return "json";
  }
  return "json";
}

std::string key_unit(const ConfigKey& key) {
  if (key.kind == ValueKind::boolean || key.kind == ValueKind::string || key.kind == ValueKind::any) return "";
  // Key names carry SI suffixes by the house convention (clock.frequency_hz, ..._ohm).
  static const std::vector<std::pair<std::string, std::string>> suffixes = {
      {"_hz", "Hz"},           {"_pj", "pJ"},         {"_ns", "ns"},        {"_ps", "ps"},
      {"_ohm", "ohm"},         {"_per_s", "1/s"},     {"bits", "bit"},      {"_cycles", "cycles"},
      {"_samples", "samples"}, {"_steps", "steps"},   {"lanes", "neurons"}, {"_pulses", "pulses"},
      {"_tasks", "tasks"},     {"epochs", "epochs"}};
  const std::string leaf = key.path.substr(key.path.find_last_of('.') + 1);
  for (const auto& [suffix, unit] : suffixes)
    if (ends_with(leaf, suffix) || leaf == suffix.substr(suffix[0] == '_' ? 1 : 0)) return unit;
  // Otherwise the doc names it: "(steps)", "(weight units)", "in units of w_max".
  static const std::vector<std::pair<std::string, std::string>> phrases = {
      {"(steps)", "steps"}, {"(weight units)", "weight"}, {"weight of the", "weight"}, {"[-range, range]", "weight"}};
  for (const auto& [phrase, unit] : phrases)
    if (key.doc.find(phrase) != std::string::npos) return unit;
  return "";
}

SchemaFormat parse_schema_format(const std::string& name) {
  if (name == "json") return SchemaFormat::json;
  if (name == "table") return SchemaFormat::table;
  if (name == "markdown") return SchemaFormat::markdown;
  throw Error("--format: expected json, table or markdown, got '" + name + "'");
}

std::string print_schema(const Schema& schema, SchemaFormat format, const std::vector<std::string>& prefixes) {
  std::vector<const ConfigKey*> keys;
  for (const auto& key : schema.keys()) {
    const bool wanted = prefixes.empty() || std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) {
                          return key.path == p || key.path.rfind(p.back() == '.' ? p : p + ".", 0) == 0;
                        });
    if (wanted) keys.push_back(&key);
  }
  if (keys.empty()) throw Error("config --defaults: no key starts with the given --keys prefixes");

  if (format == SchemaFormat::json) {
    json listing = json::array();
    for (const ConfigKey* key : keys) {
      json entry = {{"key", key->path}, {"type", key_type(*key)}, {"default", key->default_value}, {"doc", key->doc}};
      if (std::isfinite(key->min)) entry["min"] = bound_json(*key, key->min);
      if (std::isfinite(key->max)) entry["max"] = bound_json(*key, key->max);
      if (!key->choices.empty()) entry["choices"] = key->choices;
      const std::string unit = key_unit(*key);
      if (!unit.empty()) entry["unit"] = unit;
      listing.push_back(entry);
    }
    return listing.dump(2) + "\n";
  }

  const std::vector<std::string> header = {"key", "type", "default", "range", "unit", "meaning"};
  std::vector<std::vector<std::string>> rows;
  for (const ConfigKey* key : keys)
    rows.push_back({key->path, key_type(*key), default_text(*key), range_text(*key), key_unit(*key), key->doc});
  std::ostringstream out;
  if (format == SchemaFormat::markdown) {
    auto cell = [](std::string text) {
      for (size_t at = 0; (at = text.find('|', at)) != std::string::npos; at += 2) text.replace(at, 1, "\\|");
      return text;
    };
    out << "| key | type | default | range | unit | meaning |\n|---|---|---|---|---|---|\n";
    for (const auto& row : rows) {
      out << "| `" << row[0] << "` |";
      for (size_t c = 1; c < row.size(); ++c) out << " " << cell(row[c]) << " |";
      out << "\n";
    }
    return out.str();
  }
  // Plain text: every column but the last padded to its widest cell (bytes; the docs' few
  // non-ASCII signs shift a row by a column at most).
  std::vector<size_t> width(header.size() - 1, 0);
  for (size_t c = 0; c < width.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& row : rows) width[c] = std::max(width[c], std::min<size_t>(row[c].size(), 40));
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    for (size_t c = 0; c < width.size(); ++c) {
      out << row[c];
      out << std::string(row[c].size() < width[c] ? width[c] - row[c].size() + 2 : 2, ' ');
    }
    out << row.back() << "\n";
  };
  print_row(header);
  for (const auto& row : rows) print_row(row);
  return out.str();
}

}  // namespace mx
