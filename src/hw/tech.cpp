#include "hw/tech.h"

#include <algorithm>
#include <cmath>
#include <cctype>
#include <cstdlib>

#include "common/error.h"

namespace mx {
namespace {

using json = nlohmann::json;

struct DefaultRow {
  const char* name;
  double energy_pj;
  double latency_ns;
  const char* source;
};

// Figures marked "derived" or "assumed" are ours; the reasoning is in the source text so
// that it reaches every report that uses the number. Logic figures are scaled from
// Horowitz's 45 nm table: a 32-bit add costs 0.1 pJ, i.e. ~3 fJ per full-adder bit-slice.
constexpr DefaultRow kDefaults[] = {
    // Memristive devices.
    {"rram_set", 0.6, 10,
     "NVSim sample RRAM cell: SET pulse 2.0 V, 10 ns, ~0.6 pJ per device"},
    {"rram_reset", 0.6, 10,
     "NVSim sample RRAM cell: RESET pulse 2.0 V, 10 ns, ~0.6 pJ per device"},
    {"rram_read", 0.1, 10,
     "NVSim sample RRAM cell: read at 0.4 V, ~0.1 pJ per device; latency assumed equal to the "
     "10 ns write pulse"},

    // Converters.
    {"adc_conversion_0bit", 1.6, 0.78125,
     "ideal ADC (adc.bits = 0) costed as the reference 8-bit SAR ADC of ISAAC (Shafiee et al., "
     "ISCA 2016): 2 mW at 1.28 GS/s ~ 1.6 pJ, 1 / 1.28 GS/s = 0.78125 ns"},
    {"adc_conversion_4bit", 0.7, 1,
     "MNSIM 2.0 ADC table: 4-bit ~0.7 pJ per conversion at 1 GS/s (1 ns)"},
    {"adc_conversion_5bit", 0.939, 1,
     "interpolated, not published: geometric mean of MNSIM 2.0's 4-bit (0.7 pJ) and 6-bit "
     "(1.26 pJ) figures, i.e. a constant energy factor per bit; 1 GS/s (1 ns)"},
    {"adc_conversion_6bit", 1.26, 1,
     "MNSIM 2.0 ADC table: 6-bit ~1.26 pJ per conversion at 1 GS/s (1 ns)"},
    {"adc_conversion_8bit", 1.6, 0.78125,
     "ISAAC (Shafiee et al., ISCA 2016) 8-bit SAR ADC: 2 mW at 1.28 GS/s ~ 1.6 pJ, "
     "1 / 1.28 GS/s = 0.78125 ns"},
    {"dac_row_drive", 0.0035, 1,
     "PUMA (Ankit et al., ASPLOS 2019) constants: ~3.5 fJ per row per 1 ns drive cycle"},

    // Digital memories (per bit; latency per access, all bits of a word in parallel).
    {"sram_read_bit", 0.16, 1,
     "Horowitz, ISSCC 2014 (45 nm): 64-bit read from an 8 KB SRAM = 10 pJ, ~0.16 pJ/bit; "
     "latency assumed one 1 ns cycle"},
    {"sram_write_bit", 0.16, 1,
     "assumed equal to sram_read_bit (Horowitz, ISSCC 2014 lists reads only); latency assumed "
     "one 1 ns cycle"},
    {"dram_access_64b", 1950, 50,
     "Horowitz, ISSCC 2014: 1.3-2.6 nJ per 64-bit DRAM access, midpoint 1.95 nJ; latency "
     "assumed ~50 ns (a DDR3 row cycle)"},

    // Random-number generators (the draw cost per kind is built in hw_rng.cpp).
    {"trng_bit", 23, 43.5,
     "Yang et al., ISSCC 2014, 23 Mb/s 23 pJ/bit fully synthesized TRNG: 23 pJ per bit, "
     "1 / 23 Mb/s = 43.5 ns per bit"},
    {"trng_bit_lowpower", 0.186, 1,
     "alternative to trng_bit: Zhang et al., JSSC 2022, 0.186 pJ/bit; latency assumed one bit "
     "per 1 ns cycle (throughput not recorded here)"},
    {"lfsr_flipflop_bit", 0.003, 1,
     "derived: one D flip-flop with its clock load taken as one full-adder bit-slice, "
     "~3 fJ (Horowitz, ISSCC 2014, 45 nm: 32-bit add 0.1 pJ); one shift per 1 ns clock "
     "(1 GHz assumed)"},
    {"lfsr_xor", 0.001, 0,
     "derived: a 2-input XOR taken as a third of a ~3 fJ full-adder bit-slice (a full adder "
     "is about two XORs and a majority gate; Horowitz, ISSCC 2014, 45 nm); combinational, "
     "inside the shift cycle"},
    {"xorshift32_draw", 0.192, 1,
     "derived: a 32-bit state register (32 x lfsr_flipflop_bit) and three 32-bit XOR-shift "
     "stages (96 x lfsr_xor; shifts are wiring) = 0.096 + 0.096 pJ; one 1 ns cycle"},

    // Spike network (Loihi's mesh: Davies et al., IEEE Micro 2018).
    {"router_hop_east_west", 3.0, 4.1,
     "Loihi (Davies et al., IEEE Micro 2018): 3.0 pJ and 4.1 ns per east-west tile hop"},
    {"router_hop_north_south", 4.2, 6.5,
     "Loihi (Davies et al., IEEE Micro 2018): 4.2 pJ and 6.5 ns per north-south tile hop"},
    {"router_in_tile", 1.7, 2.1,
     "Loihi (Davies et al., IEEE Micro 2018): 1.7 pJ, 2.1 ns within-tile spike delivery"},

    // Neuron cores and the learning controller.
    {"synaptic_event", 35.5, 1,
     "Loihi (Davies et al., IEEE Micro 2018) digital synaptic event, 35.5 pJ: kept to compare "
     "the crossbar against a digital synapse; latency assumed one 1 ns cycle"},
    {"neuron_update", 52, 1,
     "Loihi (Davies et al., IEEE Micro 2018) soma update, 51-73 pJ: 52 pJ used (the low end); "
     "latency assumed one 1 ns cycle"},
    {"comparator", 0.05, 1,
     "derived: the p_update gate's 16-bit magnitude compare is a 16-bit subtractor's carry "
     "chain, Horowitz ISSCC 2014 16-bit add 0.05 pJ (45 nm), per compare at rng.bits = 16; "
     "one 1 ns cycle"},
    {"lut_read", 2.56, 1,
     "derived: the p_update lookup table as SRAM, sram_read_bit 0.16 pJ x a 16-bit entry "
     "(rng.bits = 16); one 1 ns cycle"},
    {"fp32_mult", 3.7, 1,
     "Horowitz, ISSCC 2014 (45 nm): 32-bit floating-point multiply 3.7 pJ (System B's digital "
     "unit); latency assumed one 1 ns cycle per lane"},
    {"fp32_add", 0.9, 1,
     "Horowitz, ISSCC 2014 (45 nm): 32-bit floating-point add 0.9 pJ (System B's digital unit); "
     "latency assumed one 1 ns cycle per lane"},
};

constexpr double kDefaultEnduranceCycles = 1e6;
constexpr const char* kDefaultEnduranceSource =
    "HfO2 RRAM with a Ti buffer layer, > 1e6 SET/RESET cycles (Lee et al., IEDM 2008); "
    "published HfO2 figures span about 1e6-1e10";

constexpr const char* kEnduranceName = "endurance_cycles";
constexpr const char* kAdcPrefix = "adc_conversion_";

std::string join_path(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

// The `count` candidates nearest to `name`, nearest first, as "'a', 'b' or 'c'".
std::string nearest_names(const std::string& name, std::vector<std::string> candidates, size_t count) {
  std::stable_sort(candidates.begin(), candidates.end(), [&](const std::string& x, const std::string& y) {
    return edit_distance(name, x) < edit_distance(name, y);
  });
  candidates.resize(std::min(count, candidates.size()));
  std::string text;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (i > 0) text += i + 1 == candidates.size() ? " or " : ", ";
    text += "'" + candidates[i] + "'";
  }
  return text;
}

double read_figure(const json& value, const std::string& where) {
  if (!value.is_number()) throw Error(where + ": expected a number >= 0, got " + value.dump());
  const double x = value.get<double>();
  if (!std::isfinite(x) || x < 0) throw Error(where + ": expected a finite number >= 0, got " + value.dump());
  return x;
}

std::string read_source(const json& value, const std::string& where) {
  if (!value.is_string()) throw Error(where + ": expected a string, got " + value.dump());
  return value.get<std::string>();
}

// "adc_conversion_<n>bit" with n in 1..16: the one family of entries users may add, since
// a sweep over ADC widths needs a figure for each width and no paper tabulates them all.
bool is_addable_adc_name(const std::string& name) {
  const std::string prefix = kAdcPrefix, suffix = "bit";
  if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return false;
  }
  const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  const bool numeric = digits.size() <= 2 && std::all_of(digits.begin(), digits.end(),
                                                          [](unsigned char c) { return std::isdigit(c); });
  if (!numeric) return false;
  const int bits = std::atoi(digits.c_str());
  return bits >= 1 && bits <= 16 && std::to_string(bits) == digits;
}

const json& require_object(const json& value, const std::string& where) {
  if (!value.is_object()) throw Error(where + ": expected an object, got " + value.dump());
  return value;
}

}  // namespace

Tech Tech::defaults() {
  Tech tech;
  for (const DefaultRow& row : kDefaults) tech.entries_[row.name] = {row.energy_pj, row.latency_ns, row.source};
  tech.endurance_cycles_ = kDefaultEnduranceCycles;
  tech.endurance_source_ = kDefaultEnduranceSource;
  return tech;
}

Tech Tech::from_json(const json& document, const std::string& origin) {
  Tech tech = defaults();
  try {
    tech.apply_overrides(document, "");
  } catch (const Error& e) {
    // Paths inside the document read better after the file name than glued to it.
    throw Error(origin + ": " + e.what());
  }
  return tech;
}

void Tech::apply_overrides(const json& overrides, const std::string& json_path) {
  require_object(overrides, json_path.empty() ? std::string("tech") : json_path);
  for (auto item = overrides.begin(); item != overrides.end(); ++item) {
    const std::string& name = item.key();
    const std::string where = join_path(json_path, name);
    const json& fields = require_object(item.value(), where);

    if (name == kEnduranceName) {
      double value = endurance_cycles_;
      std::string source;
      for (auto field = fields.begin(); field != fields.end(); ++field) {
        const std::string field_where = join_path(where, field.key());
        if (field.key() == "value") {
          value = read_figure(field.value(), field_where);
        } else if (field.key() == "source") {
          source = read_source(field.value(), field_where);
        } else {
          throw Error(field_where + ": unknown field — did you mean " +
                      nearest_names(field.key(), {"value", "source"}, 1) + "?");
        }
      }
      if (source.empty() && value != endurance_cycles_) {
        source = "user value at " + where + " (default source: " + endurance_source_ + ")";
      }
      endurance_cycles_ = value;
      if (!source.empty()) endurance_source_ = source;
      continue;
    }

    auto found = entries_.find(name);
    const bool adding = found == entries_.end();
    if (adding && !is_addable_adc_name(name)) {
      std::vector<std::string> known = names();
      known.push_back(kEnduranceName);
      throw Error(where + ": unknown tech entry — did you mean " + nearest_names(name, known, 3) + "?");
    }
    TechEntry entry = adding ? TechEntry{} : found->second;
    bool has_energy = false, has_latency = false, has_source = false;
    for (auto field = fields.begin(); field != fields.end(); ++field) {
      const std::string field_where = join_path(where, field.key());
      if (field.key() == "energy_pj") {
        entry.energy_pj = read_figure(field.value(), field_where);
        has_energy = true;
      } else if (field.key() == "latency_ns") {
        entry.latency_ns = read_figure(field.value(), field_where);
        has_latency = true;
      } else if (field.key() == "source") {
        entry.source = read_source(field.value(), field_where);
        has_source = true;
      } else {
        throw Error(field_where + ": unknown field — did you mean " +
                    nearest_names(field.key(), {"energy_pj", "latency_ns", "source"}, 1) + "?");
      }
    }
    if (adding) {
      if (!has_energy || !has_latency) {
        throw Error(where + ": a new ADC entry needs both energy_pj and latency_ns");
      }
      if (!has_source) entry.source = "user entry at " + where;
    } else if (!has_source &&
               (entry.energy_pj != found->second.energy_pj || entry.latency_ns != found->second.latency_ns)) {
      entry.source = "user value at " + where + " (default source: " + found->second.source + ")";
    }
    entries_[name] = std::move(entry);
  }
}

const TechEntry& Tech::at(const std::string& name) const {
  auto found = entries_.find(name);
  if (found == entries_.end()) {
    throw Error("tech: no entry '" + name + "' — nearest: " + nearest_names(name, names(), 3));
  }
  return found->second;
}

std::vector<std::string> Tech::names() const {
  std::vector<std::string> result;
  result.reserve(entries_.size());
  for (const auto& [name, entry] : entries_) result.push_back(name);
  return result;
}

std::string Tech::adc_conversion_name(unsigned bits) {
  return kAdcPrefix + std::to_string(bits) + "bit";
}

TechEntry Tech::adc_conversion(unsigned bits) const {
  auto exact = entries_.find(adc_conversion_name(bits));
  if (exact != entries_.end()) return exact->second;

  // The nearest tabulated widths below and above (width 0 is the ideal label, not a width).
  unsigned below = 0, above = 0;
  for (unsigned b = 1; b <= 16; ++b) {
    if (!entries_.count(adc_conversion_name(b))) continue;
    if (b < bits) below = b;
    if (b > bits && above == 0) above = b;
  }
  if (below == 0 || above == 0) {
    throw Error("tech: no ADC figure for " + std::to_string(bits) + " bits and no tabulated widths on both "
                "sides to interpolate from; add \"" + adc_conversion_name(bits) +
                "\": {\"energy_pj\": ..., \"latency_ns\": ..., \"source\": \"...\"} to the tech overrides");
  }
  const TechEntry& low = entries_.at(adc_conversion_name(below));
  const TechEntry& high = entries_.at(adc_conversion_name(above));
  const double t = static_cast<double>(bits - below) / static_cast<double>(above - below);
  TechEntry entry;
  // A zero figure (a user's "free" converter) has no geometric path: fall back to linear.
  entry.energy_pj = low.energy_pj > 0 && high.energy_pj > 0
                        ? low.energy_pj * std::pow(high.energy_pj / low.energy_pj, t)
                        : low.energy_pj + t * (high.energy_pj - low.energy_pj);
  entry.latency_ns = low.latency_ns + t * (high.latency_ns - low.latency_ns);
  entry.source = "interpolated between " + adc_conversion_name(below) + " and " + adc_conversion_name(above) +
                 " (geometric in energy, linear in latency)";
  return entry;
}

json Tech::to_json() const {
  json document = json::object();
  for (const auto& [name, entry] : entries_) {
    document[name] = {{"energy_pj", entry.energy_pj}, {"latency_ns", entry.latency_ns}, {"source", entry.source}};
  }
  document[kEnduranceName] = {{"value", endurance_cycles_}, {"source", endurance_source_}};
  return document;
}

}  // namespace mx
