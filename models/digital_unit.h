#pragma once
// System B's digital processing unit (SPEC §2): it forms the activations and the error,
// accumulates the mini-batch gradient, runs the optimizer and the metaplastic gate over the
// hidden weights, and decides which devices to reprogram. The arithmetic is the
// perceptron's; this block charges it — floating-point operations on `core.lanes` lanes and
// the SRAM traffic of hidden weights, optimizer state and gradient buffer — and times it.
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
  void charge_sram(ComponentId id, uint64_t read_bits, uint64_t write_bits);

  ChipContext& context_;
  BlockRecord& record_;
  Resource lanes_;
  int track_;
  ChromeTrace::NameId inference_name_, learning_name_;
};

}  // namespace mx
