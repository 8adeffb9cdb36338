#include "device/synapse_array.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"

namespace mx {

SynapseArray::SynapseArray(size_t rows, size_t cols, const LevelTable& table, const DeviceOptions& options,
                           Rng& init_rng)
    : rows_(rows), cols_(cols), table_(table), options_(options) {
  if (options_.n_mem == 0) throw Error("device.n_mem: expected at least 1 device per synapse");
  if (table_.size() < 2) throw Error("device.levels: a level table needs at least 2 levels");
  if (options_.stuck_at_low + options_.stuck_at_high > 1)
    throw Error("device.stuck_at_low + device.stuck_at_high: expected a total fraction <= 1");
  const double g_low = options_.n_mem / table_[0].r_ohm;
  const double g_high = options_.n_mem / table_[table_.size() - 1].r_ohm;
  r_f_ = 2.0 * options_.w_max / (g_high - g_low);
  r_b_ = r_f_ / (options_.w_max + r_f_ * g_low);
  const Level& low = table_[0];
  const Level& high = table_[table_.size() - 1];
  g_min_s_ = 1.0 / (low.r_ohm + 3.0 * low.r_std_ohm);
  g_max_s_ = 1.0 / std::max(high.r_ohm - 3.0 * high.r_std_ohm, high.r_ohm * 1e-3);
  if (options_.transitions && options_.transitions->levels() != table_.size())
    throw Error("device.transitions: the transition table has " + std::to_string(options_.transitions->levels()) +
                " levels, the level table " + std::to_string(table_.size()));
  if (options_.tile_rows == 0 || options_.tile_cols == 0) throw Error("tile.rows, tile.cols: expected at least 1");
  drift_ = DriftModel(options_.drift, 1.0 / low.r_ohm, 1.0 / high.r_ohm);
  resistance_.resize(rows_ * cols_ * options_.n_mem);
  weight_.resize(rows_ * cols_);
  writes_.assign(resistance_.size(), 0);
  if (drift_.enabled()) {
    r_programmed_.resize(resistance_.size());
    t_write_.assign(resistance_.size(), 0.0);
    nu_.resize(resistance_.size());
  }
  col_tiles_ = (cols_ + options_.tile_cols - 1) / options_.tile_cols;
  g_units_.assign(rows_ * cols_, 0);
  row_tile_units_.assign(rows_ * col_tiles_, 0);
  if (options_.read_noise > 0) reads_.assign(rows_ * cols_, 0);
  initialise(init_rng);
}

void SynapseArray::programmed(size_t index, float r) {
  resistance_[index] = r;
  if (!drift_.enabled()) return;
  r_programmed_[index] = r;
  t_write_[index] = clock_s_;
  nu_[index] = static_cast<float>(drift_.exponent(1.0 / r, keyed_normal(options_.noise_seed, index, writes_[index])));
}

void SynapseArray::set_clock(double t_s) {
  clock_s_ = t_s;
  if (!drift_.enabled()) return;
  for (size_t i = 0; i < resistance_.size(); ++i) {
    // Drift stops at the bottom of the physical range (a device already below it stays put).
    const double g0 = 1.0 / r_programmed_[i];
    const double g = std::max(std::min(g_min_s_, g0), drift_.factor(nu_[i], t_s - t_write_[i]) * g0);
    resistance_[i] = static_cast<float>(1.0 / g);
  }
  for (size_t row = 0; row < rows_; ++row)
    for (size_t col = 0; col < cols_; ++col) refresh_weight(row, col);
}

float SynapseArray::noisy_conductance(float r, double z) const {
  const double g = std::exp(options_.read_noise * z) / r;
  return static_cast<float>(std::min(g_max_s_, std::max(g_min_s_, g)));
}

float SynapseArray::inference_weight(size_t row, size_t col) const {
  const size_t synapse = row * cols_ + col;
  if (options_.read_noise <= 0) return weight_[synapse];
  const uint32_t read = reads_[synapse]++;
  const float* r = &resistance_[synapse * options_.n_mem];
  double g = 0;
  for (unsigned k = 0; k < options_.n_mem; ++k)
    g += noisy_conductance(r[k], keyed_normal(options_.noise_seed, synapse * options_.n_mem + k, read));
  return static_cast<float>(weight_of_conductance(g));
}

namespace {
int64_t drive_units(float x) { return std::llround(static_cast<double>(x) * x * ReadTally::kDriveScale); }
}  // namespace

void SynapseArray::tally_rows(const uint32_t* rows_begin, const uint32_t* rows_end, const float* x,
                              size_t col_begin, size_t col_end) const {
  const size_t tc = options_.tile_cols;
  tally_.device_reads += static_cast<uint64_t>(rows_end - rows_begin) * (col_end - col_begin) * options_.n_mem;
  const bool aligned = col_begin % tc == 0 && (col_end % tc == 0 || col_end == cols_);
  for (const uint32_t* row = rows_begin; row != rows_end; ++row) {
    const int64_t drive = x ? drive_units(x[*row]) : static_cast<int64_t>(ReadTally::kDriveScale);
    int64_t units = 0;
    if (aligned) {
      for (size_t tile = col_begin / tc; tile * tc < col_end; ++tile) units += row_tile_units_[*row * col_tiles_ + tile];
    } else {
      for (size_t col = col_begin; col < col_end; ++col) units += g_units_[*row * cols_ + col];
    }
    tally_.conductance += static_cast<__int128>(drive) * units;
  }
}

void SynapseArray::tally_synapse(double g_siemens, float x) const {
  tally_.device_reads += options_.n_mem;
  tally_.conductance += static_cast<__int128>(drive_units(x)) * std::llround(g_siemens / ReadTally::kSiemensPerUnit);
}

void SynapseArray::initialise(Rng& rng) {
  const unsigned n = options_.n_mem;
  const size_t top = table_.size() - 1;
  // The "staircase" of states a synapse passes through when its devices are programmed one
  // at a time: state (level, j) has its last j devices one level above the others.
  struct State {
    size_t level;
    unsigned raised;
    double weight;
  };
  std::vector<State> states;
  for (size_t level = 0; level <= top; ++level)
    for (unsigned raised = 0; raised < (level == top ? 1u : n); ++raised) {
      const double g = (n - raised) / table_[level].r_ohm + (level == top ? 0.0 : raised / table_[level + 1].r_ohm);
      states.push_back({level, raised, weight_of_conductance(g)});
    }
  // Spread initial weights evenly over [-range, range]: four equal-width buckets, an equal
  // share of synapses in each, a state drawn uniformly within the bucket.
  const double range = options_.init_range;
  std::vector<std::vector<size_t>> buckets(4);
  for (size_t i = 0; i < states.size(); ++i) {
    const double w = states[i].weight;
    if (w < -range || w > range) continue;
    const size_t bucket = std::min<size_t>(3, static_cast<size_t>((w + range) / (0.5 * range)));
    buckets[bucket].push_back(i);
  }
  buckets.erase(std::remove_if(buckets.begin(), buckets.end(), [](const auto& b) { return b.empty(); }),
                buckets.end());
  if (buckets.empty()) {
    // A table too coarse to have any state inside the range: start at the states nearest 0
    // on either side, half the synapses each, so that no layer starts with every weight equal
    // (its neurons could never tell themselves apart).
    size_t below = states.size(), above = states.size();
    for (size_t i = 0; i < states.size(); ++i) {
      const double w = states[i].weight;
      if (w <= 0 && (below == states.size() || w > states[below].weight)) below = i;
      if (w >= 0 && (above == states.size() || w < states[above].weight)) above = i;
    }
    for (size_t nearest : {below, above})
      if (nearest < states.size()) buckets.push_back({nearest});
  }
  const size_t synapses = rows_ * cols_;
  std::vector<uint8_t> bucket_of(synapses);
  for (size_t s = 0; s < synapses; ++s) bucket_of[s] = static_cast<uint8_t>(s % buckets.size());
  shuffle(bucket_of, rng);

  const bool faults = options_.stuck_at_low > 0 || options_.stuck_at_high > 0;
  if (faults) stuck_.assign(resistance_.size(), 0);
  for (size_t s = 0; s < synapses; ++s) {
    const auto& bucket = buckets[bucket_of[s]];
    const State& state = states[bucket[rng.below(bucket.size())]];
    for (unsigned k = 0; k < n; ++k) {
      size_t level = k >= n - state.raised ? state.level + 1 : state.level;
      if (faults) {
        const double u = rng.uniform();
        if (u < options_.stuck_at_low) stuck_[s * n + k] = 1, level = 0;
        else if (u < options_.stuck_at_low + options_.stuck_at_high) stuck_[s * n + k] = 1, level = top;
      }
      const Level& l = table_[level];
      programmed(s * n + k, static_cast<float>(std::max(l.r_ohm * 1e-3, rng.normal(l.r_ohm, l.r_std_ohm))));
    }
  }
  for (size_t row = 0; row < rows_; ++row)
    for (size_t col = 0; col < cols_; ++col) refresh_weight(row, col);
}

void SynapseArray::refresh_weight(size_t row, size_t col) {
  const float* r = &resistance_[device_index(row, col, 0)];
  double g = 0;
  for (unsigned k = 0; k < options_.n_mem; ++k) g += 1.0 / r[k];
  const size_t synapse = row * cols_ + col;
  weight_[synapse] = static_cast<float>(weight_of_conductance(g));
  const int64_t units = std::llround(g / ReadTally::kSiemensPerUnit);
  row_tile_units_[row * col_tiles_ + col / options_.tile_cols] += units - g_units_[synapse];
  g_units_[synapse] = units;
}

float SynapseArray::read_weight(size_t row, size_t col, Rng& rng) const {
  if (options_.read_noise <= 0) return weight(row, col);
  double g = 0;
  for (unsigned k = 0; k < options_.n_mem; ++k) g += read_conductance(row, col, k, rng);
  return static_cast<float>(weight_of_conductance(g));
}

float SynapseArray::read_conductance(size_t row, size_t col, unsigned k, Rng& rng) const {
  const float r = resistance_[device_index(row, col, k)];
  if (options_.read_noise <= 0) return 1.0f / r;
  const double z = rng.normal();
  return noisy_conductance(r, z > 3.0 ? 3.0 : (z < -3.0 ? -3.0 : z));
}

PulseResult SynapseArray::program(size_t row, size_t col, unsigned k, int direction, Rng& rng) {
  const size_t index = device_index(row, col, k);
  PulseResult result;
  result.set = direction > 0;
  ++writes_[index];
  if (!stuck_.empty() && stuck_[index]) return result;
  if (options_.endurance_cycles && writes_[index] > options_.endurance_cycles) return result;
  // The pulse acts on the device's actual (drifted) state: read noise is the sensing
  // circuit's, and never moves a device by more than the one level a pulse moves it.
  const unsigned top = static_cast<unsigned>(table_.size() - 1);
  const unsigned level = table_.nearest_level(resistance_[index]);
  if (options_.nonlinearity > 0) {
    const double closeness = direction > 0 ? double(level) / top : double(top - level) / top;
    if (rng.uniform() < options_.nonlinearity * closeness) return result;
  }
  const unsigned target = options_.transitions ? options_.transitions->outcome(level, direction, rng.uniform())
                          : direction > 0 ? std::min(level + 1, top)
                                          : (level == 0 ? 0 : level - 1);
  const Level& l = table_[target];
  programmed(index, static_cast<float>(std::max(l.r_ohm * 1e-3, rng.normal(l.r_ohm, l.r_std_ohm))));
  refresh_weight(row, col);
  result.applied = true;
  return result;
}

uint32_t SynapseArray::max_writes() const {
  return writes_.empty() ? 0 : *std::max_element(writes_.begin(), writes_.end());
}

size_t SynapseArray::worn_out_devices() const {
  if (!options_.endurance_cycles) return 0;
  return static_cast<size_t>(std::count_if(writes_.begin(), writes_.end(),
                                           [&](uint32_t w) { return w > options_.endurance_cycles; }));
}

}  // namespace mx
