#include "trace/chrome_trace.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "common/error.h"

namespace mx {
namespace {

constexpr int kPid = 1;
constexpr size_t kMaxArgsPerEvent = 0xFFFF;

std::string quoted(const std::string& text) { return nlohmann::json(text).dump(); }

// Picoseconds as microseconds with exactly six fractional digits: no rounding, ever.
void append_us(std::string& out, uint64_t ps) {
  char buffer[48];
  const int n = std::snprintf(buffer, sizeof buffer, "%llu.%06llu", static_cast<unsigned long long>(ps / 1000000),
                              static_cast<unsigned long long>(ps % 1000000));
  out.append(buffer, static_cast<size_t>(n));
}

void append_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";  // JSON has no NaN or infinity
    return;
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

}  // namespace

ChromeTrace::ChromeTrace(size_t max_events) : max_events_(max_events) {
  events_.reserve(std::min<size_t>(max_events_, size_t{1} << 16));
}

int ChromeTrace::track(const std::string& name) {
  for (size_t i = 0; i < tracks_.size(); ++i) {
    if (tracks_[i] == name) return static_cast<int>(i + 1);
  }
  tracks_.push_back(name);
  return static_cast<int>(tracks_.size());
}

ChromeTrace::NameId ChromeTrace::name(const std::string& text) {
  auto [it, inserted] = name_ids_.emplace(text, static_cast<NameId>(names_.size()));
  if (inserted) names_.push_back(text);
  return it->second;
}

bool ChromeTrace::admit() {
  if (events_.size() < max_events_) return true;
  ++dropped_;
  return false;
}

void ChromeTrace::push(char phase, int track, NameId name, uint64_t time_ps, uint64_t duration_ps,
                       uint64_t flow_id, std::initializer_list<Arg> args) {
  if (!enabled_ || !admit()) return;
  if (args.size() > kMaxArgsPerEvent) throw Error("trace: too many arguments on one event");
  events_.push_back({time_ps, duration_ps, flow_id, name, static_cast<uint32_t>(args_.size()),
                     static_cast<uint16_t>(args.size()), track, phase});
  args_.insert(args_.end(), args.begin(), args.end());
}

void ChromeTrace::slice(int track, NameId name, uint64_t start_ps, uint64_t duration_ps,
                        std::initializer_list<Arg> args) {
  push('X', track, name, start_ps, duration_ps, 0, args);
}

void ChromeTrace::counter(NameId name, uint64_t time_ps, std::initializer_list<Arg> series) {
  push('C', 0, name, time_ps, 0, 0, series);
}

void ChromeTrace::flow(int track, NameId name, FlowPhase phase, uint64_t time_ps, uint64_t id) {
  push(static_cast<char>(phase), track, name, time_ps, 0, id, {});
}

void ChromeTrace::set_metadata(const std::string& key, const std::string& value) {
  for (auto& entry : metadata_) {
    if (entry.first == key) {
      entry.second = value;
      return;
    }
  }
  metadata_.emplace_back(key, value);
}

std::vector<uint32_t> ChromeTrace::layout_lanes() const {
  std::vector<uint32_t> lane_of(events_.size(), 0);
  std::vector<std::vector<size_t>> by_track(tracks_.size() + 1);
  for (size_t i = 0; i < events_.size(); ++i)
    if (events_[i].phase == 'X') by_track[static_cast<size_t>(events_[i].track)].push_back(i);
  lane_counts_.assign(tracks_.size() + 1, 1);
  for (size_t t = 1; t < by_track.size(); ++t) {
    std::vector<size_t>& slices = by_track[t];
    // Earlier first; at one start the longer first, so it becomes the parent.
    std::stable_sort(slices.begin(), slices.end(), [&](size_t a, size_t b) {
      const Event &x = events_[a], &y = events_[b];
      return x.time_ps != y.time_ps ? x.time_ps < y.time_ps : x.duration_ps > y.duration_ps;
    });
    std::vector<std::vector<uint64_t>> open;  // per lane, the ends of its enclosing slices
    for (size_t i : slices) {
      const uint64_t start = events_[i].time_ps, end = start + events_[i].duration_ps;
      size_t lane = 0;
      for (; lane < open.size(); ++lane) {
        std::vector<uint64_t>& stack = open[lane];
        while (!stack.empty() && stack.back() <= start) stack.pop_back();
        if (stack.empty() || end <= stack.back()) break;
      }
      if (lane == open.size()) open.emplace_back();
      open[lane].push_back(end);
      lane_of[i] = static_cast<uint32_t>(lane);
    }
    lane_counts_[t] = std::max<size_t>(1, open.size());
  }
  // A flow point goes to the lane whose slice encloses it, so "bp":"e" binds it there.
  for (size_t i = 0; i < events_.size(); ++i) {
    const Event& e = events_[i];
    if (e.phase == 'X' || e.phase == 'C') continue;
    // The latest-starting slice that encloses it (searched back a bounded way: flows sit
    // inside the short burst slices that carry them).
    const std::vector<size_t>& slices = by_track[static_cast<size_t>(e.track)];
    auto after = std::upper_bound(slices.begin(), slices.end(), e.time_ps,
                                  [&](uint64_t time, size_t j) { return time < events_[j].time_ps; });
    for (int steps = 0; after != slices.begin() && steps < 64; ++steps) {
      const Event& s = events_[*--after];
      if (e.time_ps < s.time_ps + s.duration_ps) {
        lane_of[i] = lane_of[*after];
        break;
      }
    }
  }
  return lane_of;
}

size_t ChromeTrace::lanes(int track) const {
  if (lane_counts_.size() != tracks_.size() + 1) layout_lanes();
  return track >= 1 && static_cast<size_t>(track) < lane_counts_.size() ? lane_counts_[static_cast<size_t>(track)] : 1;
}

std::string ChromeTrace::dump() const {
  const std::vector<uint32_t> lane_of = layout_lanes();
  // Lane 0 keeps the track's own tid; further lanes get tids after all tracks.
  std::vector<std::vector<int>> lane_tid(tracks_.size() + 1);
  int next_tid = static_cast<int>(tracks_.size()) + 1;
  for (size_t t = 1; t <= tracks_.size(); ++t) {
    lane_tid[t].push_back(static_cast<int>(t));
    for (size_t lane = 1; lane < lane_counts_[t]; ++lane) lane_tid[t].push_back(next_tid++);
  }
  // Written in time order (at one time, longer slices first), which some viewers need to
  // nest slices that start together.
  std::vector<size_t> order(events_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const Event &x = events_[a], &y = events_[b];
    return x.time_ps != y.time_ps ? x.time_ps < y.time_ps : x.duration_ps > y.duration_ps;
  });

  std::vector<std::string> quoted_names;
  quoted_names.reserve(names_.size());
  for (const std::string& n : names_) quoted_names.push_back(quoted(n));

  const std::string pid = ",\"pid\":" + std::to_string(kPid);
  std::string out;
  out.reserve(256 + events_.size() * 96);
  out += "{\"traceEvents\":[\n";
  out += "{\"ph\":\"M\"" + pid + ",\"name\":\"process_name\",\"args\":{\"name\":\"chip\"}}";
  for (size_t t = 1; t <= tracks_.size(); ++t) {
    for (size_t lane = 0; lane < lane_tid[t].size(); ++lane) {
      const std::string thread = ",\n{\"ph\":\"M\"" + pid + ",\"tid\":" + std::to_string(lane_tid[t][lane]);
      const std::string label = lane == 0 ? tracks_[t - 1] : tracks_[t - 1] + " #" + std::to_string(lane + 1);
      out += thread + ",\"name\":\"thread_name\",\"args\":{\"name\":" + quoted(label) + "}}";
      // Keep tracks in registration order rather than the viewer's alphabetical one, each
      // track's sub-tracks right under it.
      out += thread + ",\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":" +
             std::to_string(t * 1000 + lane) + "}}";
    }
  }
  for (const size_t index : order) {
    const Event& e = events_[index];
    out += ",\n{\"ph\":\"";
    out += e.phase;
    out += '"';
    out += pid;
    if (e.phase != 'C') {
      out += ",\"tid\":";
      out += std::to_string(lane_tid[static_cast<size_t>(e.track)][lane_of[index]]);
    }
    out += ",\"name\":";
    out += quoted_names[e.name];
    out += ",\"ts\":";
    append_us(out, e.time_ps);
    if (e.phase == 'X') {
      out += ",\"dur\":";
      append_us(out, e.duration_ps);
    } else if (e.phase != 'C') {
      // Flow points: matched by cat + id; "bp":"e" binds each to the slice that encloses it.
      out += ",\"cat\":\"flow\",\"id\":";
      out += std::to_string(e.flow_id);
      out += ",\"bp\":\"e\"";
    }
    if (e.arg_count > 0) {
      out += ",\"args\":{";
      for (uint32_t a = 0; a < e.arg_count; ++a) {
        const Arg& arg = args_[e.first_arg + a];
        if (a > 0) out += ',';
        out += quoted_names[arg.key];
        out += ':';
        append_number(out, arg.value);
      }
      out += '}';
    }
    out += '}';
  }
  out += "\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":";

  nlohmann::json other = nlohmann::json::object();
  for (const auto& [key, value] : metadata_) other[key] = value;
  other["events"] = events_.size();
  other["max_events"] = max_events_;
  other["dropped_events"] = dropped_;
  out += other.dump();
  out += "\n}\n";
  return out;
}

void ChromeTrace::write(const std::string& path) const { write_file_atomically(path, dump()); }

}  // namespace mx
