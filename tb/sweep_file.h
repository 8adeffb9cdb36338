#pragma once
// The sweep file: a base config, axes (config keys and their values), seeds, fixed
// overrides and constraints. Loading a sweep validates every value its points are made of
// (base, overrides, axis values, seeds) against the config schema, which checks key by key,
// so every combination is valid too and a bad sweep fails before any point runs; the
// configs themselves are built (through mx::Config again) just before a run starts its points.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"

namespace mx {

struct SweepAxis {
  std::string key;  // a config key, dotted: "tile.rows"
  std::vector<json> values;
};

struct SweepPoint {
  size_t index = 0;  // position in the sweep's point order (after constraints)
  std::string id;    // hash of the axis values and the seed: survives adding axis values
  json values;       // axis key -> value
  uint64_t seed = 0;
};

struct Sweep {
  std::string origin;  // the file name used in error messages
  std::string description;
  std::string base;  // as written in the sweep file (relative to the current directory)
  std::vector<SweepAxis> axes;
  std::vector<uint64_t> seeds;
  json set = json::object();
  json constraints = json::array();
  // Hash of everything that decides the points' configs; merge refuses tables of another sweep.
  std::string fingerprint;
  std::vector<SweepPoint> points;
  // The base with `set` applied: every point's config starts here.
  Config start;

  std::vector<std::string> axis_keys() const;
  // The fully resolved config of a point, built when needed: a sweep of many thousand
  // points would not fit in memory with every config at once. Every value was validated
  // when the sweep was loaded, so this does not fail.
  json point_config(const SweepPoint& point) const;
  // The resolved description written to DIR/sweep.json.
  json manifest() const;
};

// Reads, validates and expands a sweep file. Errors name the file and the JSON path:
// "s.json: axes.adc.bits[2]: 'adc.bits': expected an integer in [0, 16], got 40".
Sweep load_sweep(const std::string& path);
// The same from a document already in memory (object key order = axis order).
Sweep parse_sweep(const nlohmann::ordered_json& document, const std::string& origin);
// A sweep read back from DIR/sweep.json: axes, fingerprint and points (no base config).
Sweep sweep_from_manifest(const json& manifest, const std::string& origin);

}  // namespace mx
