#include "tb/recost_command.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/atomic_file.h"
#include "common/error.h"
#include "config/config.h"
#include "hw/energy_ledger.h"
#include "hw/tech.h"
#include "chip/chip_costs.h"
#include "tb/architect_summary.h"

namespace mx {

namespace {

using json = nlohmann::json;

const char* kRecostUsage =
    "usage: metaxbar recost RUN_DIR [--tech FILE] [--set tech.ENTRY.FIELD=V | tech.node_nm=V]... [--out DIR] "
    "[--corners]";

json read_json_file(const std::string& path, const std::string& what) {
  std::ifstream in(path);
  if (!in) throw Error("recost: cannot open " + what + " '" + path + "'");
  json document = json::parse(in, nullptr, false);
  if (document.is_discarded()) throw Error("recost: " + path + ": not valid JSON");
  return document;
}

// "tech.ENTRY.FIELD=V" or "tech.ENTRY=V" (node_nm, endurance_cycles) as an overrides object.
json parse_tech_set(const std::string& assignment) {
  const size_t equals = assignment.find('=');
  const std::string prefix = "tech.";
  if (equals == std::string::npos || assignment.compare(0, prefix.size(), prefix) != 0)
    throw Error("recost: --set '" + assignment + "': expected tech.ENTRY.FIELD=VALUE (e.g. "
                "tech.adc_conversion_8bit.energy_pj=3.2) or tech.node_nm=VALUE");
  const std::string path = assignment.substr(prefix.size(), equals - prefix.size());
  const std::string text = assignment.substr(equals + 1);
  json value = json::parse(text, nullptr, false);
  if (value.is_discarded()) value = text;
  const size_t dot = path.find('.');
  if (path.empty() || dot == 0 || (dot != std::string::npos && dot + 1 == path.size()))
    throw Error("recost: --set '" + assignment + "': expected tech.ENTRY.FIELD=VALUE");
  if (dot == std::string::npos) return json{{path, value}};
  return json{{path.substr(0, dot), {{path.substr(dot + 1), value}}}};
}

// Entries whose latency differs between the run's table and the new one.
std::vector<std::string> latency_changes(const Tech& before, const Tech& after) {
  std::vector<std::string> changed;
  for (const std::string& name : after.names())
    if (!before.contains(name) || before.at(name).latency_ns != after.at(name).latency_ns) changed.push_back(name);
  return changed;
}

}  // namespace

json read_timed_run(const std::string& run_dir) {
  const std::string path = run_dir + "/summary.json";
  if (!std::filesystem::is_directory(run_dir)) throw Error("recost: '" + run_dir + "' is not a folder");
  if (!std::filesystem::exists(path)) throw Error("recost: '" + run_dir + "' is not a run folder (no summary.json)");
  json summary = read_json_file(path, "run summary");
  if (!summary.is_object() || !summary.contains("config")) throw Error("recost: " + path + ": not a metaxbar run summary");
  if (summary.value("mode", "") != "timed")
    throw Error("recost: " + path + " is a " + summary.value("mode", std::string("?")) +
                " run: only a timed run records the chip's event counts; rerun it with --mode timed");
  if (!summary.contains("architect_record") || !summary.contains("tech_table"))
    throw Error("recost: " + path + " records no event counts (written before recost existed); re-simulate it");
  return summary;
}

json recost_run(const std::string& run_dir, const Tech& tech) {
  const json summary = read_timed_run(run_dir);
  const Config config = Config::from_json(summary["config"], run_dir + "/summary.json config");
  json result = price_run(config, summary, tech);
  const Tech run_tech = Tech::from_json(summary["tech_table"], run_dir + "/summary.json tech_table");
  const std::vector<std::string> moved = latency_changes(run_tech, tech);
  std::string latency_note =
      "latency and throughput are the run's: re-pricing does not re-time the chip; a new latency needs a new "
      "simulation";
  if (!moved.empty()) {
    latency_note += " (the new table changes the latency of";
    for (const std::string& name : moved) latency_note += " " + name;
    latency_note += ")";
  }
  result["latency_note"] = latency_note;
  result["latency_changed_entries"] = moved;
  result["run"] = {{"dir", run_dir}, {"energy_total_aj", summary["energy_pj"]["total_aj"]}};
  result["tech_table"] = tech.to_json();
  return result;
}

void print_recost_help() {
  std::printf(
      "%s\n"
      "Re-price a finished timed run from its recorded event counts (energy by component and phase,\n"
      "area, leakage, static energy) under another tech table, without re-simulating it. Latency and\n"
      "throughput stay the run's: an entry whose latency changes is named, and needs a new simulation.\n\n"
      "options:\n"
      "  -h [ --help ]        this help\n"
      "  --tech FILE          the tech table to price with (default: the run's own, from summary.json)\n"
      "  --set tech.E.F=V     override one field of one entry (energy_pj, area_um2, leakage_uw, ...),\n"
      "                       or tech.node_nm=V; repeatable\n"
      "  --corners            also price the table's min and max corners: figures as value [min, max]\n"
      "  --out DIR            where recost.json goes (default RUN_DIR/recost)\n"
      "\nexample:\n"
      "  metaxbar recost traces/calibration --set tech.adc_conversion_8bit.energy_pj=3.2 --corners\n",
      kRecostUsage);
}

json recosted_summary(const json& simulated, const json& config_json, const std::string& twin,
                      const std::string& origin) {
  const Config config = Config::from_json(config_json, origin);
  const Tech tech = load_tech(config);
  const json priced = price_run(config, simulated, tech);
  json s = simulated;
  for (const char* key : {"area_mm2", "power_mw", "throughput", "efficiency", "static_energy_pj", "per_layer", "per_tile"})
    s[key] = priced[key];
  for (auto it = priced["energy_pj"].begin(); it != priced["energy_pj"].end(); ++it) s["energy_pj"][it.key()] = it.value();
  // The update energy as the timed runner sums it: the learning phase of its components.
  if (s["energy_pj"].contains("update_components") && s["energy_pj"]["update_components"].is_object()) {
    int64_t update_aj = 0;
    for (auto c = s["energy_pj"]["update_components"].begin(); c != s["energy_pj"]["update_components"].end(); ++c) {
      const json* pj = find_path(priced["energy_pj"]["by_component_phase"], c.key() + ".learning");
      const int64_t aj = pj ? std::llround(pj->get<double>() * 1e6) : 0;
      c.value() = to_picojoules(aj);
      update_aj += aj;
    }
    s["energy_pj"]["update"] = to_picojoules(update_aj);
  }
  s["config"] = config.resolved();
  s["tech_table"] = tech.to_json();
  s["recosted_from"] = twin;
  s["recost_note"] = "energy, area, power, throughput and efficiency re-priced from the simulation of point " + twin +
                     " (the configs differ only in tech prices, so the chip's events and times are the same); the "
                     "per-block energies in `blocks` and the trace files are that simulation's";
  return s;
}

int recost_command(const std::vector<std::string>& args) {
  if (std::any_of(args.begin(), args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; })) {
    print_recost_help();
    return 0;
  }
  std::string run_dir, tech_file, out_dir;
  std::vector<std::string> sets;
  bool corners = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* option) -> std::string {
      if (i + 1 == args.size()) throw Error(std::string("recost: ") + option + " needs a value\n" + kRecostUsage);
      return args[++i];
    };
    if (a == "--tech") tech_file = value("--tech");
    else if (a == "--set") sets.push_back(value("--set"));
    else if (a == "--out") out_dir = value("--out");
    else if (a == "--corners") corners = true;
    else if (!a.empty() && a[0] == '-') throw Error("recost: unknown option '" + a + "'\n" + kRecostUsage);
    else if (run_dir.empty()) run_dir = a;
    else throw Error("recost: unexpected argument '" + a + "'\n" + kRecostUsage);
  }
  if (run_dir.empty()) throw Error(std::string("recost: missing RUN_DIR\n") + kRecostUsage);
  const json summary = read_timed_run(run_dir);
  Tech tech = tech_file.empty() ? Tech::from_json(summary["tech_table"], run_dir + "/summary.json tech_table")
                                : Tech::from_json(read_json_file(tech_file, "tech file"), tech_file);
  for (const std::string& assignment : sets) tech.apply_overrides(parse_tech_set(assignment), "--set tech");
  if (out_dir.empty()) out_dir = run_dir + "/recost";

  // Everything is computed before anything is written: a bad input leaves no half output.
  json result = recost_run(run_dir, tech);
  if (corners) {
    if (!tech.has_corners()) throw Error("recost: --corners: the tech table carries no min/max bounds");
    result["corners"] = {{"low", recost_run(run_dir, tech.corner(TechCorner::low))},
                         {"high", recost_run(run_dir, tech.corner(TechCorner::high))}};
    for (const char* c : {"low", "high"}) result["corners"][c].erase("tech_table");
  }
  std::filesystem::create_directories(out_dir);
  write_file_atomically(out_dir + "/recost.json", result.dump(2) + "\n");

  auto bracket = [&](const std::vector<std::string>& path) {
    auto at = [&](const json& root) {
      const json* node = &root;
      for (const std::string& key : path) node = &(*node)[key];
      return node->get<double>();
    };
    char text[160];
    if (corners) {
      // A figure may fall as costs rise (TOPS/W): the bracket is [smaller, larger].
      const double low = at(result["corners"]["low"]), high = at(result["corners"]["high"]);
      std::snprintf(text, sizeof text, "%.6g [%.6g, %.6g]", at(result), std::min(low, high), std::max(low, high));
    }
    else
      std::snprintf(text, sizeof text, "%.6g", at(result));
    return std::string(text);
  };
  const double before = to_picojoules(summary["energy_pj"]["total_aj"].get<int64_t>());
  std::printf("recost of %s: energy %s pJ (the run: %.6g pJ)\n", run_dir.c_str(),
              bracket({"energy_pj", "total"}).c_str(), before);
  std::printf("  per training sample %s pJ; static %s pJ; area %s mm^2; power %s mW; %s TOPS/W\n",
              bracket({"energy_pj", "per_sample", "train"}).c_str(), bracket({"static_energy_pj", "total_pj"}).c_str(),
              bracket({"area_mm2", "total"}).c_str(), bracket({"power_mw", "total"}).c_str(),
              bracket({"efficiency", "tops_per_w"}).c_str());
  std::printf("  %s\n", result["latency_note"].get<std::string>().c_str());
  std::printf("wrote %s/recost.json\n", out_dir.c_str());
  return 0;
}

}  // namespace mx
