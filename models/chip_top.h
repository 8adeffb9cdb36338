#pragma once
// The chip: every block instantiated and bound from the config, and the step sequencer that
// drives a sample through them. A time step runs as a barrier-synchronised wave: input
// spikes go over the mesh to the first layer's tiles, the tiles read and convert, their
// partial sums travel to the layer's neuron core, the core fires, its spikes go to the next
// layer, and on a training step the error unit and the learning controller follow. Each
// phase starts when what it needs has arrived, so a step's latency is its critical path.
// Loosely timed: the sequencer (ChipBase) keeps chip time in integer picoseconds and hands it
// to the kernel through a quantum keeper; no block calls wait().
#include <memory>
#include <vector>

#include <systemc>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

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
  tlm_utils::multi_passthrough_initiator_socket<ChipTop> tiles;  // reads, one binding per tile
  tlm_utils::multi_passthrough_initiator_socket<ChipTop> cores;  // one per layer
  tlm_utils::simple_initiator_socket<ChipTop> mesh;
  tlm_utils::simple_initiator_socket<ChipTop> controller;

  ChipTop(sc_core::sc_module_name name, const Config& config, SpikingNetwork& network);
  // The waveform signals are members of this class: the file closes before they go.
  ~ChipTop() override { close_vcd(); }
  void begin_task(size_t task_index) override { network_.begin_task(task_index); }

 private:
  SampleResult simulate_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target) override;
  void trace_signals(sc_core::sc_trace_file* file) override;
  void run_step(int t);
  uint64_t forward_layer(unsigned layer, int t, uint64_t ready_ps);
  uint64_t core_op(unsigned layer, CoreOp::Kind kind, int t, uint64_t start_ps);
  uint64_t learn_op(LearnOp::Kind kind, unsigned layer, uint64_t start_ps, SampleResult* result = nullptr);

  SpikingNetwork& network_;
  std::vector<std::unique_ptr<CrossbarTile>> tile_blocks_;
  std::unique_ptr<SpikeMesh> mesh_block_;
  std::unique_ptr<NeuronCore> core_blocks_[2];
  std::unique_ptr<RngBlock> rng_block_;
  std::unique_ptr<SramBank> m_sram_block_, acc_sram_block_;
  std::unique_ptr<LearningController> controller_block_;

  tlm::tlm_generic_payload payload_;
  TileReadOp read_op_;
  MeshOp mesh_op_;
  CoreOp core_op_;
  LearnOp learn_op_;
  std::vector<Burst> spike_bursts_, partial_bursts_;
  std::vector<std::pair<size_t, std::pair<const uint32_t*, const uint32_t*>>> reads_;  // tile, its rows

  // Optional waveforms: per-step spike and pulse counts.
  sc_core::sc_signal<uint32_t> step_signal_, input_spikes_signal_, hidden_spikes_signal_, output_spikes_signal_,
      pulses_signal_;
};

}  // namespace mx
