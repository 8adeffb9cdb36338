#pragma once
// A Chrome trace-event JSON writer: the file opens in ui.perfetto.dev and chrome://tracing.
// One process ("chip") with one track per busy resource (a tile, an ADC bank, a router, the
// RNG, the controller); "X" slices for busy intervals, "C" counters for energy and queue
// depths, "s"/"t"/"f" flow events for a spike's route across routers.
//
// Events are buffered as compact records (names interned once, arguments in a side array)
// and written once, atomically. A run can emit far more events than a viewer can load, so
// the buffer has a cap; events past it are dropped and counted, and the count is written
// into the file's otherData so a truncated trace says so.
//
// Times are integer picoseconds in and microseconds out (the format's unit), printed
// exactly with six fractional digits, so a slice's end (ts + dur) is exactly the next
// back-to-back slice's start.
//
// Viewers (Perfetto, speedscope, chrome://tracing) need the slices of one thread either
// disjoint or nested. A resource can hold overlapping work (a tile's write drivers pulse
// several rows at once, a router's bursts queue behind each other), so at dump time each
// track's slices are laid out on lanes: a slice goes on the first lane where it nests
// inside, or follows, what is open there, and a track that needs more than one lane gets
// sub-tracks "<track> #2", "#3", ... sorted right after it.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mx {

class ChromeTrace {
 public:
  using NameId = uint32_t;
  struct Arg {
    NameId key;
    double value;
  };
  enum class FlowPhase : char { start = 's', step = 't', end = 'f' };

  explicit ChromeTrace(size_t max_events = 1'000'000);

  // A track (thread) of the "chip" process; the same name returns the same id.
  int track(const std::string& name);
  // Interns an event, counter, series or argument name; cheap to pass around afterwards.
  NameId name(const std::string& text);

  // A busy interval on `track`.
  void slice(int track, NameId name, uint64_t start_ps, uint64_t duration_ps,
             std::initializer_list<Arg> args = {});
  // A counter sample: one counter `name` with one value per series.
  void counter(NameId name, uint64_t time_ps, std::initializer_list<Arg> series);
  // A flow arrow point, bound to the slice enclosing `time_ps` on `track` ("bp":"e").
  // One flow = one id with the same name at every point: start, steps, end.
  void flow(int track, NameId name, FlowPhase phase, uint64_t time_ps, uint64_t id);
  uint64_t new_flow_id() { return enabled_ ? next_flow_id_++ : 0; }

  void set_metadata(const std::string& key, const std::string& value);

  // While disabled (outside the trace window) events are ignored, not counted as dropped.
  void set_enabled(bool enabled) { enabled_ = enabled; }
  bool enabled() const { return enabled_; }
  const std::string& track_name(int track) const { return tracks_.at(static_cast<size_t>(track - 1)); }
  size_t track_count() const { return tracks_.size(); }
  const std::string& name_text(NameId name) const { return names_.at(name); }

  size_t event_count() const { return events_.size(); }
  uint64_t dropped_events() const { return dropped_; }
  size_t max_events() const { return max_events_; }

  // {"traceEvents":[...], "displayTimeUnit":"ns", "otherData":{...}}
  std::string dump() const;
  // Lanes a track's slices were laid out on by the last layout (1 when they all nest).
  size_t lanes(int track) const;
  void write(const std::string& path) const;  // via write_file_atomically

 private:
  struct Event {
    uint64_t time_ps;
    uint64_t duration_ps;  // X
    uint64_t flow_id;      // s/t/f
    NameId name;
    uint32_t first_arg;
    uint16_t arg_count;
    int32_t track;
    char phase;
  };
  bool admit();
  // For each event, the lane of its track it is drawn on (0 for counters).
  std::vector<uint32_t> layout_lanes() const;
  void push(char phase, int track, NameId name, uint64_t time_ps, uint64_t duration_ps, uint64_t flow_id,
            std::initializer_list<Arg> args);

  size_t max_events_;
  bool enabled_ = true;
  uint64_t dropped_ = 0;
  uint64_t next_flow_id_ = 1;
  std::vector<Event> events_;
  std::vector<Arg> args_;
  std::vector<std::string> names_;
  std::unordered_map<std::string, NameId> name_ids_;
  std::vector<std::string> tracks_;  // tid = index + 1
  std::vector<std::pair<std::string, std::string>> metadata_;
  mutable std::vector<size_t> lane_counts_;  // per track, from the last layout
};

}  // namespace mx
