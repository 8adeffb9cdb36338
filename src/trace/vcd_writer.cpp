#include "trace/vcd_writer.h"

#include <algorithm>

#include "common/atomic_file.h"
#include "common/error.h"

namespace mx {
namespace {

// VCD identifiers may be any printable ASCII, but a code that starts with '$', '#' or a
// digit reads like a keyword, a timestamp or a value to some parsers: letters only.
std::string identifier(size_t index) {
  static const char kLetters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string code;
  do {
    code += kLetters[index % 52];
    index /= 52;
  } while (index);
  return code;
}

void append_value(std::string& out, unsigned bits, uint64_t value, const std::string& code) {
  if (bits == 1) {
    out += value ? '1' : '0';
  } else {
    out += 'b';
    int top = 63;
    while (top > 0 && !((value >> top) & 1)) --top;
    for (int bit = top; bit >= 0; --bit) out += ((value >> bit) & 1) ? '1' : '0';
    out += ' ';
  }
  out += code;
  out += '\n';
}

}  // namespace

VcdWriter::VcdWriter(size_t max_changes) : max_changes_(max_changes) {}

std::string VcdWriter::safe_name(const std::string& text) {
  std::string name;
  for (const char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (keep) name += c;
    else if (!name.empty() && name.back() != '_') name += '_';
  }
  while (!name.empty() && name.back() == '_') name.pop_back();
  return name.empty() ? "_" : name;
}

int VcdWriter::signal(const std::string& scope, const std::string& name, unsigned bits) {
  if (bits < 1 || bits > 64) throw Error("vcd: signal '" + name + "' is " + std::to_string(bits) + " bits wide");
  signals_.push_back({safe_name(scope), safe_name(name), identifier(signals_.size()), bits});
  return static_cast<int>(signals_.size() - 1);
}

bool VcdWriter::room(size_t changes) {
  if (changes_.size() + changes <= max_changes_) return true;
  dropped_ += changes;
  return false;
}

void VcdWriter::set(int id, uint64_t time_ps, uint64_t value) {
  if (room(1)) changes_.push_back({time_ps, static_cast<int64_t>(value), id, false});
}

void VcdWriter::interval(int id, uint64_t start_ps, uint64_t end_ps) {
  if (end_ps <= start_ps || !room(2)) return;
  changes_.push_back({start_ps, 1, id, true});
  changes_.push_back({end_ps, -1, id, true});
}

std::string VcdWriter::dump() const {
  std::string out = "$version\n  metaxbar VcdWriter\n$end\n";
  for (const std::string& comment : comments_) out += "$comment\n  " + comment + "\n$end\n";
  if (dropped_)
    out += "$comment\n  truncated: " + std::to_string(dropped_) + " changes past the cap of " +
           std::to_string(max_changes_) + " were dropped\n$end\n";
  out += "$timescale 1 ps $end\n$scope module " + safe_name(top_) + " $end\n";
  // Signals of one scope together, scopes in the order they first appeared.
  std::vector<std::string> scopes;
  for (const Signal& s : signals_)
    if (std::find(scopes.begin(), scopes.end(), s.scope) == scopes.end()) scopes.push_back(s.scope);
  for (const std::string& scope : scopes) {
    out += "$scope module " + scope + " $end\n";
    for (const Signal& s : signals_)
      if (s.scope == scope)
        out += "$var wire " + std::to_string(s.bits) + " " + s.code + " " + s.name + " $end\n";
    out += "$upscope $end\n";
  }
  out += "$upscope $end\n$enddefinitions $end\n";

  std::vector<size_t> order(changes_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  // Stable: changes at one time apply in the order they were made.
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return changes_[a].time_ps < changes_[b].time_ps; });
  std::vector<int64_t> value(signals_.size(), 0), shown(signals_.size(), 0);
  std::vector<int32_t> touched;
  std::vector<uint8_t> is_touched(signals_.size(), 0);
  bool first = true;
  for (size_t i = 0; i < order.size() || first;) {
    const uint64_t time = i < order.size() ? changes_[order[i]].time_ps : 0;
    for (; i < order.size() && changes_[order[i]].time_ps == time; ++i) {
      const Change& c = changes_[order[i]];
      value[c.signal] = c.delta ? value[c.signal] + c.value : c.value;
      if (!is_touched[c.signal]) {
        is_touched[c.signal] = 1;
        touched.push_back(c.signal);
      }
    }
    if (first) {
      out += "#" + std::to_string(time) + "\n$dumpvars\n";
      for (size_t s = 0; s < signals_.size(); ++s) {
        append_value(out, signals_[s].bits, static_cast<uint64_t>(value[s]), signals_[s].code);
        shown[s] = value[s];
      }
      out += "$end\n";
      first = false;
    } else {
      std::string changed;
      for (const int32_t s : touched)
        if (value[s] != shown[s]) {
          append_value(changed, signals_[s].bits, static_cast<uint64_t>(value[s]), signals_[s].code);
          shown[s] = value[s];
        }
      if (!changed.empty()) out += "#" + std::to_string(time) + "\n" + changed;
    }
    for (const int32_t s : touched) is_touched[s] = 0;
    touched.clear();
  }
  return out;
}

void VcdWriter::write(const std::string& path) const { write_file_atomically(path, dump()); }

}  // namespace mx
