#pragma once
// The on-chip random-number generator next to the learning controller. The draws themselves
// come from the gate's HwRng kernel (so both modes see the same numbers); this block charges
// the draws the controller consumed: energy per draw of its kind and width, and its clock
// cycles per draw, one draw after the other.
#include <systemc>
#include <tlm_utils/simple_target_socket.h>

#include "models/chip_context.h"
#include "models/chip_ops.h"

namespace mx {

class RngBlock : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<RngBlock> in;
  RngBlock(sc_core::sc_module_name name, ChipContext& context);

 private:
  void transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  ChipContext& context_;
  int track_;
  ChromeTrace::NameId draw_name_;
};

// An SRAM bank of the controller (metaplasticity variables m, or grad_acc's accumulators):
// energy per bit read and written, one access latency per operation.
class SramBank : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<SramBank> in;
  SramBank(sc_core::sc_module_name name, ComponentId component, ChipContext& context);

 private:
  void transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  ComponentId component_;
  ChipContext& context_;
  int track_;
  ChromeTrace::NameId access_name_;
};

}  // namespace mx
