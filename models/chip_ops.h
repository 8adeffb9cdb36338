#pragma once
// What travels in the chip's transactions. Each socket carries one kind of operation; the
// initiator keeps one operation object and one payload per process and points the payload's
// data pointer at it, so no transaction allocates. Times are integer picoseconds on the chip's
// own clock; every target also annotates its latency on the b_transport delay.
#include <cstdint>
#include <vector>

#include <tlm>

#include "hw/energy_ledger.h"
#include "learning/learning_rule.h"
#include "qnn/level_programmer.h"
#include "qnn/quantized_perceptron.h"
#include "snn/network.h"

namespace mx {

struct TileReadOp {
  const uint32_t* rows_begin = nullptr;  // spiking inputs inside this tile's rows (sorted)
  const uint32_t* rows_end = nullptr;
  uint64_t start_ps = 0;                 // when the spikes have arrived
  uint64_t done_ps = 0;                  // out: partial sums converted
};

// System B's multi-bit read of a tile: the driven lines carry DAC levels; forward, the
// word lines are driven and the bit lines sensed; transposed, the other way round.
struct AnalogReadOp {
  bool transposed = false;
  const float* drive = nullptr;          // one level per line of the layer (row or column)
  const uint32_t* lines_begin = nullptr;  // driven lines inside this tile (sorted)
  const uint32_t* lines_end = nullptr;
  Phase phase = Phase::inference;
  uint64_t start_ps = 0;
  uint64_t done_ps = 0;  // out: sums converted, in the tile's partial()
};

// System B: move one device to a new level (open loop or program-and-verify).
struct ReprogramOp {
  size_t row = 0, col = 0;
  unsigned from = 0, to = 0;
  unsigned verify_max_pulses = 0;
  Rng* device_rng = nullptr;
  uint64_t start_ps = 0;
  ProgramOutcome outcome;  // out
  uint64_t done_ps = 0;    // out
};

// System B's digital unit: the work the perceptron counted in one phase.
struct DigitalOp {
  QnnActivity work;
  Phase phase = Phase::inference;
  uint64_t start_ps = 0;
  uint64_t done_ps = 0;  // out
};

struct PulseOp {
  const WriteMove* move = nullptr;
  unsigned device = 0;
  Rng* device_rng = nullptr;
  LearningActivity* activity = nullptr;
  uint64_t start_ps = 0;
  uint64_t done_ps = 0;  // out
};

struct Burst {
  unsigned src = 0, dst = 0;
  uint64_t packets = 0;
  uint64_t inject_ps = 0;
  uint64_t arrival_ps = 0;  // out
};

struct MeshOp {
  Burst* bursts = nullptr;
  size_t count = 0;
  Phase phase = Phase::inference;
};

struct CoreOp {
  enum Kind { fire, error } kind = fire;
  int t = 0;
  uint64_t start_ps = 0;
  uint64_t done_ps = 0;  // out
};

struct LearnOp {
  enum Kind { decide_and_program, end_sample } kind = decide_and_program;
  unsigned layer = 0;
  SampleResult* result = nullptr;  // end_sample: out
  uint64_t start_ps = 0;
  uint64_t done_ps = 0;  // out
};

struct CountOp {  // RNG draws, or SRAM bits read and written
  uint64_t draws = 0;
  uint64_t read_bits = 0, write_bits = 0;
  uint64_t start_ps = 0;
  uint64_t done_ps = 0;  // out
};

template <typename Op>
void bind_op(tlm::tlm_generic_payload& payload, Op& op) {
  payload.set_command(tlm::TLM_WRITE_COMMAND);
  payload.set_address(0);
  payload.set_data_ptr(reinterpret_cast<unsigned char*>(&op));
  payload.set_data_length(sizeof(Op));
  payload.set_streaming_width(sizeof(Op));
  payload.set_byte_enable_ptr(nullptr);
  payload.set_dmi_allowed(false);
  payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

// One blocking transaction carrying `op` through `socket` (a simple socket, or one binding
// of a multi-socket); the target fills in the op's outputs.
template <typename Socket, typename Op>
void transact(Socket&& socket, tlm::tlm_generic_payload& payload, Op& op) {
  bind_op(payload, op);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  socket->b_transport(payload, delay);
}

// Sends `bursts` over the mesh; returns when the last one has arrived (0 when there are none).
template <typename Socket>
uint64_t send_bursts(Socket&& mesh, tlm::tlm_generic_payload& payload, MeshOp& op, std::vector<Burst>& bursts,
                     Phase phase) {
  if (bursts.empty()) return 0;
  op.bursts = bursts.data();
  op.count = bursts.size();
  op.phase = phase;
  transact(mesh, payload, op);
  uint64_t last = 0;
  for (const Burst& burst : bursts) last = last > burst.arrival_ps ? last : burst.arrival_ps;
  return last;
}

template <typename Op>
Op& op_of(tlm::tlm_generic_payload& payload) {
  payload.set_response_status(tlm::TLM_OK_RESPONSE);
  return *reinterpret_cast<Op*>(payload.get_data_ptr());
}

}  // namespace mx
