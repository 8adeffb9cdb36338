#include "tb/sweep_expand.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "tb/sweep_util.h"

namespace mx {
namespace {

using namespace sweep_detail;

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

}  // namespace

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

std::string point_id(const json& values, uint64_t seed) {
  return hex(fnv1a(json{{"seed", seed}, {"values", canonical(values)}}.dump()), 12);
}

std::vector<SweepPoint> expand_points(const std::vector<SweepAxis>& axes, const std::vector<uint64_t>& seeds,
                                      const ojson& constraints, const std::string& origin) {
  // Constraints see the seed as one more dimension, the innermost.
  std::vector<SweepAxis> dimensions = axes;
  dimensions.push_back({"seed", std::vector<json>(seeds.begin(), seeds.end())});
  const std::vector<Rule> rules = parse_constraints(constraints, dimensions, origin);

  double combinations = 1;
  for (const auto& d : dimensions) combinations *= static_cast<double>(d.values.size());
  constexpr double kMaxCombinations = 1e6;
  if (combinations > kMaxCombinations)
    fail(origin, "axes", "the axes and seeds make " + std::to_string(static_cast<uint64_t>(combinations)) +
                             " combinations, more than 1000000: split the sweep");

  // Odometer over the dimensions: the first axis varies slowest, the seed fastest, so the
  // seeds of one design point sit together in the table.
  std::vector<SweepPoint> points;
  std::vector<size_t> digits(dimensions.size(), 0);
  std::map<std::string, size_t> ids;
  for (bool more = true; more;) {
    if (admitted(rules, digits)) {
      SweepPoint point;
      point.index = points.size();
      point.values = json::object();
      for (size_t a = 0; a < axes.size(); ++a) point.values[axes[a].key] = axes[a].values[digits[a]];
      point.seed = seeds[digits.back()];
      point.id = point_id(point.values, point.seed);
      const auto [clash, fresh] = ids.emplace(point.id, point.index);
      if (!fresh)
        fail(origin, "axes", "points " + std::to_string(clash->second) + " and " + std::to_string(point.index) +
                                 " hash to the same id " + point.id);
      points.push_back(std::move(point));
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
  if (points.empty()) fail(origin, "constraints", "every point is excluded");
  return points;
}

}  // namespace mx
