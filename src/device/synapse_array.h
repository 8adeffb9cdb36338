#pragma once
// The memristive devices of one crossbar layer: rows are presynaptic inputs (word lines),
// columns are postsynaptic neurons (bit lines), and every crosspoint is a synapse of n_mem
// devices in parallel (SPEC §1.6). The array keeps each device's actual resistance — the
// physical state — and a cached weight per synapse that the read path uses.
#include <cstdint>
#include <vector>

#include "common/random.h"
#include "device/level_table.h"

namespace mx {

struct DeviceOptions {
  unsigned n_mem = 1;
  double w_max = 1.0;            // weight of the all-highest-conductance synapse
  double init_range = 1.0;       // initial weights spread over [-init_range, init_range]
  double stuck_at_low = 0.0;     // fraction of devices stuck at level 0
  double stuck_at_high = 0.0;    // fraction of devices stuck at the top level
  uint64_t endurance_cycles = 0; // pulses until a device wears out; 0 = never
  double read_noise = 0.0;       // relative sigma of a controller read
  double nonlinearity = 0.0;     // soft-bound failure probability scale
};

struct PulseResult {
  bool applied = false;  // false: the device is stuck, worn out or the pulse failed
  bool set = false;      // SET (toward higher conductance) or RESET
};

class SynapseArray {
 public:
  SynapseArray(size_t rows, size_t cols, const LevelTable& table, const DeviceOptions& options, Rng& init_rng);

  size_t rows() const { return rows_; }
  size_t cols() const { return cols_; }
  unsigned n_mem() const { return options_.n_mem; }
  size_t device_count() const { return resistance_.size(); }
  const DeviceOptions& options() const { return options_; }
  const LevelTable& table() const { return table_; }

  // Cached weights, row-major: a read of the word lines of spiking inputs adds whole rows.
  const float* weight_row(size_t row) const { return &weight_[row * cols_]; }
  float weight(size_t row, size_t col) const { return weight_[row * cols_ + col]; }
  const std::vector<float>& weights() const { return weight_; }

  // A controller read of one synapse (read noise applied per device when configured).
  float read_weight(size_t row, size_t col, Rng& rng) const;

  // One write pulse on device k of synapse (row, col): read the device, snap to the nearest
  // level, move one level in `direction` (+1 SET / -1 RESET, clamped at the ends) and
  // redraw the resistance from that level's distribution (cycle-to-cycle variability).
  PulseResult program(size_t row, size_t col, unsigned k, int direction, Rng& rng);

  float resistance(size_t row, size_t col, unsigned k) const { return resistance_[device_index(row, col, k)]; }
  const std::vector<uint32_t>& write_counts() const { return writes_; }
  uint32_t max_writes() const;
  size_t worn_out_devices() const;

  // The read-out W = R_f / R_par - R_f / R_b (SPEC §1.6), with R_f and R_b solved so the
  // all-lowest and all-highest states map to -w_max and +w_max.
  double r_f() const { return r_f_; }
  double r_b() const { return r_b_; }
  double weight_of_conductance(double g_siemens) const { return r_f_ * g_siemens - r_f_ / r_b_; }

 private:
  size_t device_index(size_t row, size_t col, unsigned k) const {
    return (row * cols_ + col) * options_.n_mem + k;
  }
  void refresh_weight(size_t row, size_t col);
  void initialise(Rng& rng);

  size_t rows_, cols_;
  LevelTable table_;
  DeviceOptions options_;
  double r_f_ = 0, r_b_ = 0;
  std::vector<float> resistance_;
  std::vector<float> weight_;
  std::vector<uint32_t> writes_;
  std::vector<uint8_t> stuck_;  // empty when no device can be stuck
};

}  // namespace mx
