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
  if (!admit()) return;
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

std::string ChromeTrace::dump() const {
  std::vector<std::string> quoted_names;
  quoted_names.reserve(names_.size());
  for (const std::string& n : names_) quoted_names.push_back(quoted(n));

  const std::string pid = ",\"pid\":" + std::to_string(kPid);
  std::string out;
  out.reserve(256 + events_.size() * 96);
  out += "{\"traceEvents\":[\n";
  out += "{\"ph\":\"M\"" + pid + ",\"name\":\"process_name\",\"args\":{\"name\":\"chip\"}}";
  for (size_t i = 0; i < tracks_.size(); ++i) {
    const std::string thread = ",\n{\"ph\":\"M\"" + pid + ",\"tid\":" + std::to_string(i + 1);
    out += thread + ",\"name\":\"thread_name\",\"args\":{\"name\":" + quoted(tracks_[i]) + "}}";
    // Keep tracks in registration order rather than the viewer's alphabetical one.
    out += thread + ",\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":" + std::to_string(i + 1) + "}}";
  }
  for (const Event& e : events_) {
    out += ",\n{\"ph\":\"";
    out += e.phase;
    out += '"';
    out += pid;
    if (e.phase != 'C') {
      out += ",\"tid\":";
      out += std::to_string(e.track);
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
