#include "device/device_fit.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "common/csv_file.h"
#include "common/error.h"
#include "common/input_limits.h"
#include "device/synapse_array.h"

namespace mx {

std::vector<RawReading> read_raw_cycling(const std::string& path) {
  const CsvFile csv = read_csv_file(path, "the RAW cycling file", kMaxInputFileBytes);
  if (csv.header.number == 0)
    throw Error(path + ": empty RAW file (expected the header device,pulse,g_us and readings)");
  csv.require_header({"device", "pulse", "g_us"});
  std::vector<RawReading> readings;
  for (const CsvLine& row : csv.rows) {
    csv.require_cells(row);
    const std::string where = csv.where(row);
    const std::string &device = row.cells[0], &pulse = row.cells[1], &g = row.cells[2];
    if (device.empty()) throw Error(where + ": device: expected a name, got an empty field");
    RawReading r;
    r.device = device;
    if (pulse == "init") r.pulse = 0;
    else if (pulse == "set") r.pulse = 1;
    else if (pulse == "reset") r.pulse = -1;
    else throw Error(where + ": pulse: expected init, set or reset, got '" + pulse + "'");
    char* end = nullptr;
    r.g_us = std::strtod(g.c_str(), &end);
    if (g.empty() || *end != '\0' || !std::isfinite(r.g_us))
      throw Error(where + ": g_us: expected a number, got '" + g + "'");
    if (r.g_us <= 0) throw Error(where + ": g_us: expected a positive conductance, got " + g);
    readings.push_back(r);
  }
  if (readings.empty()) throw Error(path + ": no readings after the header");
  return readings;
}

namespace {

// Lloyd's algorithm in one dimension from quantile seeds: deterministic, and on well
// separated levels it converges to their means.
std::vector<double> cluster_centres(std::vector<double> values, size_t k) {
  std::sort(values.begin(), values.end());
  std::vector<double> centre(k);
  for (size_t c = 0; c < k; ++c) centre[c] = values[std::min(values.size() - 1, (2 * c + 1) * values.size() / (2 * k))];
  for (int iteration = 0; iteration < 200; ++iteration) {
    std::vector<double> sum(k, 0.0);
    std::vector<size_t> count(k, 0);
    size_t c = 0;
    for (double v : values) {
      while (c + 1 < k && std::abs(v - centre[c + 1]) < std::abs(v - centre[c])) ++c;
      sum[c] += v;
      ++count[c];
    }
    bool moved = false;
    for (size_t i = 0; i < k; ++i) {
      const double next = count[i] ? sum[i] / count[i] : centre[i];
      moved |= next != centre[i];
      centre[i] = next;
    }
    std::sort(centre.begin(), centre.end());
    if (!moved) break;
  }
  return centre;
}

size_t nearest(const std::vector<double>& centre, double v) {
  size_t best = 0;
  for (size_t c = 1; c < centre.size(); ++c)
    if (std::abs(v - centre[c]) < std::abs(v - centre[best])) best = c;
  return best;
}

}  // namespace

DeviceFit fit_device_data(const std::vector<RawReading>& readings, size_t levels, const std::string& origin) {
  if (levels < 2) throw Error(origin + ": expected at least 2 levels to fit");
  std::map<std::string, std::vector<const RawReading*>> by_device;
  std::vector<double> g;
  for (const RawReading& r : readings) {
    by_device[r.device].push_back(&r);
    g.push_back(r.g_us);
  }
  if (by_device.size() < 2)
    throw Error(origin + ": readings of one device only: at least 2 are needed to separate device-to-device "
                         "from cycle-to-cycle spread");
  if (g.size() < 2 * levels)
    throw Error(origin + ": " + std::to_string(g.size()) + " readings cannot resolve " + std::to_string(levels) +
                " levels (expected at least 2 per level)");
  const std::vector<double> centre = cluster_centres(g, levels);

  // Resistances per level and per device, and the transitions between consecutive readings.
  std::vector<std::map<std::string, std::vector<double>>> r(levels);
  std::vector<std::vector<std::vector<uint64_t>>> counts(
      levels, std::vector<std::vector<uint64_t>>(2, std::vector<uint64_t>(levels, 0)));
  for (const auto& [device, list] : by_device) {
    size_t previous = levels;
    for (const RawReading* reading : list) {
      const size_t level = nearest(centre, reading->g_us);
      r[level][device].push_back(1e6 / reading->g_us);
      if (reading->pulse != 0 && previous < levels) ++counts[previous][reading->pulse > 0][level];
      previous = level;
    }
  }
  DeviceFit fit;
  std::vector<Level> table;
  for (size_t level = 0; level < levels; ++level) {
    LevelFit f;
    double sum = 0, sum2 = 0, within = 0, device_mean_sum = 0, device_mean_sum2 = 0;
    size_t within_dof = 0;
    for (const auto& [device, values] : r[level]) {
      double s = 0;
      for (double v : values) s += v, sum += v, sum2 += v * v;
      const double mean = s / values.size();
      for (double v : values) within += (v - mean) * (v - mean);
      within_dof += values.size() - 1;
      device_mean_sum += mean;
      device_mean_sum2 += mean * mean;
      f.readings += values.size();
      ++f.devices;
    }
    if (f.readings < 2)
      throw Error(origin + ": level " + std::to_string(level) + " (near " + std::to_string(centre[level]) +
                  " uS) has fewer than 2 readings: fit fewer levels");
    f.r_ohm = sum / f.readings;
    f.r_std_ohm = std::sqrt(std::max(0.0, (sum2 - f.readings * f.r_ohm * f.r_ohm) / (f.readings - 1)));
    f.c2c_std_ohm = within_dof ? std::sqrt(within / within_dof) : 0.0;
    if (f.devices > 1) {
      const double m = device_mean_sum / f.devices;
      // The spread of device means holds the cycle-to-cycle noise of each mean too (one-way
      // ANOVA): take its expected share, c2c² / readings per device, out.
      const double between = std::max(0.0, (device_mean_sum2 - f.devices * m * m) / (f.devices - 1));
      const double per_device = static_cast<double>(f.readings) / f.devices;
      f.d2d_std_ohm = std::sqrt(std::max(0.0, between - f.c2c_std_ohm * f.c2c_std_ohm / per_device));
    }
    fit.levels.push_back(f);
    table.push_back({f.r_ohm, f.r_std_ohm});
  }
  fit.table = LevelTable(table, origin);
  fit.transitions = TransitionTable(counts, origin);
  return fit;
}

nlohmann::json DeviceFit::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const LevelFit& f : levels)
    out.push_back({{"r_ohm", f.r_ohm},
                   {"r_std_ohm", f.r_std_ohm},
                   {"d2d_std_ohm", f.d2d_std_ohm},
                   {"c2c_std_ohm", f.c2c_std_ohm},
                   {"readings", f.readings},
                   {"devices", f.devices}});
  return {{"levels", out}};
}

std::string simulate_raw_cycling(const LevelTable& table, size_t devices, size_t pulses, uint64_t seed) {
  DeviceOptions options;
  options.n_mem = 1;
  Rng init(derive_seed(seed, 1)), rng(derive_seed(seed, 2));
  SynapseArray array(devices, 1, table, options, init);
  std::ostringstream out;
  out.precision(9);
  out << "# Generated by `metaxbar device simulate` from the model itself (the level table below),\n"
      << "# not measured data: " << devices << " devices, " << pulses << " pulses each, seed " << seed << ".\n"
      << "# Pulse trains cycle every device from its start up to the top level, down to the bottom and back.\n"
      << "# Level table (r_ohm, r_std_ohm):";
  for (const Level& l : table.levels()) out << " (" << l.r_ohm << ", " << l.r_std_ohm << ")";
  out << "\ndevice,pulse,g_us\n";
  const unsigned top = static_cast<unsigned>(table.size() - 1);
  for (size_t d = 0; d < devices; ++d) {
    out << "d" << d << ",init," << 1e6 / array.resistance(d, 0, 0) << "\n";
    int direction = (d % 2) ? -1 : 1;
    for (size_t p = 0; p < pulses; ++p) {
      const unsigned level = table.nearest_level(array.resistance(d, 0, 0));
      if ((direction > 0 && level == top) || (direction < 0 && level == 0)) direction = -direction;
      array.program(d, 0, 0, direction, rng);
      out << "d" << d << (direction > 0 ? ",set," : ",reset,") << 1e6 / array.resistance(d, 0, 0) << "\n";
    }
  }
  return out.str();
}

}  // namespace mx
