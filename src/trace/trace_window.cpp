#include "trace/trace_window.h"

#include "config/schema_keys.h"

namespace mx {

void add_trace_window_keys(Schema& schema) {
  using namespace keys;
  schema.add(integer("trace.window_start", 0, 0, 9.007199254740992e15,
                     "index of the first sample timeline.json records, counted among trace.window_phase samples"));
  schema.add(choice("trace.window_phase", "train", {"train", "test"},
                    "which samples trace.window_start counts and timeline.json records"));
  schema.add(integer("trace.vcd_window_samples", 2, 0, 1e6,
                     "samples signals.vcd records (trace.vcd), from trace.window_start; the file holds at most "
                     "2 000 000 value changes"));
}

TraceWindow::TraceWindow(uint64_t start, uint64_t samples, bool training)
    : start_(start), samples_(samples), training_(training) {}

TraceWindow::TraceWindow(const Config& config)
    : TraceWindow(config.get_uint("trace.window_start"), config.get_uint("trace.window_samples"),
                  config.get_string("trace.window_phase") == "train") {}

bool TraceWindow::admit(bool training_sample) {
  if (training_sample != training_) return false;
  const uint64_t index = seen_++;
  return index >= start_ && index - start_ < samples_;
}

std::string TraceWindow::describe() const {
  const std::string phase = training_ ? "train" : "test";
  if (samples_ == 0) return "none";
  return phase + " samples " + std::to_string(start_) + ".." + std::to_string(start_ + samples_ - 1);
}

}  // namespace mx
