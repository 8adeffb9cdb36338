#pragma once
// The learning controller. On a training step it runs the rule's decision kernel (which
// post-neurons are eligible, p_update of each candidate from the metaplasticity SRAM, the
// comparison with the RNG's draw) and fires the resulting write pulses at the tiles, one
// pulse per transaction in the rule's order. At the end of a training sample it updates the
// metaplasticity variables. Everything it reads or writes is charged to the block that does it.
#include <systemc>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "chip/floorplan.h"
#include "models/chip_context.h"
#include "models/chip_ops.h"
#include "snn/network.h"

namespace mx {

class LearningController : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<LearningController> in;
  tlm_utils::simple_initiator_socket<LearningController> rng;
  tlm_utils::simple_initiator_socket<LearningController> m_sram;
  tlm_utils::simple_initiator_socket<LearningController> acc_sram;
  tlm_utils::multi_passthrough_initiator_socket<LearningController> prog;  // one binding per tile, in floorplan order

  LearningController(sc_core::sc_module_name name, SpikingNetwork& network, const Floorplan& floorplan,
                     ChipContext& context);

 private:
  void transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  uint64_t decide_and_program(unsigned layer, uint64_t start_ps);
  uint64_t end_sample(LearnOp& op);
  uint64_t charge_activity(const LearningActivity& before, uint64_t start_ps);
  uint64_t count_op(tlm_utils::simple_initiator_socket<LearningController>& socket, const CountOp& op);

  SpikingNetwork& network_;
  const Floorplan& floorplan_;
  ChipContext& context_;
  tlm::tlm_generic_payload payload_;
  CountOp count_op_;
  PulseOp pulse_op_;
  int track_;
  ChromeTrace::NameId decide_name_, meta_name_;
};

}  // namespace mx
