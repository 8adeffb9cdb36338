#pragma once
// What travels in the chip's transactions, and how time travels with it.
//
// Requests: each kind of request is its own tlm_extension type. The chip's initiators keep
// one RequestPayload per kind they send (a payload with its request attached for good), so no
// transaction allocates; transact() attaches a request for one call (test harnesses). A
// target that does not find the request kind it serves answers TLM_COMMAND_ERROR_RESPONSE;
// the initiator turns any status but OK into an mx::Error naming the socket.
//
// Time: loosely timed, after the TLM-2.0 base protocol. The b_transport delay is the
// initiator's local time offset: a target starts at sc_time_stamp() + delay, reserves what it
// needs (busy_until values) and returns delay = finish - sc_time_stamp(). No start or finish
// field rides in a request. The kernel's resolution is set once, to 1 ps
// (set_chip_time_resolution), so a delay's value() is integer picoseconds of chip time.
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include <systemc>
#include <tlm>

#include "common/error.h"
#include "hw/energy_ledger.h"
#include "learning/learning_rule.h"
#include "qnn/level_programmer.h"
#include "qnn/quantized_perceptron.h"
#include "snn/network.h"

namespace mx {

// Sets the kernel's time resolution to 1 ps the first time it is called (before any sc_time
// other than zero exists); afterwards it checks that the resolution is 1 ps.
void set_chip_time_resolution();

// Read from the simulation context inline: sc_time_stamp() is an out-of-line call, and every
// transaction asks for the kernel time four times.
inline uint64_t kernel_ps() { return sc_core::sc_get_curr_simcontext()->time_stamp().value(); }
inline sc_core::sc_time delay_until(uint64_t chip_ps) { return sc_core::sc_time::from_value(chip_ps - kernel_ps()); }
// The chip time a transaction's delay stands for.
inline uint64_t chip_ps_of(const sc_core::sc_time& delay) { return kernel_ps() + delay.value(); }

// A typed request: the extension's own type is its tag, so a wrong binding is an error the
// target reports rather than a misread struct.
template <typename Derived>
struct Request : tlm::tlm_extension<Derived> {
  tlm::tlm_extension_base* clone() const override { return new Derived(static_cast<const Derived&>(*this)); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    static_cast<Derived&>(*this) = static_cast<const Derived&>(other);
  }
};

struct TileReadOp : Request<TileReadOp> {
  const uint32_t* rows_begin = nullptr;  // spiking inputs inside this tile's rows (sorted)
  const uint32_t* rows_end = nullptr;
};

// System B's multi-bit read of a tile: the driven lines carry DAC levels; forward, the
// word lines are driven and the bit lines sensed; transposed, the other way round.
struct AnalogReadOp : Request<AnalogReadOp> {
  bool transposed = false;
  const float* drive = nullptr;           // one level per line of the layer (row or column)
  const uint32_t* lines_begin = nullptr;  // driven lines inside this tile (sorted)
  const uint32_t* lines_end = nullptr;
  Phase phase = Phase::inference;
};

// System B: move one device to a new level (open loop or program-and-verify).
struct ReprogramOp : Request<ReprogramOp> {
  size_t row = 0, col = 0;
  unsigned from = 0, to = 0;
  unsigned verify_max_pulses = 0;
  Rng* device_rng = nullptr;
  ProgramOutcome outcome;  // out
};

// System B's digital unit: the work the perceptron counted in one phase.
struct DigitalOp : Request<DigitalOp> {
  QnnActivity work;
  Phase phase = Phase::inference;
};

// System B's digital unit updating one layer's hidden weights after a mini-batch, as a chain:
// `begin` the walk (gradient words, optimizer state and hidden weights stream in from SRAM),
// `through` weight `index` (returns when its new level is known, so its reprogramming can
// start), `end` (the rest of the walk and the last write-back; charges `work`, the update's
// counts). The unit walks the layer's weights in row-major order.
struct UpdateOp : Request<UpdateOp> {
  enum Kind { begin, through, end } kind = begin;
  uint64_t index = 0;  // through
  QnnActivity work;    // end
};

// The writes of one layer-step that land on one tile, in the rule's order (the device noise
// stream follows it). With write-verify on, each write is the verified loop (a read, then
// pulses and reads until the device is within tolerance of its target level).
struct PulseOp : Request<PulseOp> {
  const WriteMove* begin = nullptr;
  const WriteMove* end = nullptr;
  unsigned device = 0;
  const WriteVerify* verify = nullptr;
  Rng* device_rng = nullptr;
  LearningActivity* activity = nullptr;
};

// The controller reading the weights of `count` synapses held by one tile (p_update needs |W|).
struct WeightReadOp : Request<WeightReadOp> {
  uint64_t count = 0;
};

// `packets` address-event packets (spikes, pulse commands) or flits (partial sums).
struct MeshOp : Request<MeshOp> {
  unsigned src = 0, dst = 0;
  uint64_t packets = 0;
  Phase phase = Phase::inference;
};

struct CoreOp : Request<CoreOp> {
  enum Kind { fire, error } kind = fire;
  int t = 0;
};

// To a learning controller: decide its share of a layer-step (the layer's first controller
// also runs the rule), program a run of the layer-step's pulses that land on one tile, let
// the rule see the programmed batch, or end a sample (m growth, the prediction).
struct LearnOp : Request<LearnOp> {
  enum Kind { decide, program, finish, end_sample } kind = decide;
  unsigned layer = 0;
  bool run_rule = false;                  // decide
  const WriteMove* begin = nullptr;       // program: moves of the batch, in the rule's order,
  const WriteMove* end = nullptr;         //   all on tile `tile`
  size_t tile = 0;
  SampleResult* result = nullptr;         // end_sample: out
};

// RNG draws.
struct DrawOp : Request<DrawOp> {
  uint64_t draws = 0;
};

// SRAM traffic: `accesses` word accesses spread over the banks, reading and writing the
// bits given.
struct SramOp : Request<SramOp> {
  uint64_t read_bits = 0, write_bits = 0;
  uint64_t accesses = 0;
};

template <typename Socket>
std::string socket_name(Socket& socket) {
  if constexpr (std::is_base_of_v<sc_core::sc_object, std::decay_t<Socket>>) return socket.name();
  else return "a multi-socket binding";
}

// The blocking call once `payload` carries its request: starts at chip time `start_ps` (not
// before the kernel's time); returns the chip time the target finished.
template <typename Socket>
uint64_t transport_request(Socket&& socket, tlm::tlm_generic_payload& payload, uint64_t start_ps) {
  payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = delay_until(start_ps);
  socket->b_transport(payload, delay);
  if (!payload.is_response_ok())
    throw Error("chip: " + socket_name(socket) + " answered " + payload.get_response_string());
  return chip_ps_of(delay);
}

// A payload's fields other than the response: none is used, every request says what it wants.
inline void clear_payload_fields(tlm::tlm_generic_payload& payload) {
  payload.set_command(tlm::TLM_IGNORE_COMMAND);
  payload.set_address(0);
  payload.set_data_ptr(nullptr);
  payload.set_data_length(0);
  payload.set_streaming_width(0);
  payload.set_byte_enable_ptr(nullptr);
  payload.set_dmi_allowed(false);
}

// One transaction carrying `request` through `socket` (a simple socket, or one binding of a
// multi-socket): the request is attached for the call and detached after.
template <typename Socket, typename Op>
uint64_t transact(Socket&& socket, tlm::tlm_generic_payload& payload, Op& request, uint64_t start_ps) {
  clear_payload_fields(payload);
  payload.set_extension(&request);
  struct Detach {
    tlm::tlm_generic_payload& payload;
    Op& request;
    ~Detach() { payload.clear_extension(&request); }
  } detach{payload, request};
  return transport_request(socket, payload, start_ps);
}

// An initiator's reusable transaction for one kind of request: its own payload with `op`
// attached for the payload's whole life, so the chip's hot path attaches and detaches nothing
// (two library calls per transaction, a visible share of the timed mode's overhead).
template <typename Op>
class RequestPayload {
 public:
  Op op;

  RequestPayload() {
    clear_payload_fields(payload_);
    payload_.set_extension(&op);
  }
  // The payload would free an extension still attached when it is destroyed.
  ~RequestPayload() { payload_.clear_extension(&op); }
  RequestPayload(const RequestPayload&) = delete;
  RequestPayload& operator=(const RequestPayload&) = delete;

  template <typename Socket>
  uint64_t send(Socket&& socket, uint64_t start_ps) {
    return transport_request(socket, payload_, start_ps);
  }

 private:
  tlm::tlm_generic_payload payload_;
};

// `packets` from router `src` to router `dst`.
template <typename Socket>
uint64_t send_packets(Socket&& mesh, RequestPayload<MeshOp>& request, unsigned src, unsigned dst, uint64_t packets,
                      Phase phase, uint64_t start_ps) {
  request.op.src = src;
  request.op.dst = dst;
  request.op.packets = packets;
  request.op.phase = phase;
  return request.send(mesh, start_ps);
}

// The request a target serves, or nullptr after answering TLM_COMMAND_ERROR_RESPONSE.
template <typename Op>
Op* request_of(tlm::tlm_generic_payload& payload) {
  Op* op = nullptr;
  payload.get_extension(op);
  if (!op) payload.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
  return op;
}

// A target's answer: finished at chip time `finish_ps`.
inline void respond(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay, uint64_t finish_ps) {
  delay = delay_until(finish_ps);
  payload.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace mx
