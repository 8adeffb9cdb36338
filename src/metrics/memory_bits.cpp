#include "metrics/memory_bits.h"

#include <cmath>
#include <sstream>

namespace mx {

unsigned bits_to_resolve(double dm, double m_max) {
  if (dm <= 0 || m_max <= 0) return 0;
  // The step m_max / (2^b - 1) must not exceed dm (round-to-nearest keeps it then).
  return static_cast<unsigned>(std::ceil(std::log2(m_max / dm + 1.0)));
}

nlohmann::json memory_bits(const std::vector<LayerMemory>& layers, const MemoryWidths& widths) {
  uint64_t synapses = 0, consolidation = 0, devices = 0, m_cells = 0, accumulators = 0, hidden = 0;
  nlohmann::json warnings = nlohmann::json::array();
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerMemory& layer = layers[i];
    synapses += layer.synapses;
    devices += layer.devices;
    m_cells += layer.m_cells;
    accumulators += layer.accumulators;
    hidden += layer.hidden_weights;
    consolidation += layer.m_cells * widths.m_bits + layer.accumulators * widths.acc_bits +
                     layer.hidden_weights * widths.hidden_bits;
    const unsigned needed = layer.m_cells ? bits_to_resolve(layer.dm, layer.m_max) : 0;
    if (needed > widths.m_bits) {
      std::ostringstream text;
      text << "memory.m_bits " << widths.m_bits << " cannot register layer " << i << "'s dm " << layer.dm
           << " over [0, " << layer.m_max << "]: it needs " << needed
           << " bits (the simulation keeps m in float32, so its accuracy assumes the wider m)";
      warnings.push_back(text.str());
    }
  }
  const unsigned level_bits = static_cast<unsigned>(std::ceil(std::log2(static_cast<double>(widths.levels))));
  std::ostringstream arithmetic;
  arithmetic << m_cells << " m x " << widths.m_bits << " b + " << accumulators << " accumulators x " << widths.acc_bits
             << " b + " << hidden << " hidden weights x " << widths.hidden_bits << " b = " << consolidation << " b over "
             << synapses << " synapses; devices " << devices << " x log2(" << widths.levels << " levels) = "
             << devices * level_bits << " b";
  return {{"consolidation_per_synapse", synapses ? static_cast<double>(consolidation) / synapses : 0.0},
          {"consolidation_total", consolidation},
          {"device_state_total", devices * level_bits},
          {"synapses", synapses},
          {"widths",
           {{"m_bits", widths.m_bits}, {"acc_bits", widths.acc_bits}, {"hidden_bits", widths.hidden_bits},
            {"device_level_bits", level_bits}}},
          {"arithmetic", arithmetic.str()},
          {"warnings", warnings}};
}

}  // namespace mx
