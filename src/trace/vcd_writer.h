#pragma once
// A value-change-dump writer for GTKWave and Surfer, fed by exact integer-picosecond times.
//
// The timed chip's sequencer runs up to a quantum ahead of the SystemC kernel, and its
// blocks reserve their resources for intervals that start and end anywhere inside it, so a
// signal written through sc_trace would land at the kernel's time, not at the chip time it
// describes. This writer takes the times the blocks computed instead: a value from a given
// picosecond on (`set`), or an interval during which a count is one higher (`interval`:
// busy resources, bursts in a router, decisions in progress). Changes are buffered in any
// order, sorted by time when the file is written, and several changes at one picosecond
// collapse into the value they leave, so back-to-back intervals show no glitch.
//
// The buffer holds at most `max_changes` changes; an interval is kept or dropped whole (a
// count never goes negative), and the file's header says how many were dropped.
#include <cstdint>
#include <string>
#include <vector>

namespace mx {

class VcdWriter {
 public:
  explicit VcdWriter(size_t max_changes = 1'000'000);

  // A `bits`-wide signal (1..64) in scope `scope` (one level under the top scope `top`);
  // names are made VCD-safe (spaces and punctuation become '_').
  int signal(const std::string& scope, const std::string& name, unsigned bits);
  // Signal `id` holds `value` from `time_ps` on.
  void set(int id, uint64_t time_ps, uint64_t value);
  // Signal `id` (a count) is one higher over [start_ps, end_ps); nothing for an empty one.
  void interval(int id, uint64_t start_ps, uint64_t end_ps);
  void add_comment(const std::string& text) { comments_.push_back(text); }
  void set_top(const std::string& top) { top_ = top; }

  size_t signal_count() const { return signals_.size(); }
  size_t change_count() const { return changes_.size(); }
  uint64_t dropped_changes() const { return dropped_; }

  // The whole file: header, $dumpvars at the first change's time (every signal 0 before
  // its first change), then the changes in time order, at a $timescale of 1 ps.
  std::string dump() const;
  void write(const std::string& path) const;  // via write_file_atomically

  static std::string safe_name(const std::string& text);

 private:
  struct Signal {
    std::string scope, name, code;
    unsigned bits;
  };
  struct Change {
    uint64_t time_ps;
    int64_t value;  // set: the value; interval: +1 or -1
    int32_t signal;
    bool delta;
  };
  bool room(size_t changes);

  size_t max_changes_;
  uint64_t dropped_ = 0;
  std::string top_ = "chip";
  std::vector<Signal> signals_;
  std::vector<Change> changes_;
  std::vector<std::string> comments_;
};

}  // namespace mx
