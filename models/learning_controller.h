#pragma once
// A learning controller. It serves a set of tiles (chip.controllers: all of them, one
// layer's, or one tile's) and, on a training step, works its share of each layer-step as a
// chain of dependent transactions: m of the candidates from its SRAM, then |W| of those
// with m > 0 from their tiles, the gate's draws from the RNG block(s) (in parallel with the
// m reads), the p_update lookups and comparisons on its own datapath once all three are in,
// and for grad_acc the accumulators' read-modify-writes after m. The pulses follow as
// commands over the mesh to each owning tile, in the rule's order (the device noise stream
// follows it), after the decision. The layer's first controller runs the rule's kernel; the
// kernel's per-tile tally says what each controller's share was.
// The m SRAMs hold the cells by home tile (a shared cell's home is the tile of its first
// synapse): a controller asks its own SRAM for the m reads of the cells its tiles are home
// to, whoever's candidate needs them, and so waits for those. With chip.controllers = "tile"
// and a shared m, a candidate whose cell lives in another tile's slice is served (timed and
// charged) by that home SRAM in the home controller's chain: its own controller does not
// wait for the remote read and the read does not cross the mesh. The growth of m at the
// sample's end goes to every SRAM holding a grown cell, in parallel.
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
  tlm_utils::multi_passthrough_initiator_socket<LearningController> rng;  // the RNG block(s) it draws from
  tlm_utils::multi_passthrough_initiator_socket<LearningController> m_sram;  // every m SRAM, in controller order
  tlm_utils::simple_initiator_socket<LearningController> acc_sram;
  tlm_utils::simple_initiator_socket<LearningController> mesh;
  tlm_utils::multi_passthrough_initiator_socket<LearningController> prog;  // one binding per tile, in floorplan order

  // `tiles`: the floorplan indices of the tiles it serves; `router`: where it sits;
  // `rng_per_tile`: rng binding i is tile i's generator (else binding 0 serves all);
  // `own_m_sram`: its own binding of m_sram; `m_sram_of_tile`: the binding whose SRAM holds
  // each floorplan tile's m (empty: binding 0 holds all).
  LearningController(sc_core::sc_module_name name, SpikingNetwork& network, const Floorplan& floorplan,
                     ChipContext& context, std::vector<size_t> tiles, unsigned router, bool rng_per_tile,
                     int layer = -1, size_t own_m_sram = 0, std::vector<size_t> m_sram_of_tile = {});
  // Every tile of the floorplan, at the controller router, one generator.
  LearningController(sc_core::sc_module_name name, SpikingNetwork& network, const Floorplan& floorplan,
                     ChipContext& context);

 private:
  void transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  uint64_t decide(unsigned layer, bool run_rule, uint64_t start_ps);
  uint64_t program(const LearnOp& op, uint64_t start_ps);
  uint64_t end_sample(LearnOp& op, uint64_t start_ps);
  template <typename Socket>
  uint64_t sram(Socket&& socket, uint64_t accesses, uint64_t read_bits, uint64_t write_bits, uint64_t start_ps);

  SpikingNetwork& network_;
  const Floorplan& floorplan_;
  ChipContext& context_;
  BlockRecord& record_;
  Resource datapath_;
  std::vector<size_t> tiles_;
  unsigned router_;
  bool rng_per_tile_;
  size_t own_m_sram_;
  std::vector<size_t> m_sram_of_tile_;
  std::vector<uint64_t> grown_before_[2], growth_per_sram_;
  uint64_t decided_ps_[2] = {0, 0};
  RequestPayload<SramOp> sram_;
  RequestPayload<DrawOp> draw_;
  RequestPayload<WeightReadOp> weight_read_;
  RequestPayload<MeshOp> mesh_;
  RequestPayload<PulseOp> pulses_;
  int track_;
  ChromeTrace::NameId decide_name_, meta_name_;
};

}  // namespace mx
