#pragma once
// Measured pulse outcomes: for every level and pulse polarity, the probability of each level
// after the pulse, from a CSV of counts (level_before,pulse,level_after,count; pulse is
// "set" or "reset"). `metaxbar device fit` writes such a file from raw cycling data; a run
// reads it with device.transitions. A (level, pulse) pair the data never saw keeps the
// table-free behaviour: one level up or down, clamped at the ends.
#include <cstdint>
#include <string>
#include <vector>

namespace mx {

class TransitionTable {
 public:
  TransitionTable() = default;
  // counts[level][pulse][after], pulse 0 = RESET, 1 = SET; all rows the same level count.
  TransitionTable(std::vector<std::vector<std::vector<uint64_t>>> counts, const std::string& origin);
  static TransitionTable from_file(const std::string& path);

  size_t levels() const { return counts_.size(); }
  // The level after a pulse from `level` (+1 SET, -1 RESET), `u` uniform in [0, 1).
  unsigned outcome(unsigned level, int direction, double u) const;
  uint64_t count(unsigned level, int direction, unsigned after) const {
    return counts_[level][direction > 0][after];
  }
  double probability(unsigned level, int direction, unsigned after) const;
  // The CSV form from_file reads back.
  std::string to_csv() const;

 private:
  std::vector<std::vector<std::vector<uint64_t>>> counts_;
  std::vector<std::vector<uint64_t>> totals_;
};

}  // namespace mx
