#pragma once
// The quantized weights a crossbar layer can hold, as System B's digital unit sees them
// (SPEC §2): one weight per device level, read out through the array's mapping
// W = R_f·G − R_f/R_b, so the lowest and highest levels are −w_max and +w_max. The unit
// rounds a hidden weight to the nearest of these and, for metaplasticity, locates it in
// the quantization interval [Q_i, Q_i+1] between two neighbouring levels.
#include <vector>

#include "device/synapse_array.h"

namespace mx {

class LevelGrid {
 public:
  // Level weights of `array`'s level table; System B programs one device per weight, so
  // the array must have n_mem = 1 (an mx::Error naming device.n_mem otherwise).
  explicit LevelGrid(const SynapseArray& array);
  // Any strictly increasing list of at least two level weights.
  explicit LevelGrid(std::vector<double> level_weights);

  size_t size() const { return levels_.size(); }
  double weight(unsigned level) const { return levels_[level]; }
  const std::vector<double>& weights() const { return levels_; }
  // Largest level magnitude: the w_max of the mapping.
  double w_max() const { return w_max_; }

  // The level nearest to w (ties go to the higher level); beyond the ends, the end level.
  unsigned nearest(double w) const;
  // Whether w still rounds to `level` (the common case after a small step: no search).
  bool rounds_to(double w, unsigned level) const {
    return (level == 0 || w >= thresholds_[level - 1]) && (level + 1 == levels_.size() || w < thresholds_[level]);
  }
  // The interval i with Q_i <= w < Q_i+1; below Q_0 or above the top level, the outermost
  // interval on that side, so a hidden weight beyond the grid still has an interval.
  unsigned interval(double w) const;

 private:
  void check_and_index();
  std::vector<double> levels_;
  std::vector<double> thresholds_;  // midpoints between neighbouring levels
  double w_max_ = 0;
};

}  // namespace mx
