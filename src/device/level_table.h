#pragma once
// The multi-level memristor as a table of programmable levels, each a resistance mean and a
// cycle-to-cycle / device-to-device standard deviation (SPEC §1.6). Levels are kept in order
// of increasing conductance: level 0 maps to -w_max, the last level to +w_max.
#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mx {

struct Level {
  double r_ohm = 0;      // mean resistance
  double r_std_ohm = 0;  // standard deviation of a programmed (or initial) resistance
};

// Levels beyond this are no device anyone has measured, and each costs a boundary.
constexpr size_t kMaxLevels = 1024;

class LevelTable {
 public:
  LevelTable() = default;
  // `levels` in either monotonic order; anything else is an error naming `origin`.
  LevelTable(std::vector<Level> levels, const std::string& origin);

  // Evenly spaced conductances (what program-and-verify targets) or evenly spaced
  // resistances, from g_min to g_max, sigma a fraction of each level's mean resistance.
  static LevelTable generate(size_t count, double g_min_us, double g_max_us, double sigma_frac,
                             bool even_in_conductance);
  // The `device.levels` config value: a generator object, an array of {r_ohm, r_std_ohm},
  // or a path to a CSV (header r_ohm,r_std_ohm) or JSON file holding such an array.
  static LevelTable from_config(const nlohmann::json& value, const std::string& json_path);
  static LevelTable from_file(const std::string& path);

  size_t size() const { return levels_.size(); }
  const Level& operator[](size_t i) const { return levels_[i]; }
  const std::vector<Level>& levels() const { return levels_; }

  // The level whose mean resistance is nearest to r: what a read-and-snap returns.
  unsigned nearest_level(double r_ohm) const {
    // Boundaries are midpoints between neighbouring means, in decreasing resistance: the
    // level is the number of boundaries above r, found by bisection (a 1024-level table
    // costs 10 comparisons per pulse, not 1023).
    const auto first_not_above = std::partition_point(boundaries_.begin(), boundaries_.end(),
                                                      [r_ohm](double boundary) { return r_ohm < boundary; });
    return static_cast<unsigned>(first_not_above - boundaries_.begin());
  }

  nlohmann::json to_json() const;

 private:
  std::vector<Level> levels_;
  std::vector<double> boundaries_;
};

}  // namespace mx
