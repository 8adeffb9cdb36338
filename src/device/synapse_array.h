#pragma once
// The memristive devices of one crossbar layer: rows are presynaptic inputs (word lines),
// columns are postsynaptic neurons (bit lines), and every crosspoint is a synapse of n_mem
// devices in parallel (SPEC §1.6). The array keeps each device's actual resistance — the
// physical state — and a cached weight per synapse that the read path uses.
#include <cstdint>
#include <memory>
#include <vector>

#include "common/random.h"
#include "device/drift.h"
#include "device/level_table.h"
#include "device/transition_table.h"

namespace mx {

struct DeviceOptions {
  unsigned n_mem = 1;
  double w_max = 1.0;            // weight of the all-highest-conductance synapse
  double init_range = 1.0;       // initial weights spread over [-init_range, init_range]
  double stuck_at_low = 0.0;     // fraction of devices stuck at level 0
  double stuck_at_high = 0.0;    // fraction of devices stuck at the top level
  uint64_t endurance_cycles = 0; // pulses until a device wears out; 0 = never
  double read_noise = 0.0;       // lognormal sigma of every device read (controller and inference)
  double nonlinearity = 0.0;     // soft-bound failure probability scale
  DriftParams drift;
  double wire_r_ohm = 0.0;       // word/bit line resistance per cell segment (IR drop); 0 = ideal
  size_t tile_rows = 256, tile_cols = 256;  // the tiles the layer is cut into (IR drop, read tallies)
  uint64_t noise_seed = 0;       // keys the per-read noise and the drift exponents
  std::shared_ptr<const TransitionTable> transitions;  // measured pulse outcomes; null = one level
};

// What the reads of an array have drawn: the sum over every device read of drive² x G (a
// read of a device at drive x for the read pulse dissipates V² x² G t), kept in fixed point
// so that the sum is exact whatever order the tiles add it in.
struct ReadTally {
  static constexpr double kSiemensPerUnit = 1e-15;  // conductance unit: 1 fS
  static constexpr double kDriveScale = 65536.0;    // drive² unit: 2^-16
  __int128 conductance = 0;  // in kSiemensPerUnit / kDriveScale
  uint64_t device_reads = 0;
  double conductance_s() const {
    return static_cast<double>(conductance) * kSiemensPerUnit / kDriveScale;
  }
  // The sum in whole microsiemens (drive² weighted), rounded down: the unit the ledger prices.
  static constexpr int64_t kUnitsPerMicrosiemens = static_cast<int64_t>(1e-6 / kSiemensPerUnit * kDriveScale);
  uint64_t microsiemens() const { return static_cast<uint64_t>(conductance / kUnitsPerMicrosiemens); }
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
  // A controller read of device k alone (a verify read): its conductance through the read noise.
  float read_conductance(size_t row, size_t col, unsigned k, Rng& rng) const;

  // Reads in which each device's conductance counts one by one: read noise per read, or IR
  // drop along the wires. Without them a read adds the cached weights.
  bool per_read_effects() const { return options_.read_noise > 0 || options_.wire_r_ohm > 0; }
  // An inference read of synapse (row, col): every device through the bounded read noise,
  // keyed by the synapse's read count (the same draw in both modes, whatever the tile order).
  float inference_weight(size_t row, size_t col) const;
  // The conductance of a synapse whose weight is w (the inverse of weight_of_conductance).
  double conductance_of_weight(double w) const { return (w + r_f_ / r_b_) / r_f_; }
  // The physical conductance range of one device: the table's outermost levels, 3 sigma out.
  double g_min_s() const { return g_min_s_; }
  double g_max_s() const { return g_max_s_; }

  // Read accounting: a read driving `rows` at drive x over columns [col_begin, col_end)
  // (tile-aligned: the sums per row tile are cached), or one synapse at a time.
  void tally_rows(const uint32_t* rows_begin, const uint32_t* rows_end, const float* x, size_t col_begin,
                  size_t col_end) const;
  void tally_synapse(double g_siemens, float x) const;
  const ReadTally& read_tally() const { return tally_; }
  // The conductance read since the last call, in whole µS (drive² weighted): what a tile
  // charges for the reads it has just made. The fraction of a µS left over is carried into
  // the next call, so the calls add up to the tally rounded down once, whatever the order
  // and size of the reads.
  uint64_t take_read_microsiemens() const {
    // Only what was read since the last call is divided: it fits 64 bits for any read a tile
    // makes, where the whole 128-bit tally would need a slow 128-bit division per read.
    const __int128 unread = tally_.conductance - charged_units_;
    const uint64_t taken = unread <= static_cast<__int128>(UINT64_MAX)
                               ? static_cast<uint64_t>(unread) / ReadTally::kUnitsPerMicrosiemens
                               : static_cast<uint64_t>(unread / ReadTally::kUnitsPerMicrosiemens);
    charged_units_ += static_cast<__int128>(taken) * ReadTally::kUnitsPerMicrosiemens;
    return taken;
  }

  // The deployment clock (seconds since the chip was first programmed): writes record it,
  // and moving it lets every device drift for the time since its last write. Both modes move
  // it at the same task and evaluation events, never from the timed model's clock.
  void set_clock(double t_s);
  // Moves the clock writes are stamped with, without re-evaluating the drift of every device
  // (a training sample's time; the next set_clock catches the drift up).
  void stamp_clock(double t_s) { clock_s_ = t_s; }
  double clock_s() const { return clock_s_; }
  // Drift exponent and time of the last write of device k of synapse (row, col).
  float drift_exponent(size_t row, size_t col, unsigned k) const { return nu_[device_index(row, col, k)]; }
  double last_write_s(size_t row, size_t col, unsigned k) const { return t_write_[device_index(row, col, k)]; }

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
  // Records a newly programmed resistance: its drift starts now, with a fresh exponent.
  void programmed(size_t index, float r);
  float noisy_conductance(float r, double z) const;

  size_t rows_, cols_;
  LevelTable table_;
  DeviceOptions options_;
  double r_f_ = 0, r_b_ = 0;
  std::vector<float> resistance_;
  std::vector<float> weight_;
  std::vector<uint32_t> writes_;
  std::vector<uint8_t> stuck_;  // empty when no device can be stuck
  double g_min_s_ = 0, g_max_s_ = 0;
  DriftModel drift_;
  double clock_s_ = 0;
  std::vector<float> r_programmed_;  // drift only: the resistance right after the last write
  std::vector<double> t_write_;      // drift only: clock of the last write
  std::vector<float> nu_;            // drift only: exponent drawn at the last write
  size_t col_tiles_ = 1;
  std::vector<int64_t> g_units_;          // per synapse: conductance in ReadTally units (x drive scale 1)
  std::vector<int64_t> row_tile_units_;   // per row and column tile: sum of g_units_
  mutable std::vector<uint32_t> reads_;   // read noise only: inference reads per synapse
  mutable ReadTally tally_;
  mutable __int128 charged_units_ = 0;  // tally units already taken, whole µS of them
};

}  // namespace mx
