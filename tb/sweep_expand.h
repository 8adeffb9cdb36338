#pragma once
// Expanding a sweep's axes into points: value lists and ranges, the constraints that drop
// combinations, and the odometer that orders the rest (first axis slowest, seed fastest).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "tb/sweep_file.h"

namespace mx {

// A value list: [v, ...] or {"range": [start, stop, step]} (stop included).
std::vector<json> parse_values(const nlohmann::ordered_json& spec, const std::string& origin, const std::string& path);
// Errors at path[i] when two values are the same to the config (8 and 8.0).
void reject_duplicates(const std::vector<json>& values, const std::string& origin, const std::string& path);
// Hash of the axis values and the seed: survives adding axis values.
std::string point_id(const json& values, uint64_t seed);
// The points of the axes and seeds that the constraints admit, in sweep order.
std::vector<SweepPoint> expand_points(const std::vector<SweepAxis>& axes, const std::vector<uint64_t>& seeds,
                                      const nlohmann::ordered_json& constraints, const std::string& origin);

}  // namespace mx
