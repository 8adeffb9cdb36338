#pragma once
// What every chip model shares, whichever network it runs: the floorplan, the ledger and
// costs, the sample handshake with the replayer (a request event and sc_start), the
// per-sample energy and latency records, the quantum keeper that hands chip time to the
// kernel, and the optional waveform file. A derived chip only says how one sample runs.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "chip/floorplan.h"
#include "models/chip_context.h"
#include "snn/network.h"

namespace mx {

class Config;
class SynapseArray;

// Where a two-layer network's crossbars sit: tiles of tile.rows x tile.cols on a mesh of
// mesh.width x mesh.height (0 = the smallest square that holds them).
Floorplan plan_chip(const Config& config, const SynapseArray& layer0, const SynapseArray& layer1);

struct SampleCost {
  int64_t total_aj = 0;  // this sample's energy
  uint64_t chip_ps = 0;
  bool training = false;
};

class ChipBase : public sc_core::sc_module {
 public:
  using ContextMaker = std::function<std::unique_ptr<ChipContext>(const Floorplan&)>;
  ChipBase(sc_core::sc_module_name name, const Config& config, Floorplan floorplan, const ContextMaker& make_context);
  ~ChipBase() override;

  // Runs one sample through the chip (called from outside the simulation: it advances
  // the kernel until the sample is done).
  SampleResult run_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target);
  virtual void begin_task(size_t task_index) = 0;
  // After a task's training samples (a mini-batch learner applies its partial batch). Its
  // energy lands in the next sample's row of energy.csv; the totals hold it.
  virtual void end_training() {}

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

 protected:
  // One sample, from chip time now_ps_; it leaves now_ps_ at the sample's end.
  virtual SampleResult simulate_sample(const uint8_t* image, const std::vector<uint16_t>& permutation,
                                       int target) = 0;
  // The derived chip's waveforms, added to a freshly opened VCD file.
  virtual void trace_signals(sc_core::sc_trace_file* file) = 0;
  bool tracing_waveforms() const { return vcd_ != nullptr; }
  // Hands the chip time the sequencer kept in picoseconds to the SystemC kernel.
  void sync_to_chip_time();

  Floorplan floorplan_;
  std::unique_ptr<ChipContext> context_;
  uint64_t now_ps_ = 0;

 private:
  void sequencer();

  // The sample the sequencer is asked to run.
  const uint8_t* image_ = nullptr;
  const std::vector<uint16_t>* permutation_ = nullptr;
  int target_ = -1;
  bool pending_ = false;
  SampleResult result_;
  sc_core::sc_event request_;

  tlm_utils::tlm_quantumkeeper quantum_;
  std::vector<SampleCost> sample_costs_;
  std::vector<int64_t> sample_component_aj_;
  std::vector<int64_t> last_component_aj_;
  size_t window_samples_ = 0;
  int sample_track_ = 0;
  ChromeTrace::NameId train_name_ = 0, test_name_ = 0, energy_name_ = 0, inference_key_ = 0, learning_key_ = 0;
  sc_core::sc_trace_file* vcd_ = nullptr;
  std::string vcd_path_;
};

}  // namespace mx
