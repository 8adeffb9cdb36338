#include "config/config.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/input_limits.h"

namespace mx {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream stream(path);
  std::string part;
  while (std::getline(stream, part, '.')) parts.push_back(part);
  return parts;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

const char* kind_name(ValueKind kind) {
  switch (kind) {
    case ValueKind::integer: return "an integer";
    case ValueKind::number: return "a number";
    case ValueKind::boolean: return "true or false";
    case ValueKind::string: return "a string";
    case ValueKind::any: return "a value";
  }
  return "a value";
}

std::string range_text(const ConfigKey& key) {
  std::ostringstream text;
  const bool has_min = std::isfinite(key.min), has_max = std::isfinite(key.max);
  // Bounds as written in the schema: 9007199254740992, not 9.0072e+15.
  auto bound = [](double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, std::fabs(v) < 1e17 && std::floor(v) == v ? "%.0f" : "%g", v);
    return std::string(buffer);
  };
  if (has_min && has_max) text << " in [" << bound(key.min) << ", " << bound(key.max) << "]";
  else if (has_min) text << " >= " << bound(key.min);
  else if (has_max) text << " <= " << bound(key.max);
  return text.str();
}

// Integers past 2^53 are not exact as doubles: 2^53 + 1 would pass a range check as 2^53
// and run as another number than the one summary.json shows.
constexpr double kExactIntegerLimit = 9007199254740992.0;

bool beyond_exact_integers(const json& value) {
  if (value.is_number_unsigned()) return value.get<uint64_t>() > static_cast<uint64_t>(kExactIntegerLimit);
  if (value.is_number_integer()) {
    const int64_t v = value.get<int64_t>();
    return v > static_cast<int64_t>(kExactIntegerLimit) || v < -static_cast<int64_t>(kExactIntegerLimit);
  }
  return value.is_number_float() && std::fabs(value.get<double>()) > kExactIntegerLimit;
}

// The library's message without its "[json.exception.parse_error.101] parse error at " prefix.
std::string parse_reason(const json::parse_error& e) {
  std::string reason = e.what();
  const size_t bracket = reason.find("] ");
  if (bracket != std::string::npos) reason.erase(0, bracket + 2);
  const std::string prefix = "parse error at ";
  if (reason.rfind(prefix, 0) == 0) reason.erase(0, prefix.size());
  return reason;
}

template <typename Json>
Json parse_checked(const std::string& text, const std::string& origin) {
  if (text.size() > kMaxInputFileBytes)
    throw Error(origin + ": JSON text larger than " + std::to_string(kMaxInputFileBytes) + " bytes (the limit)");
  check_json_depth(text, origin);
  try {
    return Json::parse(text);
  } catch (const json::parse_error& e) {
    throw Error(origin + ": not valid JSON: " + parse_reason(e));
  } catch (const json::exception& e) {
    std::string reason = e.what();
    const size_t bracket = reason.find("] ");
    if (bracket != std::string::npos) reason.erase(0, bracket + 2);
    throw Error(origin + ": not valid JSON: " + reason);
  }
}

// Sections only one network kind reads. The check is by declaration rather than by
// watching reads, so it runs before the simulation, and a new section of one kind is one line.
struct KindSection {
  const char* prefix;
  const char* kind;  // the network.kind that reads it
};
constexpr KindSection kKindSections[] = {{"qnn.", "qnn"}, {"rule.", "snn"}, {"rng.", "snn"}};

}  // namespace

json parse_json_text(const std::string& text, const std::string& origin) {
  return parse_checked<json>(text, origin);
}

nlohmann::ordered_json parse_ordered_json_text(const std::string& text, const std::string& origin) {
  return parse_checked<nlohmann::ordered_json>(text, origin);
}

std::string shown_value(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > kMaxShownChars)
    text = text.substr(0, kMaxShownChars) + "... (" + std::to_string(text.size()) + " characters)";
  return text;
}

void Schema::add(ConfigKey key) { keys_.push_back(std::move(key)); }

const ConfigKey* Schema::find(const std::string& path) const {
  for (const auto& key : keys_)
    if (key.path == path) return &key;
  return nullptr;
}

json Schema::defaults() const {
  json document = json::object();
  for (const auto& key : keys_) assign_path(document, key.path, key.default_value);
  return document;
}

std::string Schema::nearest(const std::string& path) const {
  std::string best;
  size_t best_distance = std::numeric_limits<size_t>::max();
  for (const auto& key : keys_) {
    const size_t distance = edit_distance(path, key.path);
    if (distance < best_distance) best_distance = distance, best = key.path;
  }
  // A hint that shares little with the typo misleads more than it helps.
  return best_distance <= std::max<size_t>(3, path.size() / 3) ? best : std::string();
}

const json* find_path(const json& document, const std::string& path) {
  const json* node = &document;
  for (const auto& part : split_path(path)) {
    if (!node->is_object()) return nullptr;
    auto it = node->find(part);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node;
}

void assign_path(json& document, const std::string& path, const json& value) {
  json* node = &document;
  for (const auto& part : split_path(path)) {
    if (!node->is_object()) *node = json::object();
    node = &(*node)[part];
  }
  *node = value;
}

Config::Config() : document_(run_schema().defaults()) {}

Config Config::from_json(const json& document, const std::string& origin) {
  if (!document.is_object())
    throw Error(origin + ": expected a JSON object at the top level, got " + document.type_name());
  Config config;
  config.origin_ = origin;
  config.merge(document, "");
  return config;
}

Config Config::from_file(const std::string& path) {
  return from_json(parse_json_text(read_file_capped(path, kMaxInputFileBytes, "config file"), path), path);
}

std::vector<std::string> Config::unused_keys() const {
  const std::string kind = get_string("network.kind");
  std::vector<std::string> unused;
  // A key left at its default changes nothing, so a fully resolved config (a sweep point's
  // config.json, a summary's "config") is not refused for listing every key.
  for (const auto& key : user_keys_)
    for (const auto& section : kKindSections)
      if (key.rfind(section.prefix, 0) == 0 && kind != section.kind && at(key) != run_schema().find(key)->default_value)
        unused.push_back(key);
  return unused;
}

void Config::merge(const json& user, const std::string& prefix) {
  for (auto it = user.begin(); it != user.end(); ++it) {
    const std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (const ConfigKey* key = run_schema().find(path)) {
      check_value(*key, it.value());
      assign_path(document_, path, it.value());
      user_keys_.insert(path);
      continue;
    }
    // A section: recurse when some key lives below it.
    const bool is_section = std::any_of(run_schema().keys().begin(), run_schema().keys().end(),
                                        [&](const ConfigKey& key) { return key.path.rfind(path + ".", 0) == 0; });
    if (is_section && it.value().is_object()) {
      merge(it.value(), path);
      continue;
    }
    if (is_section)
      throw Error(origin_ + ": '" + path + "' is a section: expected an object, got " +
                  it.value().type_name());
    if (path.size() > kMaxShownChars) throw Error(origin_ + ": unknown key '" + path.substr(0, kMaxShownChars) + "...'");
    std::string message = origin_ + ": unknown key '" + path + "'";
    const std::string hint = run_schema().nearest(path);
    if (!hint.empty()) message += " — did you mean '" + hint + "'?";
    throw Error(message + " (metaxbar config --defaults lists every key)");
  }
}

void Config::check_value(const ConfigKey& key, const json& value) const {
  const std::string where = origin_ + ": '" + key.path + "'";
  bool type_ok = true;
  switch (key.kind) {
    case ValueKind::integer:
      type_ok = value.is_number_integer() ||
                (value.is_number_float() && std::floor(value.get<double>()) == value.get<double>());
      break;
    case ValueKind::number: type_ok = value.is_number(); break;
    case ValueKind::boolean: type_ok = value.is_boolean(); break;
    case ValueKind::string: type_ok = value.is_string(); break;
    case ValueKind::any: type_ok = !value.is_null(); break;
  }
  if (!type_ok)
    throw Error(where + ": expected " + kind_name(key.kind) + range_text(key) + ", got " +
                value.type_name() + " " + shown_value(value));
  if (value.is_number()) {
    const double number = value.get<double>();
    if (!std::isfinite(number) || number < key.min || number > key.max ||
        (key.kind == ValueKind::integer && beyond_exact_integers(value)))
      throw Error(where + ": expected " + kind_name(key.kind) + range_text(key) + ", got " +
                  shown_value(value));
  }
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (const size_t bad = first_invalid_utf8(text); bad != std::string::npos)
      throw Error(where + ": not valid UTF-8 (byte " + std::to_string(bad) + " of the string)");
  }
  if (value.is_string() && !key.choices.empty() &&
      std::find(key.choices.begin(), key.choices.end(), value.get<std::string>()) == key.choices.end()) {
    std::string allowed;
    for (const auto& choice : key.choices) allowed += (allowed.empty() ? "" : " | ") + choice;
    throw Error(where + ": expected one of " + allowed + ", got " + shown_value(value));
  }
}

void Config::set(const std::string& assignment) {
  const size_t equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0)
    throw Error("--set '" + assignment + "': expected key=value");
  const std::string path = assignment.substr(0, equals);
  const std::string text = assignment.substr(equals + 1);
  if (const size_t bad = first_invalid_utf8(assignment); bad != std::string::npos)
    throw Error("--set " + path.substr(0, kMaxShownChars) + ": not valid UTF-8 (byte " + std::to_string(bad) +
                " of the argument)");
  const size_t first = text.find_first_not_of(" \t");
  const bool looks_like_json = first != std::string::npos && std::string("[{\"-0123456789").find(text[first]) != std::string::npos;
  json value;
  if (looks_like_json) {
    value = parse_json_text(text, "--set " + path);
  } else {
    value = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) value = text;
  }
  set(path, value);
}

void Config::set(const std::string& path, const json& value) {
  json nested = json::object();
  assign_path(nested, path, value);
  const std::string saved_origin = origin_;
  origin_ = "--set " + path;
  try {
    merge(nested, "");
  } catch (...) {
    origin_ = saved_origin;
    throw;
  }
  origin_ = saved_origin;
}

const json& Config::at(const std::string& path) const {
  const json* node = find_path(document_, path);
  if (!node) throw Error("internal: config key '" + path + "' is not in the schema");
  return *node;
}

int64_t Config::get_int(const std::string& path) const {
  // The schema keeps integers within +-2^53, so the double route is exact.
  const json& value = at(path);
  if (value.is_number_integer()) return value.get<int64_t>();
  return static_cast<int64_t>(std::llround(value.get<double>()));
}

uint64_t Config::get_uint(const std::string& path) const {
  const int64_t value = get_int(path);
  if (value < 0) throw Error(origin_ + ": '" + path + "': expected a non-negative integer");
  return static_cast<uint64_t>(value);
}

double Config::get_double(const std::string& path) const { return at(path).get<double>(); }
bool Config::get_bool(const std::string& path) const { return at(path).get<bool>(); }
std::string Config::get_string(const std::string& path) const { return at(path).get<std::string>(); }

}  // namespace mx
