// metaxbar command line: run a testbench, print the config schema.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "common/atomic_file.h"
#include "common/build_info.h"
#include "common/error.h"
#include "config/config.h"
#include "chip/chip_costs.h"
#include "config/schema_print.h"
#include "hw/hw_rng.h"
#include "tb/architect_summary.h"
#include "tb/device_command.h"
#include "tb/experiment.h"
#include "tb/presets_command.h"
#include "tb/recost_command.h"
#include "tb/run_output.h"
#include "tb/sweep_util.h"
#include "tb/sweep_command.h"
#include "tb/tool_paths.h"

#include <sys/stat.h>

namespace po = boost::program_options;

namespace {

const char* kUsage =
    "usage: metaxbar run CONFIG [--seed N] [--set key=value]... [--out DIR] [--mode functional|timed]\n"
    "       metaxbar config --defaults [--format json|table|markdown] [--keys PREFIX,...]   every key\n"
    "       metaxbar config CONFIG [--set key=value]...   print the resolved config\n"
    "       metaxbar sweep SWEEP.json --out DIR [-j N] [--shard I/N] [--slurm ...]   run a design-space sweep\n"
    "       metaxbar sweep merge DIR...       combine shard results\n"
    "       metaxbar report RUN_OR_SWEEP_DIR... [--out DIR]   figures and an index.html\n"
    "       metaxbar recost RUN_DIR [--tech FILE] [--set tech.ENTRY.FIELD=V]... [--out DIR] [--corners]\n"
    "                                         re-price a timed run under another tech table\n"
    "       metaxbar presets                  list the configs/ presets with their descriptions\n"
    "       metaxbar device fit RAW.csv [--out DIR] [--levels N]   level and transition tables from cycling data\n"
    "       metaxbar device simulate [--config CONFIG] --out RAW.csv   cycling data from a level table\n"
    "       metaxbar --version                version and git commit\n"
    "       metaxbar --commands               list the subcommands\n"
    "       metaxbar COMMAND --help           a command's options and an example\n";

bool asks_for_help(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; });
}

po::options_description run_options() {
  po::options_description options("options");
  options.add_options()("help,h", "this help")("config", po::value<std::string>(), "config file (JSON)")(
      "seed", po::value<uint64_t>(), "run seed (overrides the config's)")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a key: key=value (repeatable)")(
      "out", po::value<std::string>(), "output directory (default traces/<config>-seed<N>[-<overrides hash>])")(
      "mode", po::value<std::string>(), "functional | timed")(
      "allow-unused", po::bool_switch(), "warn about keys the network kind never reads instead of refusing them");
  return options;
}

po::options_description config_options() {
  po::options_description options("options");
  options.add_options()("help,h", "this help")("config", po::value<std::string>(), "config file (JSON)")(
      "defaults", "list every key instead of resolving a config")(
      "format", po::value<std::string>()->default_value("json"), "--defaults as json, table or markdown")(
      "keys", po::value<std::string>(), "--defaults: only keys under these comma-separated prefixes")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a key: key=value (repeatable)");
  return options;
}

// `metaxbar COMMAND --help`: usage, options and an example, on stdout, exit 0.
int print_command_help(const std::string& command) {
  if (command == "run") {
    std::cout << "usage: metaxbar run CONFIG [--seed N] [--set key=value]... [--out DIR] [--mode functional|timed]\n"
                 "Run one continual-learning experiment; writes DIR/summary.json (and, timed, the traces).\n\n"
              << run_options()
              << "\nexample:\n  metaxbar run configs/paper/split_fmnist_prob_nmem7.json --seed 2 --set adc.bits=6 "
                 "--mode timed --out traces/adc6\n";
  } else if (command == "config") {
    std::cout << "usage: metaxbar config --defaults [--format json|table|markdown] [--keys PREFIX,...]\n"
                 "       metaxbar config CONFIG [--set key=value]...\n"
                 "List every key with its type, default, range, unit and meaning, or print a config resolved\n"
                 "over the defaults.\n\n"
              << config_options()
              << "\nexamples:\n  metaxbar config --defaults --format table --keys tile,adc\n"
                 "  metaxbar config configs/chip/split_fmnist_chip.json --set rng.bits=8\n";
  } else if (command == "presets") {
    std::cout << "usage: metaxbar presets [--dir DIR]\n"
                 "List the preset configs and sweep files installed beside the binary, with their descriptions.\n\n"
                 "options:\n  -h [ --help ]   this help\n  --dir DIR       list the presets of another folder\n"
                 "\nexample:\n  metaxbar presets\n";
  } else if (command == "sweep merge") {
    std::cout << "usage: metaxbar sweep merge DIR...\n"
                 "Combine the result tables of sweep shards (--shard or --slurm) into DIR/results.csv and\n"
                 "results.jsonl of the first DIR, and draw the Pareto front of the whole sweep.\n\n"
                 "options:\n  -h [ --help ]   this help\n"
                 "\nexample:\n  metaxbar sweep merge traces/sweep-adc_bits traces/sweep-adc_bits-node2\n";
  } else {
    return -1;
  }
  return 0;
}

std::string config_stem(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  const size_t dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(0, dot);
}

void print_progress(const mx::ReplayProgress& p) {
  const double rate = p.elapsed_s > 0 ? p.samples_done / p.elapsed_s : 0;
  const double eta = rate > 0 ? (p.samples_total - p.samples_done) / rate : 0;
  std::fprintf(stderr, "\r%-24s %7zu/%zu samples  %6.0f samples/s  ETA %4.0f s ", p.stage.c_str(), p.samples_done,
               p.samples_total, rate, eta);
  std::fflush(stderr);
}

// A short hash of the --set/--seed/--mode overrides, so two runs of one config with
// different overrides get different default folders; no overrides, no suffix.
std::string overrides_suffix(const std::vector<std::string>& overrides) {
  if (overrides.empty()) return "";
  std::string joined;
  for (const auto& o : overrides) joined += o + '\n';
  return "-" + mx::sweep_detail::hex(mx::sweep_detail::fnv1a(joined), 8);
}

int run_command(const std::vector<std::string>& args) {
  const po::options_description options = run_options();
  po::positional_options_description positional;
  positional.add("config", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  po::notify(vm);
  if (!vm.count("config")) throw mx::Error(std::string("run: missing CONFIG\n") + kUsage);
  const std::string config_path = vm["config"].as<std::string>();
  mx::Config config = mx::Config::from_file(config_path);
  std::vector<std::string> overrides;
  if (vm.count("set"))
    for (const auto& assignment : vm["set"].as<std::vector<std::string>>()) {
      config.set(assignment);
      overrides.push_back("set " + assignment);
    }
  if (vm.count("seed")) config.set("seed", vm["seed"].as<uint64_t>());
  if (vm.count("mode")) {
    config.set("mode", vm["mode"].as<std::string>());
    overrides.push_back("mode " + vm["mode"].as<std::string>());
  }
  const std::string out_dir = vm.count("out") ? vm["out"].as<std::string>()
                                              : "traces/" + config_stem(config_path) + "-seed" +
                                                    std::to_string(config.get_uint("seed")) +
                                                    overrides_suffix(overrides);
  // Everything that can be checked before the simulation is: a mistake found after an hour
  // of simulation costs the hour.
  const std::vector<std::string> unused = config.unused_keys();
  if (!unused.empty()) {
    std::string list;
    for (const auto& key : unused) list += (list.empty() ? "" : ", ") + key;
    const std::string message = "network.kind " + config.get_string("network.kind") + " never reads " + list;
    if (!vm["allow-unused"].as<bool>()) throw mx::Error(config.origin() + ": " + message + " (--allow-unused to run anyway)");
    std::fprintf(stderr, "metaxbar: warning: %s: %s (--allow-unused)\n", config.origin().c_str(), message.c_str());
  }
  if (config.get_string("rng.kind") == "lfsr") {
    const std::string warning = mx::lfsr_quality_warning(
        {mx::RngKind::lfsr, static_cast<unsigned>(config.get_uint("rng.lfsr_width")),
         static_cast<unsigned>(config.get_uint("rng.bits")), 0.0});
    if (!warning.empty()) std::fprintf(stderr, "metaxbar: warning: %s\n", warning.c_str());
  }
  mx::load_tech(config);
  mx::OutputFolder folder(out_dir);

  const bool interactive = ::isatty(STDERR_FILENO);
  const mx::RunOutput output = mx::run_experiment(config, interactive ? print_progress : nullptr, folder.staging());
  if (interactive) std::fprintf(stderr, "\n");
  mx::write_file_atomically(folder.staging() + "/summary.json", output.summary.dump(2) + "\n");
  folder.commit();

  const auto& accuracy = output.summary["accuracy"];
  std::printf("seed %llu  mode %s  rule %s\n", static_cast<unsigned long long>(config.get_uint("seed")),
              config.get_string("mode").c_str(), output.summary["network"]["rule"].get<std::string>().c_str());
  std::printf("final mean accuracy %.4f  (per task:", accuracy["final_mean"].get<double>());
  for (const auto& a : accuracy["final_per_task"]) std::printf(" %.4f", a.get<double>());
  std::printf(")  bwt %+.4f\n", accuracy["bwt"].get<double>());
  std::printf("write pulses %llu  max writes/device %llu  %.1f train samples/s  wall %.1f s\n",
              static_cast<unsigned long long>(output.summary["updates"]["write_pulses"].get<uint64_t>()),
              static_cast<unsigned long long>(output.summary["updates"]["max_writes_per_device"].get<uint64_t>()),
              output.summary["train_samples_per_s"].get<double>(), output.summary["wall_s"].get<double>());
  mx::print_architect_summary(output.summary, stdout);
  std::printf("wrote %s/summary.json\n", out_dir.c_str());
  return 0;
}

int config_command(const std::vector<std::string>& args) {
  po::positional_options_description positional;
  positional.add("config", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(config_options()).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("defaults")) {
    if (vm.count("config") || vm.count("set")) throw mx::Error("config --defaults: takes no CONFIG and no --set");
    std::vector<std::string> prefixes;
    if (vm.count("keys")) {
      std::stringstream list(vm["keys"].as<std::string>());
      for (std::string prefix; std::getline(list, prefix, ',');)
        if (!prefix.empty()) prefixes.push_back(prefix);
    }
    std::cout << mx::print_schema(mx::run_schema(), mx::parse_schema_format(vm["format"].as<std::string>()), prefixes);
    return 0;
  }
  if (!vm["format"].defaulted() || vm.count("keys")) throw mx::Error("config: --format and --keys go with --defaults");
  if (!vm.count("config")) throw mx::Error(std::string("config: expected --defaults or CONFIG\n") + kUsage);
  mx::Config config = mx::Config::from_file(vm["config"].as<std::string>());
  if (vm.count("set"))
    for (const auto& assignment : vm["set"].as<std::vector<std::string>>()) config.set(assignment);
  std::cout << config.resolved().dump(2) << "\n";
  return 0;
}

// The report is drawn by Python and matplotlib (tools/report.py); this hands over to it.
// Debian's interpreter is the one tools/setup.sh gives matplotlib, whatever else is on PATH.
int report_command(const std::vector<std::string>& rest) {
  const std::string script = mx::tool_path("report.py").string();
  const char* python = ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
  if (asks_for_help(rest)) {
    const int status = std::system((std::string(python) + " '" + script + "' --help").c_str());
    if (status != 0) throw mx::Error("report --help: " + script + " did not run (status " + std::to_string(status) + ")");
    std::printf("\nexample:\n  metaxbar report traces/split_fmnist_prob_nmem7-seed1 traces/sweep-adc_bits --out traces/report\n");
    return 0;
  }
  std::vector<char*> args = {const_cast<char*>(python), const_cast<char*>(script.c_str())};
  for (const std::string& arg : rest) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  ::execvp(python, args.data());
  throw mx::Error(std::string("report: cannot run ") + python + " " + script + ": " + std::strerror(errno));
}

std::vector<std::string> with_first(const char* first, const std::vector<std::string>& args) {
  std::vector<std::string> all = {first};
  all.insert(all.end(), args.begin(), args.end());
  return all;
}

// Every subcommand, as the dispatcher finds it: a name of one word, or two for a
// sub-subcommand ("sweep merge"), and what runs it with the arguments after the name. A
// command whose `help` is set prints it for --help or -h anywhere among its arguments;
// the others answer --help themselves. `metaxbar --commands` lists the names, so the
// test that asks each one for --help cannot miss a new one.
struct Command {
  std::string name;
  std::function<int(const std::vector<std::string>&)> run;
  std::function<void()> help;
};

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"run", run_command, [] { print_command_help("run"); }},
      {"config", config_command, [] { print_command_help("config"); }},
      {"sweep merge", [](const std::vector<std::string>& a) { return mx::sweep_command(with_first("merge", a)); },
       [] { print_command_help("sweep merge"); }},
      {"sweep", mx::sweep_command,
       [] {
         mx::sweep_command({"--help"});
         std::printf("\nexample:\n  metaxbar sweep configs/sweeps/adc_bits.json -j 2 --out traces/sweep-adc_bits\n");
       }},
      {"report", report_command, nullptr},
      {"recost", mx::recost_command, nullptr},
      {"presets", mx::presets_command, [] { print_command_help("presets"); }},
      {"device fit", [](const std::vector<std::string>& a) { return mx::device_command(with_first("fit", a)); },
       nullptr},
      {"device simulate",
       [](const std::vector<std::string>& a) { return mx::device_command(with_first("simulate", a)); }, nullptr},
      {"device", mx::device_command, nullptr},
  };
  return table;
}

// The command `args` names (a two-word name first), or nullptr.
const Command* find_command(const std::vector<std::string>& args, size_t& words) {
  for (const Command& command : commands()) {
    const size_t space = command.name.find(' ');
    if (space == std::string::npos) {
      if (args[0] == command.name) return words = 1, &command;
    } else if (args.size() > 1 && args[0] == command.name.substr(0, space) &&
               args[1] == command.name.substr(space + 1)) {
      return words = 2, &command;
    }
  }
  return nullptr;
}

}  // namespace

// SystemC's banner is noise on a command line; its library prints it before sc_main runs,
// so the variable is set during static initialisation.
const bool kQuietSystemC = ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0) == 0;

// SystemC's library owns main() and calls this.
extern "C" int sc_main(int argc, char* argv[]) {
  const std::vector<std::string> all(argv + 1, argv + argc);
  if (all.empty() || all[0] == "--help" || all[0] == "-h") {
    std::fputs(kUsage, all.empty() ? stderr : stdout);
    return all.empty() ? 2 : 0;
  }
  if (all[0] == "--version") {
    std::printf("%s\n", mx::build_info().describe().c_str());
    return 0;
  }
  if (all[0] == "--commands") {
    for (const Command& command : commands()) std::printf("%s\n", command.name.c_str());
    return 0;
  }
  try {
    size_t words = 0;
    const Command* command = find_command(all, words);
    if (!command) {
      std::fprintf(stderr, "metaxbar: unknown command '%s'\n%s", all[0].c_str(), kUsage);
      return 2;
    }
    const std::vector<std::string> rest(all.begin() + static_cast<std::ptrdiff_t>(words), all.end());
    if (command->help && asks_for_help(rest)) {
      command->help();
      return 0;
    }
    return command->run(rest);
  } catch (const mx::Error& e) {
    std::fprintf(stderr, "metaxbar: error: %s\n", e.what());
  } catch (const po::error& e) {
    std::fprintf(stderr, "metaxbar: error: %s\n%s", e.what(), kUsage);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "metaxbar: error: %s\n", e.what());
  }
  return 1;
}
