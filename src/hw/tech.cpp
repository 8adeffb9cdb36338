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
  double area_um2;
  double leakage_uw;
  double node_nm;
  const char* source;
  // Leakage we could not source is assumed; its corners are value / factor and value x
  // factor (0 = no corners).
  double leakage_factor = 0;
  double voltage_v = 0;  // only entries the chip prices from a conductance have one
};

// Figures marked "derived" or "assumed" are ours; the reasoning is in the source text so
// that it reaches every report that uses the number. Logic figures are scaled from
// Horowitz's 45 nm table: a 32-bit add costs 0.1 pJ, i.e. ~3 fJ per full-adder bit-slice.
// Where no leakage figure is published, a block's leakage is assumed to be 10 % of its
// published full-activity power (the energy per operation at its rate), with corners at
// 3x either way: 45-32 nm logic leaks of that order, and the spread says how little we know.

constexpr DefaultRow kDefaults[] = {
    // Memristive devices: the pulses and the read are device physics (2.0 V / 0.4 V across
    // the cell), not CMOS, so they are not node-scaled.
    {"rram_set", 0.6, 10, 0, 0, 0,
     "NVSim sample RRAM cell: SET pulse 2.0 V, 10 ns, ~0.6 pJ per device"},
    {"rram_reset", 0.6, 10, 0, 0, 0,
     "NVSim sample RRAM cell: RESET pulse 2.0 V, 10 ns, ~0.6 pJ per device"},
    {"rram_read", 0.1, 10, 0, 0, 0,
     "NVSim sample RRAM cell: read at 0.4 V, ~0.1 pJ per device; latency assumed equal to the "
     "10 ns write pulse. A tile read charges voltage_v^2 x G x latency per device (its own "
     "conductance); energy_pj is the controller's and the verify read's per-device figure",
     0, 0.4},
    {"device_cell", 0, 0, 0.00153, 0, 32,
     "area per device: ISAAC (Shafiee et al., ISCA 2016, 32 nm) tabulates 8 memristor arrays of "
     "128x128 cells in 0.0002 mm^2, i.e. 200 um^2 / 131072 = 0.00153 um^2 per cell (a selector-less "
     "crossbar; a 1T1R cell is several times larger); no leakage: a non-volatile cell draws current "
     "only while read or written, which the energies charge"},

    // Tile periphery and converters.
    {"adc_conversion_0bit", 1.6, 0.78125, 1200, 200, 32,
     "ideal ADC (adc.bits = 0) costed as the reference 8-bit SAR ADC of ISAAC (Shafiee et al., "
     "ISCA 2016, 32 nm): 2 mW at 1.28 GS/s ~ 1.6 pJ, 1 / 1.28 GS/s = 0.78125 ns; area 0.0096 mm^2 "
     "for 8 ADCs = 1200 um^2 each; leakage assumed 10 % of its 2 mW, corners x/3 and x3", 3},
    {"adc_conversion_4bit", 0.7, 1, 75, 70, 45,
     "MNSIM 2.0 ADC table: 4-bit ~0.7 pJ per conversion at 1 GS/s (1 ns), node taken as MNSIM's "
     "45 nm default; area derived: ISAAC's 8-bit 1200 um^2 / 2^4 (a SAR ADC's capacitor DAC, its "
     "largest part, halves per bit); leakage assumed 10 % of 0.7 mW, corners x/3 and x3", 3},
    {"adc_conversion_5bit", 0.939, 1, 150, 93.9, 45,
     "interpolated, not published: geometric mean of MNSIM 2.0's 4-bit (0.7 pJ) and 6-bit "
     "(1.26 pJ) figures, i.e. a constant energy factor per bit; 1 GS/s (1 ns); area derived: "
     "ISAAC's 8-bit 1200 um^2 / 2^3; leakage assumed 10 % of 0.939 mW, corners x/3 and x3", 3},
    {"adc_conversion_6bit", 1.26, 1, 300, 126, 45,
     "MNSIM 2.0 ADC table: 6-bit ~1.26 pJ per conversion at 1 GS/s (1 ns), node taken as MNSIM's "
     "45 nm default; area derived: ISAAC's 8-bit 1200 um^2 / 2^2; leakage assumed 10 % of 1.26 mW, "
     "corners x/3 and x3", 3},
    {"adc_conversion_8bit", 1.6, 0.78125, 1200, 200, 32,
     "ISAAC (Shafiee et al., ISCA 2016, 32 nm) 8-bit SAR ADC: 2 mW at 1.28 GS/s ~ 1.6 pJ, "
     "1 / 1.28 GS/s = 0.78125 ns; area 0.0096 mm^2 for 8 ADCs = 1200 um^2 each; leakage assumed "
     "10 % of its 2 mW, corners x/3 and x3", 3},
    {"dac_row_drive", 0.0035, 1, 0.166, 0.39, 32,
     "PUMA (Ankit et al., ASPLOS 2019) constants: ~3.5 fJ per row per 1 ns drive cycle; area per row "
     "driver: ISAAC (32 nm) 8 x 128 1-bit DACs in 0.00017 mm^2 = 0.166 um^2 and 4 mW = 3.9 uW each; "
     "leakage assumed 10 % of that, corners x/3 and x3", 3},
    {"sense_circuit", 0, 0, 0.039, 0.00098, 32,
     "per bit line: ISAAC (32 nm) 8 x 128 sample-and-hold circuits in 0.00004 mm^2 = 0.039 um^2 and "
     "10 uW = 0.0098 uW each; leakage assumed 10 % of that, corners x/3 and x3", 3},
    {"write_driver", 0, 0, 50, 1, 0,
     "assumed, not published here: one 2 V write driver per tile (level shifter and a switch able to "
     "source the SET/RESET current), 50 um^2 and 1 uW; device-voltage circuit, not node-scaled"},

    // Digital memories (per bit; latency per access, all bits of a word in parallel).
    {"sram_read_bit", 0.16, 1, 0, 0, 45,
     "Horowitz, ISSCC 2014 (45 nm): 64-bit read from an 8 KB SRAM = 10 pJ, ~0.16 pJ/bit; "
     "latency assumed one 1 ns cycle"},
    {"sram_write_bit", 0.16, 1, 0, 0, 45,
     "assumed equal to sram_read_bit (Horowitz, ISSCC 2014 lists reads only); latency assumed "
     "one 1 ns cycle"},
    {"sram_cell", 0, 0, 0.346, 0.00005, 45,
     "per bit: 6T cell of 0.346 um^2 (Mistry et al., IEDM 2007, Intel 45 nm high-k metal gate); "
     "leakage assumed 50 pW per bit (high-Vt cells at 45 nm leak tens to hundreds of pW), corners "
     "x/3 and x3", 3},
    {"sram_bank_periphery", 0, 0, 9750, 100, 45,
     "per 8 KB (65536-bit) bank, Horowitz's SRAM size: decoders, sense amplifiers and write drivers "
     "derived as a 70 % array efficiency, 65536 x 0.346 um^2 x 0.3 / 0.7 = 9750 um^2; leakage assumed "
     "1 % of the 10 mW a 64-bit read per 1 ns cycle draws, corners x/3 and x3", 3},
    {"dram_access_64b", 1950, 50, 0, 0, 45,
     "Horowitz, ISSCC 2014: 1.3-2.6 nJ per 64-bit DRAM access, midpoint 1.95 nJ; latency "
     "assumed ~50 ns (a DDR3 row cycle); off chip: no area or leakage on this chip"},

    // Random-number generators (the draw cost per kind is built in hw_rng.cpp; the area of
    // an LFSR from its flip-flops and XOR gates).
    {"trng_bit", 23, 43.5, 375, 53, 0,
     "Yang et al., ISSCC 2014, 23 Mb/s 23 pJ/bit fully synthesized TRNG: 23 pJ per bit, "
     "1 / 23 Mb/s = 43.5 ns per bit; area assumed 375 um^2 (a synthesized ring-oscillator source "
     "with its post-processing), leakage assumed 10 % of 23 pJ x 23 Mb/s, corners x/3 and x3; "
     "node not recorded here, not scaled", 3},
    {"trng_bit_lowpower", 0.186, 1, 375, 0.0186, 0,
     "alternative to trng_bit: Zhang et al., JSSC 2022, 0.186 pJ/bit; latency assumed one bit "
     "per 1 ns cycle (throughput not recorded here); area assumed as trng_bit, leakage assumed "
     "10 % of 0.186 pJ x 1 Gb/s; node not recorded here, not scaled", 3},
    {"lfsr_flipflop_bit", 0.003, 1, 4.522, 0.3, 45,
     "derived: one D flip-flop with its clock load taken as one full-adder bit-slice, "
     "~3 fJ (Horowitz, ISSCC 2014, 45 nm: 32-bit add 0.1 pJ); one shift per 1 ns clock "
     "(1 GHz assumed); area of NanGate 45 nm DFF_X1, 4.522 um^2; leakage assumed 10 % of 3 fJ x "
     "1 GHz, corners x/3 and x3", 3},
    {"lfsr_xor", 0.001, 0, 1.596, 0.1, 45,
     "derived: a 2-input XOR taken as a third of a ~3 fJ full-adder bit-slice (a full adder "
     "is about two XORs and a majority gate; Horowitz, ISSCC 2014, 45 nm); combinational, "
     "inside the shift cycle; area of NanGate 45 nm XOR2_X1, 1.596 um^2; leakage assumed 10 % of "
     "1 fJ x 1 GHz, corners x/3 and x3", 3},
    {"xorshift32_draw", 0.192, 1, 297.9, 19.2, 45,
     "derived: a 32-bit state register (32 x lfsr_flipflop_bit) and three 32-bit XOR-shift "
     "stages (96 x lfsr_xor; shifts are wiring) = 0.096 + 0.096 pJ; one 1 ns cycle; area and "
     "leakage the same sums, 32 x 4.522 + 96 x 1.596 um^2 and 32 x 0.3 + 96 x 0.1 uW", 3},

    // Spike network (Loihi's mesh: Davies et al., IEEE Micro 2018, 14 nm).
    {"router_hop_east_west", 3.0, 4.1, 0, 0, 14,
     "Loihi (Davies et al., IEEE Micro 2018, 14 nm): 3.0 pJ and 4.1 ns per east-west tile hop"},
    {"router_hop_north_south", 4.2, 6.5, 0, 0, 14,
     "Loihi (Davies et al., IEEE Micro 2018, 14 nm): 4.2 pJ and 6.5 ns per north-south tile hop"},
    {"router_in_tile", 1.7, 2.1, 0, 0, 14,
     "Loihi (Davies et al., IEEE Micro 2018, 14 nm): 1.7 pJ, 2.1 ns within-tile spike delivery"},
    {"router", 0, 0, 37750, 1050, 32,
     "per mesh router: ISAAC (Shafiee et al., ISCA 2016, 32 nm) router of 0.151 mm^2 and 42 mW "
     "shared by 4 tiles, a quarter per tile (37750 um^2, 10.5 mW); leakage assumed 10 % of the "
     "10.5 mW, corners x/3 and x3", 3},

    // Neuron cores and the learning controller.
    {"synaptic_event", 35.5, 1, 0, 0, 14,
     "Loihi (Davies et al., IEEE Micro 2018, 14 nm) digital synaptic event, 35.5 pJ: kept to compare "
     "the crossbar against a digital synapse; latency assumed one 1 ns cycle"},
    {"neuron_update", 52, 1, 0, 0, 14,
     "Loihi (Davies et al., IEEE Micro 2018, 14 nm) soma update, 51-73 pJ: 52 pJ used (the low end); "
     "latency assumed one 1 ns cycle"},
    {"neuron_lane", 0, 0, 3632, 320, 45,
     "per neuron-core lane (core.lanes per core): derived as one 32-bit multiplier and one 32-bit "
     "adder, Horowitz ISSCC 2014 (45 nm) areas 3495 + 137 um^2; leakage assumed 10 % of their "
     "(3.1 + 0.1) pJ at 1 GHz, corners x/3 and x3", 3},
    {"comparator", 0.05, 1, 67, 5, 45,
     "derived: the p_update gate's 16-bit magnitude compare is a 16-bit subtractor's carry "
     "chain, Horowitz ISSCC 2014 16-bit add 0.05 pJ and 67 um^2 (45 nm), per compare at "
     "rng.bits = 16; one 1 ns cycle; leakage assumed 10 % of 0.05 pJ x 1 GHz, corners x/3 and x3", 3},
    {"controller_logic", 0, 0, 5000, 50, 45,
     "assumed, not published here: the learning controller's sequencer and address generation, "
     "5000 um^2 (about 1000 NanGate 45 nm gates) and 50 uW, corners x/3 and x3", 3},
    {"lut_read", 2.56, 1, 0, 0, 45,
     "derived: the p_update lookup table as SRAM, sram_read_bit 0.16 pJ x a 16-bit entry "
     "(rng.bits = 16); one 1 ns cycle"},
    {"fp32_mult", 3.7, 1, 7700, 370, 45,
     "Horowitz, ISSCC 2014 (45 nm): 32-bit floating-point multiply 3.7 pJ and 7700 um^2 (System B's "
     "digital unit, one per lane); latency assumed one 1 ns cycle per lane; leakage assumed 10 % of "
     "3.7 pJ x 1 GHz, corners x/3 and x3", 3},
    {"fp32_add", 0.9, 1, 4184, 90, 45,
     "Horowitz, ISSCC 2014 (45 nm): 32-bit floating-point add 0.9 pJ and 4184 um^2 (System B's "
     "digital unit, one per lane); latency assumed one 1 ns cycle per lane; leakage assumed 10 % of "
     "0.9 pJ x 1 GHz, corners x/3 and x3", 3},
};

constexpr double kDefaultEnduranceCycles = 1e6;
constexpr const char* kDefaultEnduranceSource =
    "HfO2 RRAM with a Ti buffer layer, > 1e6 SET/RESET cycles (Lee et al., IEDM 2008); "
    "published HfO2 figures span about 1e6-1e10";

constexpr const char* kEnduranceName = "endurance_cycles";
constexpr const char* kNodeName = "node_nm";
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
  for (const DefaultRow& row : kDefaults) {
    Published& p = tech.published_[row.name];
    p.entry = {row.energy_pj, row.latency_ns, row.area_um2, row.leakage_uw, row.node_nm, row.voltage_v, row.source};
    if (row.leakage_factor > 0)
      p.bounds[TechFigure::leakage_uw] = {row.leakage_uw / row.leakage_factor, row.leakage_uw * row.leakage_factor};
  }
  tech.endurance_cycles_ = kDefaultEnduranceCycles;
  tech.endurance_source_ = kDefaultEnduranceSource;
  tech.rescale();
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

namespace {

double& figure_of(TechEntry& entry, TechFigure figure) {
  switch (figure) {
    case TechFigure::energy_pj: return entry.energy_pj;
    case TechFigure::latency_ns: return entry.latency_ns;
    case TechFigure::area_um2: return entry.area_um2;
    case TechFigure::leakage_uw: return entry.leakage_uw;
  }
  return entry.energy_pj;
}

std::vector<std::string> entry_fields() {
  std::vector<std::string> fields = {"node_nm", "source", "spread", "voltage_v"};
  for (TechFigure f : kTechFigures) {
    const std::string name = tech_figure_name(f);
    fields.insert(fields.end(), {name, name + "_min", name + "_max"});
  }
  return fields;
}

// A top-level {"value": x, "source": "..."} entry (endurance_cycles, node_nm); a bare number
// is accepted too, so `--set tech.node_nm=22` reads naturally.
void read_scalar_entry(const json& fields, const std::string& where, double& value, std::string* source) {
  if (fields.is_number()) {
    value = read_figure(fields, where);
    return;
  }
  require_object(fields, where);
  for (auto field = fields.begin(); field != fields.end(); ++field) {
    const std::string field_where = join_path(where, field.key());
    if (field.key() == "value") {
      value = read_figure(field.value(), field_where);
    } else if (field.key() == "source" && source) {
      *source = read_source(field.value(), field_where);
    } else {
      throw Error(field_where + ": unknown field — did you mean " +
                  nearest_names(field.key(), source ? std::vector<std::string>{"value", "source"}
                                                    : std::vector<std::string>{"value"}, 1) + "?");
    }
  }
}

}  // namespace

const char* tech_figure_name(TechFigure figure) {
  switch (figure) {
    case TechFigure::energy_pj: return "energy_pj";
    case TechFigure::latency_ns: return "latency_ns";
    case TechFigure::area_um2: return "area_um2";
    case TechFigure::leakage_uw: return "leakage_uw";
  }
  return "?";
}

void Tech::apply_overrides(const json& overrides, const std::string& json_path) {
  require_object(overrides, json_path.empty() ? std::string("tech") : json_path);
  for (auto item = overrides.begin(); item != overrides.end(); ++item) {
    const std::string& name = item.key();
    const std::string where = join_path(json_path, name);

    if (name == kEnduranceName) {
      double value = endurance_cycles_;
      std::string source;
      read_scalar_entry(item.value(), where, value, &source);
      if (source.empty() && value != endurance_cycles_) {
        source = "user value at " + where + " (default source: " + endurance_source_ + ")";
      }
      endurance_cycles_ = value;
      if (!source.empty()) endurance_source_ = source;
      continue;
    }
    if (name == kNodeName) {
      double value = node_nm_;
      read_scalar_entry(item.value(), where, value, nullptr);
      if (value != 0 && (value < 1 || value > 1000))
        throw Error(where + ": expected 0 (as published) or a node in [1, 1000] nm, got " + item.value().dump());
      node_nm_ = value;
      continue;
    }
    const json& fields = require_object(item.value(), where);

    auto found = published_.find(name);
    const bool adding = found == published_.end();
    if (adding && !is_addable_adc_name(name)) {
      std::vector<std::string> known = names();
      known.push_back(kEnduranceName);
      known.push_back(kNodeName);
      throw Error(where + ": unknown tech entry — did you mean " + nearest_names(name, known, 3) + "?");
    }
    Published next = adding ? Published{} : found->second;
    bool has_figure[4] = {false, false, false, false}, has_source = false, changed = false;
    for (auto field = fields.begin(); field != fields.end(); ++field) {
      const std::string& key = field.key();
      const std::string field_where = join_path(where, key);
      if (key == "source") {
        next.entry.source = read_source(field.value(), field_where);
        has_source = true;
        continue;
      }
      if (key == "node_nm") {
        next.entry.node_nm = read_figure(field.value(), field_where);
        changed = true;
        continue;
      }
      if (key == "voltage_v") {
        // A voltage only means something where the chip prices the entry from it.
        if (adding || found->second.entry.voltage_v <= 0)
          throw Error(field_where + ": this entry has no voltage (only entries priced from a device's "
                      "conductance, e.g. rram_read, carry voltage_v)");
        next.entry.voltage_v = read_figure(field.value(), field_where);
        if (next.entry.voltage_v <= 0) throw Error(field_where + ": expected a voltage > 0, got " + field.value().dump());
        changed = true;
        continue;
      }
      if (key == "spread") {
        next.spread = read_figure(field.value(), field_where);
        if (next.spread > 1) throw Error(field_where + ": expected a fraction in [0, 1], got " + field.value().dump());
        continue;
      }
      bool known = false;
      for (TechFigure f : kTechFigures) {
        const std::string figure = tech_figure_name(f);
        if (key == figure) {
          figure_of(next.entry, f) = read_figure(field.value(), field_where);
          has_figure[static_cast<int>(f)] = changed = known = true;
        } else if (key == figure + "_min" || key == figure + "_max") {
          const double bound = read_figure(field.value(), field_where);
          auto existing = next.bounds.find(f);
          Bounds b = existing != next.bounds.end() ? existing->second : Bounds{figure_of(next.entry, f), figure_of(next.entry, f)};
          (key == figure + "_min" ? b.min : b.max) = bound;
          next.bounds[f] = b;
          known = true;
        }
      }
      if (!known)
        throw Error(field_where + ": unknown field — did you mean " + nearest_names(key, entry_fields(), 1) + "?");
    }
    // A new value without new bounds keeps no stale bounds around a different number.
    for (TechFigure f : kTechFigures) {
      const int i = static_cast<int>(f);
      const std::string figure = tech_figure_name(f);
      if (has_figure[i] && !adding && !fields.contains(figure + "_min") && !fields.contains(figure + "_max") &&
          figure_of(next.entry, f) != figure_of(found->second.entry, f))
        next.bounds.erase(f);
      auto b = next.bounds.find(f);
      if (b == next.bounds.end()) continue;
      const double value = figure_of(next.entry, f);
      if (b->second.min > b->second.max)
        throw Error(join_path(where, figure + "_min") + ": the minimum " + json(b->second.min).dump() +
                    " is above the maximum " + json(b->second.max).dump());
      if (value < b->second.min || value > b->second.max)
        throw Error(join_path(where, figure) + ": the value " + json(value).dump() + " is outside its [min, max] = [" +
                    json(b->second.min).dump() + ", " + json(b->second.max).dump() + "]");
    }
    if (adding) {
      if (!has_figure[0] || !has_figure[1]) {
        throw Error(where + ": a new ADC entry needs both energy_pj and latency_ns");
      }
      if (!has_source) next.entry.source = "user entry at " + where;
    } else if (!has_source && changed) {
      const TechEntry& old = found->second.entry;
      const TechEntry& now = next.entry;
      if (now.energy_pj != old.energy_pj || now.latency_ns != old.latency_ns || now.area_um2 != old.area_um2 ||
          now.leakage_uw != old.leakage_uw || now.node_nm != old.node_nm || now.voltage_v != old.voltage_v)
        next.entry.source = "user value at " + where + " (default source: " + old.source + ")";
    }
    published_[name] = std::move(next);
  }
  rescale();
}

void Tech::rescale() {
  entries_.clear();
  for (const auto& [name, p] : published_) {
    TechEntry entry = p.entry;
    if (node_nm_ > 0 && entry.node_nm > 0 && entry.node_nm != node_nm_) {
      const double k = entry.node_nm / node_nm_;
      entry.area_um2 /= k * k;
      entry.energy_pj /= k * k * k;
      entry.latency_ns /= k;
      entry.leakage_uw /= k * k;
      entry.source += "; scaled from " + json(entry.node_nm).dump() + " nm to " + json(node_nm_).dump() +
                      " nm by Dennard's rule";
      entry.node_nm = node_nm_;
    }
    entries_[name] = std::move(entry);
  }
}

Tech Tech::corner(TechCorner which) const {
  Tech result = *this;
  for (auto& [name, p] : result.published_) {
    for (TechFigure f : kTechFigures) {
      double& value = figure_of(p.entry, f);
      auto b = p.bounds.find(f);
      if (b != p.bounds.end()) {
        value = which == TechCorner::low ? b->second.min : b->second.max;
      } else if (p.spread > 0) {
        value *= which == TechCorner::low ? 1 - p.spread : 1 + p.spread;
      }
    }
    p.bounds.clear();
    p.spread = 0;
  }
  result.rescale();
  return result;
}

bool Tech::has_corners() const {
  for (const auto& [name, p] : published_)
    if (!p.bounds.empty() || p.spread > 0) return true;
  return false;
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
  result.reserve(published_.size());
  for (const auto& [name, entry] : published_) result.push_back(name);
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
  // A zero figure (a user's "free" converter) has no geometric path: fall back to linear.
  auto geometric = [t](double a, double b) { return a > 0 && b > 0 ? a * std::pow(b / a, t) : a + t * (b - a); };
  TechEntry entry;
  entry.energy_pj = geometric(low.energy_pj, high.energy_pj);
  entry.area_um2 = geometric(low.area_um2, high.area_um2);
  entry.leakage_uw = geometric(low.leakage_uw, high.leakage_uw);
  entry.latency_ns = low.latency_ns + t * (high.latency_ns - low.latency_ns);
  entry.node_nm = low.node_nm == high.node_nm ? low.node_nm : 0;
  entry.source = "interpolated between " + adc_conversion_name(below) + " and " + adc_conversion_name(above) +
                 " (geometric in energy, area and leakage, linear in latency)";
  return entry;
}

json Tech::to_json() const {
  json document = json::object();
  for (const auto& [name, p] : published_) {
    const TechEntry& e = p.entry;
    json fields = {{"energy_pj", e.energy_pj}, {"latency_ns", e.latency_ns}, {"area_um2", e.area_um2},
                   {"leakage_uw", e.leakage_uw}, {"node_nm", e.node_nm},     {"source", e.source}};
    for (const auto& [figure, bounds] : p.bounds) {
      fields[std::string(tech_figure_name(figure)) + "_min"] = bounds.min;
      fields[std::string(tech_figure_name(figure)) + "_max"] = bounds.max;
    }
    if (p.spread > 0) fields["spread"] = p.spread;
    if (e.voltage_v > 0) fields["voltage_v"] = e.voltage_v;
    document[name] = fields;
  }
  document[kEnduranceName] = {{"value", endurance_cycles_}, {"source", endurance_source_}};
  document[kNodeName] = {{"value", node_nm_}};
  return document;
}

}  // namespace mx
