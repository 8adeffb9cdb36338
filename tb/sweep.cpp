#include "tb/sweep.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "common/atomic_file.h"
#include "common/error.h"
#include "config/config.h"

namespace mx {
namespace {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

// The sweep file keeps its key order (axes vary in the order written); everything below
// the parser works on mx::json.
json plain(const ojson& value) { return json::parse(value.dump()); }

[[noreturn]] void fail(const std::string& origin, const std::string& path, const std::string& message) {
  throw Error(origin + ": " + path + ": " + message);
}

std::string index_path(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

// 8 and 8.0 are the same value to the config, so they must name the same point.
json canonical(const json& value) {
  if (value.is_number_float()) {
    const double number = value.get<double>();
    if (std::isfinite(number) && std::floor(number) == number && std::fabs(number) < 9.007199254740992e15)
      return static_cast<int64_t>(number);
    return value;
  }
  if (value.is_object()) {
    json out = json::object();
    for (auto it = value.begin(); it != value.end(); ++it) out[it.key()] = canonical(it.value());
    return out;
  }
  if (value.is_array()) {
    json out = json::array();
    for (const auto& item : value) out.push_back(canonical(item));
    return out;
  }
  return value;
}

// FNV-1a: a stable hash we spell out, so point ids are the same on every platform and build.
uint64_t fnv1a(const std::string& text) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ull;
  return hash;
}

std::string hex(uint64_t value, int digits) {
  static const char* kDigits = "0123456789abcdef";
  std::string text(static_cast<size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, value >>= 4) text[static_cast<size_t>(i)] = kDigits[value & 15];
  return text;
}

std::string read_text(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::stringstream text;
  if (in) text << in.rdbuf();
  return text.str();
}

// Validates one value of one key against the schema; the message carries `where`.
void check_config_value(const std::string& key, const json& value, const std::string& where) {
  json document = json::object();
  assign_path(document, key, value);
  Config::from_json(document, where);
}

// {"range": [start, stop, step]}, stop included; integers stay integers.
std::vector<json> expand_range(const ojson& spec, const std::string& origin, const std::string& path) {
  if (!spec.is_array() || spec.size() < 2 || spec.size() > 3)
    fail(origin, path, "expected [start, stop] or [start, stop, step], got " + spec.dump());
  for (size_t i = 0; i < spec.size(); ++i)
    if (!spec[i].is_number()) fail(origin, index_path(path, i), "expected a number, got " + spec[i].dump());
  const bool integers = std::all_of(spec.begin(), spec.end(), [](const ojson& v) { return v.is_number_integer(); });
  const double start = spec[0].get<double>(), stop = spec[1].get<double>();
  const double step = spec.size() == 3 ? spec[2].get<double>() : 1.0;
  if (step == 0 || !std::isfinite(start) || !std::isfinite(stop) || !std::isfinite(step))
    fail(origin, path, "expected finite numbers and a non-zero step, got " + spec.dump());
  const double span = (stop - start) / step;
  if (span < 0) fail(origin, path, "the step goes away from stop: " + spec.dump());
  constexpr double kMaxValues = 100000;
  if (span + 1 > kMaxValues) fail(origin, path, "more than 100000 values: " + spec.dump());
  // The tolerance keeps 0.1-steps from losing their last value to rounding.
  const size_t count = static_cast<size_t>(std::floor(span + 1e-9)) + 1;
  std::vector<json> values;
  for (size_t i = 0; i < count; ++i) {
    if (integers) {
      values.push_back(spec[0].get<int64_t>() + static_cast<int64_t>(i) * (spec.size() == 3 ? spec[2].get<int64_t>() : 1));
    } else {
      // Printed to 15 digits and read back: 0.1 * 3 is 0.3 in the table, not 0.30000000000000004.
      char text[64];
      std::snprintf(text, sizeof text, "%.15g", start + static_cast<double>(i) * step);
      values.push_back(canonical(json(std::strtod(text, nullptr))));
    }
  }
  return values;
}

// A value list: [v, ...] or {"range": [...]}.
std::vector<json> parse_values(const ojson& spec, const std::string& origin, const std::string& path) {
  if (spec.is_array()) {
    if (spec.empty()) fail(origin, path, "empty: expected at least one value");
    std::vector<json> values;
    for (const auto& value : spec) values.push_back(plain(value));
    return values;
  }
  if (spec.is_object() && spec.size() == 1 && spec.contains("range"))
    return expand_range(spec["range"], origin, path + ".range");
  fail(origin, path, "expected a list of values or {\"range\": [start, stop, step]}, got " + spec.dump());
}

void reject_duplicates(const std::vector<json>& values, const std::string& origin, const std::string& path) {
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < values.size(); ++i) {
    const auto [it, fresh] = seen.emplace(canonical(values[i]).dump(), i);
    if (!fresh) fail(origin, index_path(path, i), "duplicate of " + index_path(path, it->second));
  }
}

// Constraints. A condition maps axis keys (or "seed") to a value or a list of values, and
// holds when every listed key has one of its values. {"if": C, "then": D} drops the points
// where C holds and D does not; {"exclude": C} drops the points where C holds.
struct Condition {
  size_t dimension;           // axis index; axes.size() is the seed
  std::vector<bool> allowed;  // by value index of that dimension
};
struct Rule {
  std::vector<Condition> when;
  std::vector<Condition> then;  // empty for exclude
  bool exclude = false;
};

bool holds(const std::vector<Condition>& conditions, const std::vector<size_t>& digits) {
  return std::all_of(conditions.begin(), conditions.end(),
                     [&](const Condition& c) { return c.allowed[digits[c.dimension]]; });
}

std::vector<Condition> parse_condition(const ojson& spec, const std::vector<SweepAxis>& dimensions,
                                       const std::string& origin, const std::string& path) {
  if (!spec.is_object() || spec.empty())
    fail(origin, path, "expected an object {\"axis.key\": value or [values]}, got " + spec.dump());
  std::vector<Condition> conditions;
  for (auto it = spec.begin(); it != spec.end(); ++it) {
    const std::string key_path = path + "." + it.key();
    const auto axis = std::find_if(dimensions.begin(), dimensions.end(),
                                   [&](const SweepAxis& a) { return a.key == it.key(); });
    if (axis == dimensions.end()) fail(origin, key_path, "'" + it.key() + "' is not an axis of this sweep (nor 'seed')");
    Condition condition{static_cast<size_t>(axis - dimensions.begin()), std::vector<bool>(axis->values.size())};
    // A list means "any of": an axis whose values are themselves lists needs [[...]].
    const ojson listed = it.value().is_array() ? it.value() : ojson::array({it.value()});
    for (size_t i = 0; i < listed.size(); ++i) {
      const std::string wanted = canonical(plain(listed[i])).dump();
      const auto match = std::find_if(axis->values.begin(), axis->values.end(),
                                      [&](const json& v) { return canonical(v).dump() == wanted; });
      if (match == axis->values.end())
        fail(origin, listed.size() == 1 && !it.value().is_array() ? key_path : index_path(key_path, i),
             listed[i].dump() + " is not a value of '" + it.key() + "'");
      condition.allowed[static_cast<size_t>(match - axis->values.begin())] = true;
    }
    conditions.push_back(std::move(condition));
  }
  return conditions;
}

std::vector<Rule> parse_constraints(const ojson& spec, const std::vector<SweepAxis>& dimensions,
                                    const std::string& origin) {
  if (!spec.is_array()) fail(origin, "constraints", "expected a list of rules, got " + spec.dump());
  std::vector<Rule> rules;
  for (size_t i = 0; i < spec.size(); ++i) {
    const std::string path = index_path("constraints", i);
    const ojson& item = spec[i];
    Rule rule;
    if (item.is_object() && item.size() == 1 && item.contains("exclude")) {
      rule.exclude = true;
      rule.when = parse_condition(item["exclude"], dimensions, origin, path + ".exclude");
    } else if (item.is_object() && item.size() == 2 && item.contains("if") && item.contains("then")) {
      rule.when = parse_condition(item["if"], dimensions, origin, path + ".if");
      rule.then = parse_condition(item["then"], dimensions, origin, path + ".then");
    } else {
      fail(origin, path, "expected {\"if\": {...}, \"then\": {...}} or {\"exclude\": {...}}, got " + item.dump());
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

bool admitted(const std::vector<Rule>& rules, const std::vector<size_t>& digits) {
  for (const auto& rule : rules) {
    if (!holds(rule.when, digits)) continue;
    if (rule.exclude || !holds(rule.then, digits)) return false;
  }
  return true;
}

std::string point_id(const json& values, uint64_t seed) {
  return hex(fnv1a(json{{"seed", seed}, {"values", canonical(values)}}.dump()), 12);
}

const std::vector<std::string>& sweep_file_keys() {
  static const std::vector<std::string> keys = {"description", "base", "axes", "seeds", "set", "constraints"};
  return keys;
}

void reject_unknown_keys(const ojson& document, const std::string& origin) {
  Schema known;  // borrowed for its "did you mean" search
  for (const auto& key : sweep_file_keys()) known.add(ConfigKey{key, json(), ValueKind::any, 0, 0, {}, ""});
  for (auto it = document.begin(); it != document.end(); ++it) {
    if (known.find(it.key())) continue;
    std::string message = origin + ": unknown key '" + it.key() + "'";
    const std::string hint = known.nearest(it.key());
    if (!hint.empty()) message += " — did you mean '" + hint + "'?";
    throw Error(message + " (a sweep file has: description, base, axes, seeds, set, constraints)");
  }
}

Config load_base(const std::string& base, const std::string& origin, json* document) {
  bool ok = false;
  const std::string text = read_text(base, &ok);
  if (!ok) fail(origin, "base", "cannot open config file '" + base + "'");
  *document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document->is_discarded()) fail(origin, "base", "'" + base + "' is not valid JSON");
  return Config::from_json(*document, origin + ": base " + base);
}

std::vector<uint64_t> parse_seeds(const ojson& spec, const std::string& origin) {
  std::vector<json> values = parse_values(spec, origin, "seeds");
  std::vector<uint64_t> seeds;
  for (size_t i = 0; i < values.size(); ++i) {
    check_config_value("seed", values[i], origin + ": " + index_path("seeds", i));
    seeds.push_back(static_cast<uint64_t>(std::llround(values[i].get<double>())));
  }
  std::vector<json> canonical_seeds(seeds.begin(), seeds.end());
  reject_duplicates(canonical_seeds, origin, "seeds");
  return seeds;
}

}  // namespace

std::vector<std::string> Sweep::axis_keys() const {
  std::vector<std::string> keys;
  for (const auto& axis : axes) keys.push_back(axis.key);
  return keys;
}

json Sweep::manifest() const {
  json axes_out = json::array();
  for (const auto& axis : axes) axes_out.push_back({{"key", axis.key}, {"values", axis.values}});
  json points_out = json::array();
  for (const auto& p : points)
    points_out.push_back({{"index", p.index}, {"id", p.id}, {"seed", p.seed}, {"values", p.values}});
  return {{"format", "metaxbar-sweep-1"}, {"origin", origin},           {"description", description},
          {"base", base},                 {"axes", axes_out},           {"seeds", seeds},
          {"set", set},                   {"constraints", constraints}, {"fingerprint", fingerprint},
          {"points", points_out}};
}

Sweep parse_sweep(const ojson& document, const std::string& origin) {
  if (!document.is_object()) throw Error(origin + ": expected a JSON object at the top level, got " + document.type_name());
  reject_unknown_keys(document, origin);
  Sweep sweep;
  sweep.origin = origin;
  if (document.contains("description")) {
    if (!document["description"].is_string()) fail(origin, "description", "expected a string");
    sweep.description = document["description"].get<std::string>();
  }
  if (!document.contains("base") || !document["base"].is_string() || document["base"].get<std::string>().empty())
    fail(origin, "base", "expected the path of the base config (relative to the current directory)");
  sweep.base = document["base"].get<std::string>();
  json base_document;
  Config base = load_base(sweep.base, origin, &base_document);

  // Fixed overrides, applied to the base once: every point starts from this config.
  const ojson set = document.value("set", ojson::object());
  if (!set.is_object()) fail(origin, "set", "expected an object {\"key\": value}, got " + set.dump());
  for (auto it = set.begin(); it != set.end(); ++it) {
    if (it.key() == "seed") fail(origin, "set.seed", "seeds come from the top-level 'seeds' list");
    check_config_value(it.key(), plain(it.value()), origin + ": set." + it.key());
    base.set(it.key(), plain(it.value()));
  }
  sweep.set = plain(set);

  const ojson axes = document.value("axes", ojson::object());
  if (!axes.is_object()) fail(origin, "axes", "expected an object {\"key\": [values] or {\"range\": [...]}}");
  for (auto it = axes.begin(); it != axes.end(); ++it) {
    const std::string path = "axes." + it.key();
    if (it.key() == "seed") fail(origin, path, "sweep seeds with the top-level 'seeds' list");
    SweepAxis axis{it.key(), parse_values(it.value(), origin, path)};
    for (size_t i = 0; i < axis.values.size(); ++i)
      check_config_value(axis.key, axis.values[i], origin + ": " + index_path(path, i));
    reject_duplicates(axis.values, origin, path);
    sweep.axes.push_back(std::move(axis));
  }

  sweep.seeds = document.contains("seeds") ? parse_seeds(document["seeds"], origin)
                                           : std::vector<uint64_t>{base.get_uint("seed")};

  // Constraints see the seed as one more dimension, the innermost.
  std::vector<SweepAxis> dimensions = sweep.axes;
  dimensions.push_back({"seed", std::vector<json>(sweep.seeds.begin(), sweep.seeds.end())});
  const ojson constraints = document.value("constraints", ojson::array());
  const std::vector<Rule> rules = parse_constraints(constraints, dimensions, origin);
  sweep.constraints = plain(constraints);

  double combinations = 1;
  for (const auto& d : dimensions) combinations *= static_cast<double>(d.values.size());
  constexpr double kMaxCombinations = 1e6;
  if (combinations > kMaxCombinations)
    fail(origin, "axes", "the axes and seeds make " + std::to_string(static_cast<uint64_t>(combinations)) +
                             " combinations, more than 1000000: split the sweep");

  // Odometer over the dimensions: the first axis varies slowest, the seed fastest, so the
  // seeds of one design point sit together in the table.
  std::vector<size_t> digits(dimensions.size(), 0);
  std::map<std::string, size_t> ids;
  for (bool more = true; more;) {
    if (admitted(rules, digits)) {
      SweepPoint point;
      point.index = sweep.points.size();
      point.values = json::object();
      for (size_t a = 0; a < sweep.axes.size(); ++a) point.values[sweep.axes[a].key] = sweep.axes[a].values[digits[a]];
      point.seed = sweep.seeds[digits.back()];
      point.id = point_id(point.values, point.seed);
      const auto [clash, fresh] = ids.emplace(point.id, point.index);
      if (!fresh)
        fail(origin, "axes", "points " + std::to_string(clash->second) + " and " + std::to_string(point.index) +
                                 " hash to the same id " + point.id);
      sweep.points.push_back(std::move(point));
    }
    size_t d = digits.size();
    for (more = false; d-- > 0;) {
      if (++digits[d] < dimensions[d].values.size()) {
        more = true;
        break;
      }
      digits[d] = 0;
    }
  }
  if (sweep.points.empty()) fail(origin, "constraints", "every point is excluded");

  json axes_canonical = json::array();
  for (const auto& axis : sweep.axes) axes_canonical.push_back({axis.key, canonical(json(axis.values))});
  const json identity = {{"base", base_document}, {"set", sweep.set},     {"axes", axes_canonical},
                         {"seeds", sweep.seeds},  {"constraints", sweep.constraints}};
  sweep.fingerprint = hex(fnv1a(identity.dump()), 16);
  sweep.start = std::move(base);
  return sweep;
}

json Sweep::point_config(const SweepPoint& point) const {
  Config config = start;
  for (const auto& axis : axes) config.set(axis.key, point.values.at(axis.key));
  config.set("seed", point.seed);
  return config.resolved();
}

Sweep load_sweep(const std::string& path) {
  bool ok = false;
  const std::string text = read_text(path, &ok);
  if (!ok) throw Error(path + ": cannot open sweep file");
  ojson document;
  try {
    document = ojson::parse(text);
  } catch (const ojson::parse_error& e) {
    throw Error(path + ": not valid JSON: " + e.what());
  }
  return parse_sweep(document, path);
}

Sweep sweep_from_manifest(const json& manifest, const std::string& origin) {
  try {
    if (manifest.at("format") != "metaxbar-sweep-1") throw Error(origin + ": unknown format " + manifest["format"].dump());
    Sweep sweep;
    sweep.origin = manifest.at("origin").get<std::string>();
    sweep.description = manifest.at("description").get<std::string>();
    sweep.base = manifest.at("base").get<std::string>();
    for (const auto& axis : manifest.at("axes"))
      sweep.axes.push_back({axis.at("key").get<std::string>(), axis.at("values").get<std::vector<json>>()});
    sweep.seeds = manifest.at("seeds").get<std::vector<uint64_t>>();
    sweep.set = manifest.at("set");
    sweep.constraints = manifest.at("constraints");
    sweep.fingerprint = manifest.at("fingerprint").get<std::string>();
    for (const auto& p : manifest.at("points")) {
      SweepPoint point;
      point.index = p.at("index").get<size_t>();
      point.id = p.at("id").get<std::string>();
      point.seed = p.at("seed").get<uint64_t>();
      point.values = p.at("values");
      if (point.index != sweep.points.size()) throw Error(origin + ": points out of order at " + point.id);
      sweep.points.push_back(std::move(point));
    }
    return sweep;
  } catch (const json::exception& e) {
    throw Error(origin + ": not a sweep manifest: " + e.what());
  }
}

Shard parse_shard(const std::string& text) {
  const std::string usage = "--shard '" + text + "': expected I/N with 0 <= I < N, e.g. 0/4";
  const size_t slash = text.find('/');
  auto number = [&](const std::string& part) {
    const bool digits = std::all_of(part.begin(), part.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
    if (part.empty() || part.size() > 9 || !digits) throw Error(usage);
    return static_cast<size_t>(std::stoul(part));
  };
  if (slash == std::string::npos) throw Error(usage);
  Shard shard{number(text.substr(0, slash)), number(text.substr(slash + 1))};
  if (shard.count == 0 || shard.index >= shard.count) throw Error(usage);
  return shard;
}

std::string Shard::table_stem() const {
  if (count == 1) return "results";
  return "results-shard-" + std::to_string(index) + "-of-" + std::to_string(count);
}

// ---- results tables ----

const std::vector<std::string>& metric_columns() {
  static const std::vector<std::string> columns = {"accuracy.final_mean",
                                                    "energy_pj.total",
                                                    "energy_pj.update",
                                                    "latency.cycles_per_sample.train",
                                                    "latency.cycles_per_sample.test",
                                                    "memory_bits.consolidation_total",
                                                    "updates.max_writes_per_device",
                                                    "updates.write_pulses",
                                                    "wall_s"};
  return columns;
}

std::string value_label(const json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

std::string point_dir(const std::string& out_dir, const SweepPoint& point) { return out_dir + "/points/" + point.id; }

namespace {

// What a failed run said: its "metaxbar: error:" line, else its first line.
std::string failure_reason(const std::string& stderr_path) {
  bool ok = false;
  std::istringstream text(read_text(stderr_path, &ok));
  const std::string prefix = "metaxbar: error: ";
  std::string line, first;
  while (std::getline(text, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
    if (first.empty()) first = line;
  }
  return first;
}

std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string csv_line(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + csv_cell(cells[i]);
  return line + "\n";
}

std::string number_cell(const json& row_metrics, const std::string& column) {
  return row_metrics.contains(column) ? row_metrics[column].dump() : std::string();
}

}  // namespace

ResultRow read_point_row(const SweepPoint& point, const std::string& dir, const std::string& fallback_error) {
  ResultRow row;
  row.index = point.index;
  row.point = point.id;
  row.values = point.values;
  row.seed = point.seed;
  bool present = false;
  const std::string text = read_text(dir + "/summary.json", &present);
  const json summary = present ? json::parse(text, nullptr, false) : json();
  if (present && summary.is_object()) {
    row.status = "ok";
    for (const auto& column : metric_columns())
      if (const json* value = find_path(summary, column); value && value->is_number()) row.metrics[column] = *value;
    return row;
  }
  row.status = "failed";
  row.error = present ? "summary.json is not valid JSON" : failure_reason(dir + "/stderr.txt");
  if (row.error.empty()) row.error = fallback_error.empty() ? "no summary.json" : fallback_error;
  return row;
}

std::string results_csv(const std::vector<std::string>& axis_keys, const std::vector<ResultRow>& rows) {
  std::vector<std::string> header = {"point", "index"};
  header.insert(header.end(), axis_keys.begin(), axis_keys.end());
  header.insert(header.end(), {"seed", "status", "error"});
  header.insert(header.end(), metric_columns().begin(), metric_columns().end());
  std::string csv = csv_line(header);
  for (const auto& row : rows) {
    std::vector<std::string> cells = {row.point, std::to_string(row.index)};
    for (const auto& key : axis_keys) cells.push_back(row.values.contains(key) ? value_label(row.values[key]) : "");
    cells.insert(cells.end(), {std::to_string(row.seed), row.status, row.error});
    for (const auto& column : metric_columns()) cells.push_back(number_cell(row.metrics, column));
    csv += csv_line(cells);
  }
  return csv;
}

std::string results_jsonl(const std::vector<std::string>& axis_keys, const std::vector<ResultRow>& rows) {
  std::string text;
  for (const auto& row : rows) {
    ojson line = ojson::object();
    line["point"] = row.point;
    line["index"] = row.index;
    for (const auto& key : axis_keys) line[key] = row.values.contains(key) ? ojson::parse(row.values[key].dump()) : ojson();
    line["seed"] = row.seed;
    line["status"] = row.status;
    line["error"] = row.error.empty() ? ojson() : ojson(row.error);
    for (const auto& column : metric_columns())
      line[column] = row.metrics.contains(column) ? ojson::parse(row.metrics[column].dump()) : ojson();
    text += line.dump() + "\n";
  }
  return text;
}

std::vector<ResultRow> parse_results_jsonl(const std::string& text, const std::vector<std::string>& axis_keys,
                                           const std::string& origin) {
  std::vector<ResultRow> rows;
  std::istringstream lines(text);
  std::string line;
  for (size_t number = 1; std::getline(lines, line); ++number) {
    if (line.empty()) continue;
    const std::string where = origin + ":" + std::to_string(number);
    const json item = json::parse(line, nullptr, false);
    if (!item.is_object()) throw Error(where + ": not a JSON object");
    try {
      ResultRow row;
      row.point = item.at("point").get<std::string>();
      row.index = item.at("index").get<size_t>();
      row.seed = item.at("seed").get<uint64_t>();
      row.status = item.at("status").get<std::string>();
      if (row.status != "ok" && row.status != "failed") throw Error(where + ": status " + item["status"].dump());
      if (item.at("error").is_string()) row.error = item["error"].get<std::string>();
      for (const auto& key : axis_keys) row.values[key] = item.at(key);
      for (const auto& column : metric_columns())
        if (item.contains(column) && item[column].is_number()) row.metrics[column] = item[column];
      rows.push_back(std::move(row));
    } catch (const json::exception& e) {
      throw Error(where + ": not a results row: " + e.what());
    }
  }
  return rows;
}

void write_results(const std::string& dir, const std::string& stem, const std::vector<std::string>& axis_keys,
                   const std::vector<ResultRow>& rows) {
  write_file_atomically(dir + "/" + stem + ".csv", results_csv(axis_keys, rows));
  write_file_atomically(dir + "/" + stem + ".jsonl", results_jsonl(axis_keys, rows));
}

// ---- Pareto fronts ----

namespace {

// Design points (ok rows grouped by axis values, in first-seen order) with seed means.
std::vector<ParetoEntry> design_points(const std::vector<ResultRow>& rows, const std::string& cost_column) {
  std::vector<ParetoEntry> points;
  std::map<std::string, size_t> slot;
  for (const auto& row : rows) {
    if (row.status != "ok" || !row.metrics.contains("accuracy.final_mean") || !row.metrics.contains(cost_column))
      continue;
    const auto [it, fresh] = slot.emplace(canonical(row.values).dump(), points.size());
    if (fresh) points.push_back({row.values, 0, 0, 0});
    ParetoEntry& entry = points[it->second];
    entry.seeds += 1;
    entry.accuracy += row.metrics["accuracy.final_mean"].get<double>();
    entry.cost += row.metrics[cost_column].get<double>();
  }
  for (auto& entry : points) entry.accuracy /= entry.seeds, entry.cost /= entry.seeds;
  return points;
}

bool dominates(const ParetoEntry& a, const ParetoEntry& b) {
  return a.accuracy >= b.accuracy && a.cost <= b.cost && (a.accuracy > b.accuracy || a.cost < b.cost);
}

}  // namespace

std::vector<ParetoFront> pareto_fronts(const std::vector<ResultRow>& rows) {
  const std::string stand_in = "updates.write_pulses";
  std::vector<ParetoFront> fronts;
  for (const std::string column : {"energy_pj.total", "energy_pj.update"}) {
    const bool present = std::any_of(rows.begin(), rows.end(), [&](const ResultRow& r) {
      return r.status == "ok" && r.metrics.contains(column);
    });
    ParetoFront front;
    front.cost_column = present ? column : stand_in;
    if (!present) front.note = column + " absent: front on " + stand_in + " instead";
    if (std::any_of(fronts.begin(), fronts.end(), [&](const ParetoFront& f) { return f.cost_column == front.cost_column; })) {
      fronts.back().note = "energy_pj.total and energy_pj.update absent: front on " + stand_in + " instead";
      continue;
    }
    const std::vector<ParetoEntry> candidates = design_points(rows, front.cost_column);
    for (const auto& candidate : candidates)
      if (std::none_of(candidates.begin(), candidates.end(), [&](const ParetoEntry& other) { return dominates(other, candidate); }))
        front.entries.push_back(candidate);
    std::stable_sort(front.entries.begin(), front.entries.end(),
                     [](const ParetoEntry& a, const ParetoEntry& b) { return a.cost < b.cost; });
    fronts.push_back(std::move(front));
  }
  return fronts;
}

std::string pareto_csv(const std::vector<std::string>& axis_keys, const std::vector<ParetoFront>& fronts) {
  std::vector<std::string> header = {"cost_column"};
  header.insert(header.end(), axis_keys.begin(), axis_keys.end());
  header.insert(header.end(), {"seeds", "accuracy.final_mean", "cost", "note"});
  std::string csv = csv_line(header);
  for (const auto& front : fronts) {
    for (const auto& entry : front.entries) {
      std::vector<std::string> cells = {front.cost_column};
      for (const auto& key : axis_keys) cells.push_back(entry.values.contains(key) ? value_label(entry.values[key]) : "");
      cells.insert(cells.end(), {std::to_string(entry.seeds), json(entry.accuracy).dump(), json(entry.cost).dump(), front.note});
      csv += csv_line(cells);
    }
  }
  return csv;
}

// ---- running points ----

namespace {

// The first key (dotted) whose value differs between two configs; keys only one side has
// are skipped, so a newer build that adds keys can still resume an older sweep.
std::string first_difference(const json& a, const json& b, const std::string& prefix) {
  if (a.is_object() && b.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key())) continue;
      const std::string found = first_difference(it.value(), b[it.key()], prefix.empty() ? it.key() : prefix + "." + it.key());
      if (!found.empty()) return found;
    }
    return "";
  }
  return a == b ? "" : (prefix.empty() ? "(the whole config)" : prefix);
}

// SIGCHLD is blocked while points run, so a child's exit wakes sigtimedwait instead of
// being lost between checking and waiting.
class ChildSignalBlock {
 public:
  ChildSignalBlock() {
    sigset_t child;
    sigemptyset(&child);
    sigaddset(&child, SIGCHLD);
    sigprocmask(SIG_BLOCK, &child, &saved_);
  }
  ~ChildSignalBlock() { sigprocmask(SIG_SETMASK, &saved_, nullptr); }
  void wait(double seconds) {
    sigset_t child;
    sigemptyset(&child);
    sigaddset(&child, SIGCHLD);
    timespec timeout{static_cast<time_t>(seconds), static_cast<long>((seconds - std::floor(seconds)) * 1e9)};
    sigtimedwait(&child, nullptr, &timeout);
  }

 private:
  sigset_t saved_;
};

// `metaxbar run DIR/config.json --out DIR`, stdout and stderr into DIR.
pid_t start_point(const std::string& executable, const std::string& dir) {
  const std::string config = dir + "/config.json", out = dir + "/stdout.txt", err = dir + "/stderr.txt";
  const std::string exec_failed = "metaxbar: error: cannot execute '" + executable + "'\n";
  std::vector<std::string> args = {executable, "run", config, "--out", dir};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw Error(std::string("cannot start a point: fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Only async-signal-safe calls here. A point dies with its sweep: a killed sweep that
    // is restarted must not race its own orphans for the same point directory.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int in_fd = ::open("/dev/null", O_RDONLY);
    const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in_fd < 0 || out_fd < 0 || err_fd < 0) ::_exit(126);
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::execv(executable.c_str(), argv.data());
    ssize_t ignored = ::write(2, exec_failed.data(), exec_failed.size());
    (void)ignored;
    ::_exit(127);
  }
  return pid;
}

std::string exit_description(int status) {
  if (WIFSIGNALED(status)) return std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
                                  strsignal(WTERMSIG(status)) + ")";
  return "exited with status " + std::to_string(WEXITSTATUS(status)) + " without writing summary.json";
}

bool has_summary(const std::string& dir) {
  bool present = false;
  const std::string text = read_text(dir + "/summary.json", &present);
  return present && json::parse(text, nullptr, false).is_object();
}

// Writes config.json of each point to run; refuses a directory whose finished run was made
// from another config (the sweep file changed its base or overrides since). A refusal
// stops the sweep before any point runs.
std::vector<size_t> prepare_points(const Sweep& sweep, const SweepRunOptions& options, size_t* reused) {
  std::vector<size_t> pending;
  for (const auto& point : sweep.points) {
    if (!options.shard.contains(point.index)) continue;
    const std::string dir = point_dir(options.out_dir, point);
    const json config = sweep.point_config(point);
    if (has_summary(dir)) {
      bool present = false;
      const std::string text = read_text(dir + "/config.json", &present);
      const json recorded = present ? json::parse(text, nullptr, false) : json();
      const std::string differs = recorded.is_object() ? first_difference(recorded, config, "") : "";
      if (!differs.empty()) {
        auto shown = [&](const json& document) {
          const json* value = find_path(document, differs);
          return value ? value->dump() : std::string("absent");
        };
        throw Error(dir + ": holds a finished run of a different config ('" + differs + "' is " + shown(recorded) +
                    " there, " + shown(config) + " in " + sweep.origin + "); use another --out or delete that directory");
      }
      ++*reused;
      continue;
    }
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error("cannot create directory '" + dir + "': " + ec.message());
    write_file_atomically(dir + "/config.json", config.dump(2) + "\n");
    pending.push_back(point.index);
  }
  return pending;
}

}  // namespace

SweepRunReport run_sweep(const Sweep& sweep, const SweepRunOptions& options) {
  if (options.jobs == 0) throw Error("-j: expected at least 1 worker");
  if (options.executable.empty()) throw Error("internal: run_sweep without an executable");
  std::error_code ec;
  fs::create_directories(options.out_dir + "/points", ec);
  if (ec) throw Error("cannot create directory '" + options.out_dir + "/points': " + ec.message());

  SweepProgress progress;
  for (const auto& point : sweep.points) progress.total += options.shard.contains(point.index);
  const std::vector<size_t> pending = prepare_points(sweep, options, &progress.reused);
  write_file_atomically(options.out_dir + "/sweep.json", sweep.manifest().dump(2) + "\n");
  progress.finished = progress.reused;

  const auto start = std::chrono::steady_clock::now();
  std::map<size_t, std::string> failures;  // point index -> how its process ended
  std::map<pid_t, size_t> running;         // pid -> point index
  size_t next = 0, finished_here = 0;
  auto report = [&] {
    if (!options.on_progress) return;
    progress.running = running.size();
    progress.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const size_t left = pending.size() - finished_here;
    progress.eta_s = finished_here ? progress.elapsed_s / static_cast<double>(finished_here) * static_cast<double>(left) : -1;
    options.on_progress(progress);
  };

  ChildSignalBlock block;
  report();
  while (next < pending.size() || !running.empty()) {
    while (running.size() < options.jobs && next < pending.size()) {
      const size_t index = pending[next++];
      running.emplace(start_point(options.executable, point_dir(options.out_dir, sweep.points[index])), index);
    }
    report();
    bool reaped = false;
    for (auto it = running.begin(); it != running.end();) {
      int status = 0;
      const pid_t done = ::waitpid(it->first, &status, WNOHANG);
      if (done == 0 || (done < 0 && errno == EINTR)) {
        ++it;
        continue;
      }
      const std::string dir = point_dir(options.out_dir, sweep.points[it->second]);
      const bool ok = done > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 && has_summary(dir);
      if (!ok) {
        failures[it->second] = done > 0 ? exit_description(status) : std::string("lost track of its process");
        ++progress.failed;
      }
      ++progress.finished;
      ++finished_here;
      reaped = true;
      it = running.erase(it);
    }
    if (!reaped && !running.empty()) block.wait(1.0);
  }
  report();

  SweepRunReport result;
  result.reused = progress.reused;
  for (const auto& point : sweep.points) {
    if (!options.shard.contains(point.index)) continue;
    const auto failure = failures.find(point.index);
    result.rows.push_back(read_point_row(point, point_dir(options.out_dir, point),
                                         failure == failures.end() ? std::string() : failure->second));
    (result.rows.back().status == "ok" ? result.ok : result.failed) += 1;
  }
  return result;
}

// ---- merging shard tables ----

MergeResult merge_shards(const std::vector<std::string>& dirs) {
  if (dirs.empty()) throw Error("merge: expected at least one sweep directory");
  MergeResult merged;
  std::map<std::string, ResultRow> found;  // point id -> its row, an ok one when any table has one
  for (size_t d = 0; d < dirs.size(); ++d) {
    const std::string manifest_path = dirs[d] + "/sweep.json";
    bool present = false;
    const json manifest = json::parse(read_text(manifest_path, &present), nullptr, false);
    if (!present) throw Error(dirs[d] + ": no sweep.json (not the --out directory of a sweep?)");
    Sweep sweep = sweep_from_manifest(manifest, manifest_path);
    if (d == 0) {
      merged.sweep = std::move(sweep);
    } else if (sweep.fingerprint != merged.sweep.fingerprint || sweep.points.size() != merged.sweep.points.size()) {
      throw Error("merge: " + dirs[d] + " holds a different sweep than " + dirs[0] + " (" + sweep.origin + " vs " +
                  merged.sweep.origin + ", fingerprints " + sweep.fingerprint + " and " + merged.sweep.fingerprint + ")");
    }
    // The whole-sweep table first, then the shard tables, which are at least as new.
    std::vector<std::string> tables;
    if (fs::exists(dirs[d] + "/results.jsonl")) tables.push_back(dirs[d] + "/results.jsonl");
    std::vector<std::string> shards;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dirs[d], ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("results-shard-", 0) == 0 && name.size() > 6 && name.substr(name.size() - 6) == ".jsonl")
        shards.push_back(dirs[d] + "/" + name);
    }
    std::sort(shards.begin(), shards.end());
    tables.insert(tables.end(), shards.begin(), shards.end());
    for (const auto& table : tables) {
      bool readable = false;
      const std::string text = read_text(table, &readable);
      if (!readable) throw Error(table + ": cannot read");
      for (auto& row : parse_results_jsonl(text, merged.sweep.axis_keys(), table)) {
        if (row.index >= merged.sweep.points.size() || merged.sweep.points[row.index].id != row.point)
          throw Error(table + ": point " + row.point + " (index " + std::to_string(row.index) +
                      ") is not a point of this sweep: a table left from an earlier sweep? delete it");
        auto it = found.find(row.point);
        if (it == found.end()) found.emplace(row.point, std::move(row));
        else if (it->second.status != "ok") it->second = std::move(row);
      }
      merged.tables.push_back(table);
    }
  }
  std::vector<std::string> missing;
  for (const auto& point : merged.sweep.points) {
    const auto it = found.find(point.id);
    if (it == found.end()) missing.push_back(point.id + " (index " + std::to_string(point.index) + ")");
    else merged.rows.push_back(it->second);
  }
  if (!missing.empty()) {
    std::string list;
    constexpr size_t kShown = 10;
    for (size_t i = 0; i < missing.size() && i < kShown; ++i) list += (i ? ", " : "") + missing[i];
    if (missing.size() > kShown) list += ", and " + std::to_string(missing.size() - kShown) + " more";
    throw Error("merge: " + std::to_string(missing.size()) + " of " + std::to_string(merged.sweep.points.size()) +
                " points have no row in the " + std::to_string(merged.tables.size()) +
                " tables read: " + list + "; run their shards (or pass the directories that hold them)");
  }
  return merged;
}

// ---- Slurm ----

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

size_t slurm_shard_count(const Sweep& sweep, const SlurmOptions& options) {
  if (options.shards == 0) return std::min(sweep.points.size(), kMaxDefaultShards);
  if (options.shards > sweep.points.size())
    throw Error("--shards " + std::to_string(options.shards) + ": the sweep has only " +
                std::to_string(sweep.points.size()) + " points");
  return options.shards;
}

std::string slurm_script(const std::string& executable, const std::string& sweep_path, const std::string& out_dir,
                         const std::string& work_dir, const std::string& job_name, size_t shards,
                         const SlurmOptions& options) {
  // #SBATCH lines are not shell words: a space would cut an option short, '%' is a pattern.
  auto plain_word = [](const std::string& what, const std::string& text) {
    if (text.find_first_of(" \t\n\r%") != std::string::npos)
      throw Error("--slurm: " + what + " '" + text + "' contains whitespace or '%', which an #SBATCH line cannot carry");
  };
  for (const std::string* text : {&executable, &sweep_path, &job_name})
    if (text->find_first_of("\n\r") != std::string::npos) throw Error("--slurm: a line break in '" + *text + "'");
  plain_word("the job name", job_name);
  plain_word("the output directory", out_dir);
  plain_word("the working directory", work_dir);
  plain_word("--partition", options.partition);
  plain_word("--time", options.time);
  const std::string n = std::to_string(shards);
  std::ostringstream script;
  script << "#!/bin/bash\n"
         << "# Written by `metaxbar sweep --slurm`: one array task per shard of " << sweep_path << ".\n"
         << "# When every task has finished: " << shell_quote(executable) << " sweep merge " << shell_quote(out_dir)
         << "\n"
         << "#SBATCH --job-name=" << job_name << "\n"
         << "#SBATCH --array=0-" << shards - 1 << "\n"
         << "#SBATCH --output=" << out_dir << "/slurm/shard-%a-of-" << n << ".out\n"
         << "#SBATCH --chdir=" << work_dir << "\n";
  if (!options.partition.empty()) script << "#SBATCH --partition=" << options.partition << "\n";
  if (!options.time.empty()) script << "#SBATCH --time=" << options.time << "\n";
  if (options.cpus_per_task) script << "#SBATCH --cpus-per-task=" << options.cpus_per_task << "\n";
  script << "exec " << shell_quote(executable) << " sweep " << shell_quote(sweep_path) << " --out "
         << shell_quote(out_dir) << " --shard \"${SLURM_ARRAY_TASK_ID}/" << n << "\" -j \"${SLURM_CPUS_PER_TASK:-1}\"\n";
  return script.str();
}

}  // namespace mx
