#pragma once
// Which samples a timed run records in timeline.json. The first samples of a run are not
// typical (the first training sample of the default testbench takes ~2.4x the mean chip
// time: every device and buffer is cold), so the window can start anywhere:
//   trace.window_phase    "train" | "test": which samples are counted
//   trace.window_start    the index of the first recorded one among those (0 = the first)
//   trace.window_samples  how many are recorded
// Training samples are counted over the whole run (all tasks and epochs), test samples
// in the order they are evaluated (every test set after every task).
#include <cstdint>
#include <string>

#include "config/config.h"

namespace mx {

// Adds trace.window_start and trace.window_phase (config/schema.cpp calls it).
void add_trace_window_keys(Schema& schema);

class TraceWindow {
 public:
  TraceWindow(uint64_t start, uint64_t samples, bool training);
  explicit TraceWindow(const Config& config);

  // Called once per sample, in run order: whether this one is recorded.
  bool admit(bool training_sample);

  // "train samples 100..101" for the timeline's metadata.
  std::string describe() const;

 private:
  uint64_t start_, samples_;
  bool training_;
  uint64_t seen_ = 0;  // samples of the chosen phase so far
};

}  // namespace mx
