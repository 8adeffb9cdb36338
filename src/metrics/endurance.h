#pragma once
// Endurance of the memristors under a run's learning: how writes spread over devices, and
// how long the busiest device would last if the chip kept learning at a stated rate.
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace mx {

class SynapseArray;

struct EnduranceInputs {
  std::vector<const std::vector<uint32_t>*> write_counts;  // per layer, per device
  uint64_t training_samples = 0;
  double rated_cycles = 1e6;    // writes a device survives
  double samples_per_s = 1.0;   // deployed learning rate
  size_t bins = 20;
};

// summary.json's endurance: histogram {bin_edges, counts}, max, mean, projected lifetime of
// the busiest device in years, devices past the rated cycles in this run.
nlohmann::json endurance_report(const EnduranceInputs& inputs);

// The device-write part of summary.json's updates, whatever the network: max and mean writes
// per device, worn-out devices, and per layer {write_pulses, max/mean writes, devices}.
nlohmann::json device_write_statistics(const std::vector<const SynapseArray*>& layers);

}  // namespace mx
