#pragma once
// What every chip model shares, whichever network it runs: the floorplan, the ledger and
// costs, the handshake with the replayer (every piece of work — a sample, a task start, the
// end of training — runs inside the sequencer's SC_THREAD, so every transaction is issued
// from a process), the per-sample energy and latency records, the quantum keeper whose local
// time is the chip time of the sequencer, and the optional waveform file (signals.vcd, written
// by our own VcdWriter from the blocks' exact-picosecond intervals: see trace/track_waves.h).
// A derived chip only says how one sample runs.
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "chip/floorplan.h"
#include "models/chip_context.h"
#include "snn/network.h"
#include "trace/trace_window.h"

namespace mx {

class Config;
class SynapseArray;

// Where a two-layer network's crossbars sit: tiles of tile.rows x tile.cols on a mesh of
// mesh.width x mesh.height (0 = the smallest square that holds them).
Floorplan plan_chip(const Config& config, const SynapseArray& layer0, const SynapseArray& layer1);

// A chip-level value in the waveform file, recorded at the chip time `clock` points to when
// it is written (the time of the work that produced the value), inside the VCD window only.
class ChipSignal {
 public:
  explicit ChipSignal(const char* name) : name_(name) {}
  void attach(TrackWaves& waves, const std::string& scope, const uint64_t* clock, unsigned bits = 32) {
    waves_ = &waves;
    clock_ = clock;
    id_ = waves.writer().signal(scope, name_, bits);
  }
  void write(uint64_t value) {
    if (waves_ && waves_->recording) waves_->writer().set(id_, *clock_, value);
  }

 private:
  const char* name_;
  TrackWaves* waves_ = nullptr;
  const uint64_t* clock_ = nullptr;
  int id_ = -1;
};

// Every tech latency at most 1 ms and every latency the chip derives from them at most 16 ms
// (models/chip_context.h says why); otherwise an mx::Error naming the entry or the latency.
void check_chip_latencies(const Config& config, const ChipCosts& costs);

struct SampleCost {
  int64_t total_aj = 0;  // this sample's energy
  uint64_t chip_ps = 0;
  bool training = false;
};

class ChipBase : public sc_core::sc_module {
 public:
  // The quantum keeper's quantum: the sequencer runs this far ahead of the kernel.
  static constexpr uint64_t kQuantumPs = 10'000'000;  // 10 us

  using ContextMaker = std::function<std::unique_ptr<ChipContext>(const Floorplan&)>;
  ChipBase(sc_core::sc_module_name name, const Config& config, Floorplan floorplan, const ContextMaker& make_context);
  ~ChipBase() override;

  // Runs one sample through the chip (called from outside the simulation: it advances
  // the kernel until the sample is done).
  SampleResult run_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target);
  void begin_task(size_t task_index);
  // After a task's training samples (a mini-batch learner applies its partial batch). Its
  // energy lands in the next sample's row of energy.csv; the totals hold it.
  void end_training();
  // Before task `task_index`'s test set (a chip with per-task state selects that task's).
  void begin_test(size_t task_index);

  const Floorplan& floorplan() const { return floorplan_; }
  ChipContext& context() { return *context_; }
  const ChipContext& context() const { return *context_; }
  const std::vector<SampleCost>& sample_costs() const { return sample_costs_; }
  // Energy of sample i in ledger component c: sample_component_aj()[i * components + c].
  const std::vector<int64_t>& sample_component_aj() const { return sample_component_aj_; }
  uint64_t chip_time_ps() const { return now_ps_; }
  // The SystemC kernel's time: equal to chip_time_ps() whenever the chip is idle.
  uint64_t kernel_time_ps() const { return sc_core::sc_time_stamp().value(); }
  uint64_t cycle_ps() const { return context_->costs.cycle_ps; }
  // Waveforms of the samples in the VCD window (trace.vcd_window_samples from
  // trace.window_start) are buffered while simulating and written to <path>.vcd by
  // write_vcd(); close_vcd() stops recording and drops what was not written (a failed run
  // writes no waveforms).
  static constexpr size_t kMaxVcdChanges = 2'000'000;
  void open_vcd(const std::string& path);
  void write_vcd();
  void close_vcd();

 protected:
  // One sample, from chip time now_ps_; it leaves now_ps_ at the sample's end.
  virtual SampleResult simulate_sample(const uint8_t* image, const std::vector<uint16_t>& permutation,
                                       int target) = 0;
  virtual void start_task(size_t task_index) = 0;
  virtual void finish_training() {}
  virtual void start_test(size_t /*task_index*/) {}
  // The derived chip's own signals (ChipSignal::attach), added when the VCD is opened.
  virtual void trace_signals(TrackWaves& waves) = 0;
  // Whether this sample's waveforms are recorded.
  bool tracing_waveforms() const { return context_->waves && context_->waves->recording; }
  // The sequencer has reached chip time `chip_ps`: the quantum keeper's local time; the
  // kernel catches up when the quantum is used up.
  void advance_to(uint64_t chip_ps);
  // Hands chip time `chip_ps` to the kernel now (sync_to_chip_time: all of it).
  void sync_to(uint64_t chip_ps);
  void sync_to_chip_time() { sync_to(now_ps_); }

  Floorplan floorplan_;
  std::unique_ptr<ChipContext> context_;
  uint64_t now_ps_ = 0;

 private:
  void sequencer();
  // Runs `job` inside the sequencer thread and returns when it is done; what the job threw
  // is rethrown here, on the caller's stack.
  void run_job(const std::function<void()>& job);
  SampleResult sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target);

  const std::function<void()>* job_ = nullptr;
  std::exception_ptr job_failure_;
  sc_core::sc_event request_;

  tlm_utils::tlm_quantumkeeper quantum_;
  std::vector<SampleCost> sample_costs_;
  std::vector<int64_t> sample_component_aj_;
  std::vector<int64_t> last_component_aj_;
  TraceWindow trace_window_{0, 0, true};  // which samples the timeline records (trace.window_*)
  TraceWindow vcd_window_{0, 0, true};    // and the waveforms (trace.vcd_window_samples)
  int sample_track_ = 0;
  ChromeTrace::NameId train_name_ = 0, test_name_ = 0, energy_name_ = 0, inference_key_ = 0, learning_key_ = 0;
  std::string vcd_path_;
  uint64_t task_index_ = 0;
  ChipSignal sample_signal_{"sample"}, task_signal_{"task"}, training_signal_{"training"};
};

}  // namespace mx
