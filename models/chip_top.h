#pragma once
// System A's chip: every block instantiated and bound from the config's chip description
// (chip.*: cores per layer, controllers and RNGs and whom they serve, SRAM banks, write
// drivers, a write budget, pipelining), and the step sequencer that drives a sample through
// them. In a time step input spikes go over the mesh to the first layer's tiles, the tiles
// read and convert, their partial sums travel to the cores that own those neurons, the
// cores fire, their spikes go to the next layer's tiles, and on a training step the error
// unit and the learning controllers follow. Each transaction starts when what it depends on
// has finished, so a step's latency is its critical path; without chip.pipeline a step
// starts when the previous one is done, with it a layer starts as soon as that layer is
// done with the previous step (layer l+1 of step t overlaps layer l of step t+1).
// Loosely timed: the sequencer's chip time is its quantum keeper's local time; targets
// reserve resources and return the finish as the b_transport delay; no block calls wait().
#include <functional>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

#include "chip/chip_schema.h"
#include "models/chip_base.h"
#include "models/crossbar_tile.h"
#include "models/learning_controller.h"
#include "models/neuron_core.h"
#include "models/rng_block.h"
#include "models/spike_mesh.h"
#include "snn/network.h"

namespace mx {

class ChipTop : public ChipBase {
 public:
  tlm_utils::multi_passthrough_initiator_socket<ChipTop> tiles;        // reads, one binding per tile
  tlm_utils::multi_passthrough_initiator_socket<ChipTop> cores;        // layer 0's cores, then layer 1's
  tlm_utils::simple_initiator_socket<ChipTop> mesh;
  tlm_utils::multi_passthrough_initiator_socket<ChipTop> controllers;  // one binding per controller

  // How a controller's programming socket reaches a tile; a test may put a monitor between.
  using ProgBinder = std::function<void(LearningController& controller, size_t tile, CrossbarTile& block)>;
  ChipTop(sc_core::sc_module_name name, const Config& config, SpikingNetwork& network,
          const ProgBinder& bind_prog = {});
  // The waveform signals are members of this class: the recorder goes before they do.
  ~ChipTop() override { close_vcd(); }

  const ChipDescription& description() const { return description_; }
  const CrossbarTile& tile_block(size_t i) const { return *tile_blocks_[i]; }
  const SpikeMesh& mesh_block() const { return *mesh_block_; }

 private:
  SampleResult simulate_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target) override;
  void start_task(size_t task_index) override { network_.begin_task(task_index); }
  void trace_signals(TrackWaves& waves) override;
  void run_step(int t);
  // Reads `layer` from `start`; returns when its last core has fired.
  uint64_t forward_layer(unsigned layer, int t, uint64_t start);
  uint64_t learn_layer(unsigned layer, uint64_t start);
  uint64_t core_op(size_t core, CoreOp::Kind kind, int t, uint64_t start_ps);
  // learn_'s request, reset to `kind` for `layer` (end_sample serves no single layer);
  // learn_op sends it.
  LearnOp& next_learn_op(LearnOp::Kind kind, unsigned layer = 0);
  uint64_t learn_op(size_t controller, uint64_t start_ps);
  uint64_t send(unsigned src, unsigned dst, uint64_t packets, Phase phase, uint64_t start_ps);

  SpikingNetwork& network_;
  ChipDescription description_;
  std::unique_ptr<WriteBudget> budget_;
  std::vector<std::unique_ptr<CrossbarTile>> tile_blocks_;
  std::unique_ptr<SpikeMesh> mesh_block_;
  std::vector<std::unique_ptr<NeuronCore>> core_blocks_;  // layer 0's, then layer 1's
  size_t first_core_[2] = {0, 0}, core_count_[2] = {0, 0};
  std::vector<unsigned> core_routers_;
  std::vector<std::unique_ptr<RngBlock>> rng_blocks_;
  std::vector<std::unique_ptr<SramBank>> m_sram_blocks_, acc_sram_blocks_;
  std::vector<std::unique_ptr<LearningController>> controller_blocks_;
  std::vector<size_t> controller_of_tile_;
  std::vector<size_t> layer_controllers_[2];

  RequestPayload<TileReadOp> read_;
  RequestPayload<MeshOp> mesh_;
  RequestPayload<CoreOp> core_;
  RequestPayload<LearnOp> learn_;
  // Where each tile's converted sums go: the cores that own some of its columns, in core
  // order, with the flits their share takes (tile i's are partial_routes_[partial_begin_[i]
  // .. partial_begin_[i + 1])). Fixed by the floorplan, so computed once.
  struct PartialRoute {
    size_t core;
    unsigned router;
    uint64_t packets;
  };
  void plan_partial_routes();
  std::vector<PartialRoute> partial_routes_;
  std::vector<size_t> partial_begin_;
  std::vector<uint64_t> tile_arrival_, core_arrival_, fired_;
  std::vector<std::pair<const uint32_t*, const uint32_t*>> row_spikes_;  // this layer-step's spikes per row tile
  // One burst of a layer-step: `ready_ps` its injection; `waiter` the tile (spikes) or the
  // core (partial sums) whose inputs it brings.
  struct Transfer {
    uint64_t ready_ps;
    size_t waiter;
    unsigned src, dst;
    uint64_t packets;
    uint64_t arrival_ps = 0;
  };
  std::vector<Transfer> transfers_;
  void send_in_injection_order();
  uint64_t layer_done_[2] = {0, 0};

  // Optional waveforms: the time step and its spike and pulse counts, from the step's start
  // (step) or end (counts): wave_ps_.
  uint64_t wave_ps_ = 0;
  ChipSignal step_signal_, input_spikes_signal_, hidden_spikes_signal_, output_spikes_signal_, pulses_signal_;
};

}  // namespace mx
