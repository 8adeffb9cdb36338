#include "metrics/endurance.h"

#include <algorithm>
#include <limits>

#include "device/synapse_array.h"

namespace mx {

nlohmann::json endurance_report(const EnduranceInputs& in) {
  uint64_t max_writes = 0, total = 0, devices = 0, past = 0;
  for (const auto* counts : in.write_counts)
    for (uint32_t w : *counts) {
      max_writes = std::max<uint64_t>(max_writes, w);
      total += w;
      ++devices;
      past += w > in.rated_cycles;
    }
  // Equal-width bins over [0, max + 1): integers land in exactly one bin.
  const size_t bins = std::max<size_t>(1, in.bins);
  const double width = std::max(1.0, static_cast<double>(max_writes + 1) / static_cast<double>(bins));
  std::vector<uint64_t> histogram(bins, 0);
  for (const auto* counts : in.write_counts)
    for (uint32_t w : *counts) histogram[std::min(bins - 1, static_cast<size_t>(w / width))] += 1;
  std::vector<double> edges;
  for (size_t b = 0; b <= bins; ++b) edges.push_back(static_cast<double>(b) * width);

  const double seconds_per_year = 365.25 * 24 * 3600;
  const double writes_per_sample = in.training_samples ? static_cast<double>(max_writes) / in.training_samples : 0;
  const double writes_per_s = writes_per_sample * in.samples_per_s;
  nlohmann::json lifetime = writes_per_s > 0 ? nlohmann::json(in.rated_cycles / writes_per_s / seconds_per_year)
                                             : nlohmann::json(nullptr);  // never written: unbounded
  return {{"histogram", {{"bin_edges", edges}, {"counts", histogram}}},
          {"max_writes_per_device", max_writes},
          {"mean_writes_per_device", devices ? static_cast<double>(total) / devices : 0.0},
          {"busiest_device_writes_per_training_sample", writes_per_sample},
          {"rated_cycles", in.rated_cycles},
          {"samples_per_s", in.samples_per_s},
          {"projected_lifetime_years", lifetime},
          {"devices_past_rated_cycles", past},
          {"devices", devices}};
}

nlohmann::json device_write_statistics(const std::vector<const SynapseArray*>& layers) {
  uint64_t max_writes = 0, total_writes = 0, devices = 0, worn_out = 0;
  nlohmann::json per_layer = nlohmann::json::array();
  for (const SynapseArray* array : layers) {
    uint64_t layer_writes = 0;
    for (uint32_t w : array->write_counts()) layer_writes += w;
    max_writes = std::max<uint64_t>(max_writes, array->max_writes());
    total_writes += layer_writes;
    devices += array->device_count();
    worn_out += array->worn_out_devices();
    per_layer.push_back({{"write_pulses", layer_writes},
                         {"max_writes_per_device", array->max_writes()},
                         {"mean_writes_per_device",
                          array->device_count() ? double(layer_writes) / double(array->device_count()) : 0.0},
                         {"devices", array->device_count()}});
  }
  return {{"max_writes_per_device", max_writes},
          {"mean_writes_per_device", devices ? double(total_writes) / double(devices) : 0.0},
          {"worn_out_devices", worn_out},
          {"by_layer", per_layer}};
}

}  // namespace mx
