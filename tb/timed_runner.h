#pragma once
// The timed mode behind the replayer's interface: the SystemC chip model runs every sample,
// computing exactly what the functional kernels compute, plus time and energy.
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "models/chip_top.h"
#include "models/qnn_chip.h"
#include "tb/task_replayer.h"

namespace mx {

class TimedRunner : public SampleRunner {
 public:
  // `trace_dir`: where signals.vcd goes when trace.vcd is set (buffered while simulating, written by write_traces).
  TimedRunner(const Config& config, std::unique_ptr<ChipBase> chip, const std::string& trace_dir);
  // System A's chip, or System B's.
  TimedRunner(const Config& config, SpikingNetwork& network, const std::string& trace_dir);
  TimedRunner(const Config& config, QuantizedPerceptron& network, const std::string& trace_dir);
  void begin_task(size_t task_index) override;
  SampleResult run_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target) override;
  void end_training() override { chip_->end_training(); }
  void begin_test(size_t task_index) override { chip_->begin_test(task_index); }

  // energy_pj and latency sections of summary.json.
  nlohmann::json summary() const;
  // timeline.json, energy.csv (and signals.vcd when enabled) into `dir`.
  void write_traces(const std::string& dir);
  const ChipBase& chip() const { return *chip_; }

 private:
  std::unique_ptr<ChipBase> chip_;
  std::vector<uint32_t> task_of_sample_;
  uint32_t task_ = 0;
};

}  // namespace mx
