#pragma once
// What a learning rule costs in memory: the bits of consolidation state beside the
// memristors (m for prob_meta; m and an accumulator per synapse for grad_acc; a hidden
// weight for System B) and the information the memristor states themselves hold.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mx {

struct LayerMemory {
  uint64_t synapses = 0;
  uint64_t m_cells = 0;        // metaplasticity variables (fewer than synapses when shared)
  uint64_t accumulators = 0;   // grad_acc
  uint64_t hidden_weights = 0; // System B
  uint64_t devices = 0;
  double dm = 0, m_max = 0;    // the increments m must resolve
};

struct MemoryWidths {
  unsigned m_bits = 16, acc_bits = 32, hidden_bits = 16;
  size_t levels = 16;  // device levels: log2(levels) bits of state per device
};

// summary.json's memory_bits: per-synapse and total consolidation bits, device state bits,
// the arithmetic spelled out, and warnings (an m too narrow for its increments).
nlohmann::json memory_bits(const std::vector<LayerMemory>& layers, const MemoryWidths& widths);

// Bits a fixed-point m over [0, m_max] needs for a step of dm to register.
unsigned bits_to_resolve(double dm, double m_max);

}  // namespace mx
