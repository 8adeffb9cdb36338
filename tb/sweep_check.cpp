#include "tb/sweep_check.h"

#include "chip/chip_costs.h"
#include "chip/chip_schema.h"
#include "common/error.h"
#include "data/tasks.h"
#include "qnn/quantized_perceptron.h"
#include "snn/network.h"
#include "tb/experiment.h"

namespace mx {

void check_run_config(const Config& config) {
  const std::vector<std::string> unused = config.unused_keys();
  if (!unused.empty())
    throw Error("'" + unused.front() + "' is set, but network.kind " + config.get_string("network.kind") +
                " never reads it");
  load_tech(config);
  // The network checks its own keys as it is built; with one input and two outputs that
  // costs microseconds, and no check is written a second time here.
  const uint64_t seed = config.get_uint("seed");
  if (config.get_string("network.kind") == "qnn") QuantizedPerceptron network(config, 1, 2, seed);
  else SpikingNetwork network(config, 1, 2, seed);
  if (config.get_string("mode") == "timed") chip_description(config);
  if (config.get_string("task.kind") == "split") {
    try {
      check_split_pairs(parse_pairs(config.at("task.pairs")));
    } catch (const Error& e) {
      const std::string what = e.what();
      throw Error(what.rfind("'task.pairs", 0) == 0 ? what : "'task.pairs': " + what);
    }
  }
}

void check_sweep_points(const Sweep& sweep) {
  for (const SweepPoint& point : sweep.points) {
    try {
      check_run_config(sweep.point_settings(point));
    } catch (const Error& e) {
      std::string where = sweep.origin + ": point " + std::to_string(point.index) + " (";
      for (const auto& key : sweep.axis_keys()) where += key + "=" + point.values.at(key).dump() + ", ";
      throw Error(where + "seed " + std::to_string(point.seed) + "): " + e.what() + "; nothing was run");
    }
  }
}

}  // namespace mx
