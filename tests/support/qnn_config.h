#pragma once
// A small System B chip for the perceptron's tests: one device per weight, weights in ±1,
// eight levels, a few hidden neurons.
#include "config/config.h"

namespace mx {

inline Config small_qnn_config(size_t hidden) {
  Config config;
  config.set("device.n_mem", 1);
  config.set("device.w_max_hidden", 1.0);
  config.set("device.w_max_output", 1.0);
  config.set("device.init_range", 0.5);
  config.set("device.levels", json{{"count", 8}});
  config.set("network.hidden", hidden);
  return config;
}

}  // namespace mx
