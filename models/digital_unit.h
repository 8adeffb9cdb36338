#pragma once
// System B's digital processing unit (SPEC §2): it forms the activations and the error,
// accumulates the mini-batch gradient, runs the optimizer and the metaplastic gate over the
// hidden weights, and decides which devices to reprogram. The arithmetic is the
// perceptron's; this block charges it — floating-point operations on `core.lanes` lanes and
// the SRAM traffic of hidden weights, optimizer state and gradient buffer — and times it.
// A layer update is a walk over the weights in order (UpdateOp): each weight's operands
// (gradient word, optimizer state, hidden weight) arrive one SRAM access ahead of its step
// on the lanes, its new level is known when the step is done, and the walk ends with the
// last hidden weight's write-back. Reprogramming a device waits for its weight's step.
#include <systemc>
#include <tlm_utils/simple_target_socket.h>

#include "models/chip_context.h"
#include "models/chip_ops.h"

namespace mx {

class DigitalUnit : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<DigitalUnit> in;

  DigitalUnit(sc_core::sc_module_name name, ChipContext& context);

 private:
  void work(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  void update(UpdateOp& op, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  // Charges `w`, done in `phase`; returns the lane operations it takes.
  uint64_t charge(const QnnActivity& w, Phase phase);
  void charge_sram(ComponentId id, Phase phase, uint64_t read_bits, uint64_t write_bits);
  // When weight `index` of the current walk is stepped (its new level known).
  uint64_t stepped_ps(uint64_t index) const;

  ChipContext& context_;
  BlockRecord& record_;
  Resource lanes_;
  uint64_t walk_origin_ps_ = 0;  // when the walk's first operands were requested
  uint64_t walked_ = 0;          // weights stepped so far in this walk
  int track_;
  ChromeTrace::NameId inference_name_, learning_name_;
};

}  // namespace mx
