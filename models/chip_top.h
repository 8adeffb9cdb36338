#pragma once
// The chip: every block instantiated and bound from the config, and the step sequencer that
// drives a sample through them. A time step runs as a barrier-synchronised wave: input
// spikes go over the mesh to the first layer's tiles, the tiles read and convert, their
// partial sums travel to the layer's neuron core, the core fires, its spikes go to the next
// layer, and on a training step the error unit and the learning controller follow. Each
// phase starts when what it needs has arrived, so a step's latency is its critical path.
// Loosely timed: the sequencer keeps chip time in integer picoseconds and hands it to the
// kernel through a quantum keeper; no block calls wait().
#include <memory>
#include <vector>

#include <systemc>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "chip/floorplan.h"
#include "models/chip_context.h"
#include "models/crossbar_tile.h"
#include "models/learning_controller.h"
#include "models/neuron_core.h"
#include "models/rng_block.h"
#include "models/spike_mesh.h"
#include "snn/network.h"

namespace mx {

class Config;

struct SampleCost {
  int64_t total_aj = 0;  // this sample's energy
  uint64_t chip_ps = 0;
  bool training = false;
};

class ChipTop : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_initiator_socket<ChipTop> tiles;  // reads, one binding per tile
  tlm_utils::multi_passthrough_initiator_socket<ChipTop> cores;  // one per layer
  tlm_utils::simple_initiator_socket<ChipTop> mesh;
  tlm_utils::simple_initiator_socket<ChipTop> controller;

  ChipTop(sc_core::sc_module_name name, const Config& config, SpikingNetwork& network);
  ~ChipTop() override;

  // Runs one sample through the chip (called from outside the simulation: it advances
  // the kernel until the sample is done).
  SampleResult run_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target);

  const Floorplan& floorplan() const { return floorplan_; }
  ChipContext& context() { return *context_; }
  const ChipContext& context() const { return *context_; }
  const std::vector<SampleCost>& sample_costs() const { return sample_costs_; }
  // Energy of sample i in ledger component c: sample_component_aj()[i * components + c].
  const std::vector<int64_t>& sample_component_aj() const { return sample_component_aj_; }
  uint64_t chip_time_ps() const { return now_ps_; }
  uint64_t cycle_ps() const { return context_->costs.cycle_ps; }
  // Waveforms go to <path>.partial.vcd while simulating and become <path>.vcd on close.
  void open_vcd(const std::string& path);
  void close_vcd();

 private:
  void sequencer();
  void sync_to_chip_time();
  void run_step(int t);
  uint64_t forward_layer(unsigned layer, int t, uint64_t ready_ps);
  uint64_t mesh_transfer(std::vector<Burst>& bursts, Phase phase);
  uint64_t core_op(unsigned layer, CoreOp::Kind kind, int t, uint64_t start_ps);
  uint64_t learn_op(LearnOp::Kind kind, unsigned layer, uint64_t start_ps, SampleResult* result = nullptr);

  SpikingNetwork& network_;
  Floorplan floorplan_;
  std::unique_ptr<ChipContext> context_;
  std::vector<std::unique_ptr<CrossbarTile>> tile_blocks_;
  std::unique_ptr<SpikeMesh> mesh_block_;
  std::unique_ptr<NeuronCore> core_blocks_[2];
  std::unique_ptr<RngBlock> rng_block_;
  std::unique_ptr<SramBank> m_sram_block_, acc_sram_block_;
  std::unique_ptr<LearningController> controller_block_;

  // The sample the sequencer is asked to run.
  const uint8_t* image_ = nullptr;
  const std::vector<uint16_t>* permutation_ = nullptr;
  int target_ = -1;
  bool pending_ = false;
  SampleResult result_;
  sc_core::sc_event request_;

  tlm_utils::tlm_quantumkeeper quantum_;
  tlm::tlm_generic_payload payload_;
  TileReadOp read_op_;
  MeshOp mesh_op_;
  CoreOp core_op_;
  LearnOp learn_op_;
  std::vector<Burst> spike_bursts_, partial_bursts_;
  std::vector<std::pair<size_t, std::pair<const uint32_t*, const uint32_t*>>> reads_;  // tile, its rows
  uint64_t now_ps_ = 0;
  std::vector<SampleCost> sample_costs_;
  std::vector<int64_t> sample_component_aj_;
  std::vector<int64_t> last_component_aj_;
  size_t window_samples_ = 0;
  int sample_track_ = 0;
  ChromeTrace::NameId train_name_ = 0, test_name_ = 0, energy_name_ = 0, inference_key_ = 0, learning_key_ = 0;

  // Optional waveforms: per-step spike and pulse counts.
  sc_core::sc_trace_file* vcd_ = nullptr;
  std::string vcd_path_;
  sc_core::sc_signal<uint32_t> step_signal_, input_spikes_signal_, hidden_spikes_signal_, output_spikes_signal_,
      pulses_signal_;
};

}  // namespace mx
