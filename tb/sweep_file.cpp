#include "tb/sweep_file.h"

#include <cmath>
#include <map>

#include "common/error.h"
#include "config/config.h"
#include "tb/sweep_expand.h"
#include "tb/sweep_util.h"

namespace mx {
namespace {

using namespace sweep_detail;

// Validates one value of one key against the schema; the message carries `where`.
void check_config_value(const std::string& key, const json& value, const std::string& where) {
  json document = json::object();
  assign_path(document, key, value);
  Config::from_json(document, where);
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

  const ojson constraints = document.value("constraints", ojson::array());
  sweep.points = expand_points(sweep.axes, sweep.seeds, constraints, origin);
  sweep.constraints = plain(constraints);

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

}  // namespace mx
