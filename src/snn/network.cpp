#include "snn/network.h"

#include <algorithm>

#include "common/error.h"
#include "config/config.h"
#include "device/device_config.h"
#include "learning/grad_accumulation.h"

namespace mx {

namespace {

enum StreamTag : uint64_t {
  kInputStream = 1,
  kTargetStream = 2,
  kInitHidden = 3,
  kInitOutput = 4,
  kFeedback = 5,
  kDeviceHidden = 6,
  kDeviceOutput = 7,
  kRuleStream = 8,
};

LifParams lif_params(const Config& config, const std::string& population) {
  LifParams p;
  p.tau_syn = static_cast<float>(config.get_double("neuron." + population + ".tau_syn"));
  p.tau_m = static_cast<float>(config.get_double("neuron." + population + ".tau_m"));
  p.r = static_cast<float>(config.get_double("neuron." + population + ".r"));
  p.v_th = static_cast<float>(config.get_double("neuron." + population + ".v_th"));
  p.refractory_steps = static_cast<int>(config.get_int("neuron.refractory_steps"));
  return p;
}

ErrorParams error_params(const Config& config) {
  ErrorParams p;
  p.tau = static_cast<float>(config.get_double("error.tau"));
  p.gain = static_cast<float>(config.get_double("error.gain"));
  p.v_th = static_cast<float>(config.get_double("error.v_th"));
  p.floor = static_cast<float>(config.get_double("error.floor"));
  p.compartment_tau = static_cast<float>(config.get_double("error.compartment_tau"));
  p.compartment_gain = static_cast<float>(config.get_double("error.compartment_gain"));
  p.feedback_scale = static_cast<float>(config.get_double("error.feedback_scale"));
  p.leaky_compartments = config.get_string("rule.kind") == "grad_acc";
  return p;
}

std::unique_ptr<SynapseArray> make_array(const Config& config, size_t rows, size_t cols, const std::string& layer,
                                         uint64_t seed) {
  Rng init(seed);
  const LevelTable table = LevelTable::from_config(config.at("device.levels"), "device.levels");
  return std::make_unique<SynapseArray>(rows, cols, table, device_options_from_config(config, layer), init);
}

}  // namespace

SpikingNetwork::SpikingNetwork(const Config& config, size_t inputs, size_t outputs, uint64_t seed)
    : inputs_(inputs),
      hidden_(config.get_uint("network.hidden")),
      outputs_(outputs),
      steps_(static_cast<int>(config.get_int("network.steps"))),
      target_p_(config.get_double("network.target_rate_hz") * 1e-3),
      input_rng_(derive_seed(seed, kInputStream)),
      target_rng_(derive_seed(seed, kTargetStream)),
      device_rng_{Rng(derive_seed(seed, kDeviceHidden)), Rng(derive_seed(seed, kDeviceOutput))},
      encoder_(inputs, config.get_double("network.input_rate_hz"), 1e-3),
      populations_{LifPopulation(hidden_, lif_params(config, "hidden")),
                   LifPopulation(outputs, lif_params(config, "output"))},
      error_(outputs, hidden_, error_params(config), derive_seed(seed, kFeedback)),
      traces_{ActivityTraces(inputs, static_cast<float>(config.get_double("neuron.trace_tau")), steps_),
              ActivityTraces(hidden_, static_cast<float>(config.get_double("neuron.trace_tau")), steps_),
              ActivityTraces(outputs, static_cast<float>(config.get_double("neuron.trace_tau")), steps_)} {
  arrays_[0] = make_array(config, inputs_, hidden_, "hidden", derive_seed(seed, kInitHidden));
  arrays_[1] = make_array(config, hidden_, outputs_, "output", derive_seed(seed, kInitOutput));
  TileGrid grid;
  grid.tile_rows = config.get_uint("tile.rows");
  grid.tile_cols = config.get_uint("tile.cols");
  AdcSpec adc;
  adc.bits = static_cast<unsigned>(config.get_uint("adc.bits"));
  adc.full_scale = config.get_double("adc.full_scale");
  readers_.assign(2, TiledLayerReader(grid, adc));
  rule_ = make_learning_rule(config, inputs_, hidden_, outputs_, derive_seed(seed, kRuleStream));
  if (auto* accumulation = dynamic_cast<GradientAccumulation*>(rule_.get()))
    for (unsigned layer = 0; layer < 2; ++layer) accumulation->bind(layer, arrays_[layer].get());
  drive_[0].resize(hidden_);
  drive_[1].resize(outputs_);
  target_spikes_.resize(outputs_);
  output_counts_.resize(outputs_);
  batch_[0].layer = 0;
  batch_[1].layer = 1;
  verify_ = write_verify_spec(config);
}

void SpikingNetwork::begin_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target) {
  if (target >= static_cast<int>(outputs_))
    throw Error("sample target " + std::to_string(target) + " has no output neuron (network has " +
                std::to_string(outputs_) + ")");
  target_ = target;
  t_ = 0;
  encoder_.load(image, permutation);
  for (auto& population : populations_) population.reset();
  std::fill(output_counts_.begin(), output_counts_.end(), 0u);
  if (training()) {
    error_.reset();
    for (auto& trace : traces_) trace.reset();
  }
}

void SpikingNetwork::encode_inputs() {
  spikes_[0].clear();
  encoder_.step(input_rng_, spikes_[0]);
  spike_totals_[0] += spikes_[0].size();
}

void SpikingNetwork::read_layer(unsigned layer) {
  readers_[layer].read(*arrays_[layer], spikes_[layer], drive_[layer].data());
}

void SpikingNetwork::update_neurons(unsigned layer, int t) {
  begin_neuron_step(layer, t);
  step_neurons(layer, 0, populations_[layer].size());
  finish_neuron_step(layer);
}

void SpikingNetwork::begin_neuron_step(unsigned layer, int t) {
  t_ = t;
  spikes_[layer + 1].clear();
  stepped_to_[layer] = 0;
}

void SpikingNetwork::step_neurons(unsigned layer, size_t begin, size_t end) {
  // Out of order, the spike list would not be sorted, and the tiles' row ranges rely on it.
  if (begin != stepped_to_[layer] || end < begin || end > populations_[layer].size())
    throw Error("network: layer " + std::to_string(layer) + " stepped neurons [" + std::to_string(begin) + ", " +
                std::to_string(end) + ") where [" + std::to_string(stepped_to_[layer]) + ", ...) was next");
  populations_[layer].step_range(drive_[layer].data(), t_, begin, end, spikes_[layer + 1]);
  stepped_to_[layer] = end;
}

void SpikingNetwork::finish_neuron_step(unsigned layer) {
  if (stepped_to_[layer] != populations_[layer].size())
    throw Error("network: layer " + std::to_string(layer) + " finished its step with " +
                std::to_string(stepped_to_[layer]) + " of " + std::to_string(populations_[layer].size()) +
                " neurons stepped");
  const int t = t_;
  std::vector<uint32_t>& out = spikes_[layer + 1];
  spike_totals_[layer + 1] += out.size();
  if (layer == 1)
    for (uint32_t k : out) ++output_counts_[k];
  if (training()) {
    if (layer == 0) traces_[0].on_spikes(spikes_[0], t);
    traces_[layer + 1].on_spikes(out, t);
  }
}

bool SpikingNetwork::update_error() {
  for (size_t k = 0; k < outputs_; ++k)
    target_spikes_[k] = static_cast<int>(k) == target_ ? (target_rng_.uniform() <= target_p_) : 0;
  return error_.step(spikes_[2], target_spikes_);
}

void SpikingNetwork::decide_updates(unsigned layer) {
  LayerStep step;
  step.layer = layer;
  step.array = arrays_[layer].get();
  step.post_current = populations_[layer].current();
  step.u = layer == 0 ? error_.hidden_u() : error_.output_u();
  step.pre_spikes = &spikes_[layer];
  rule_->step(step, batch_[layer]);
}

void SpikingNetwork::program_updates(unsigned layer) {
  if (batch_[layer].moves.empty()) return;
  program_batch(*arrays_[layer], batch_[layer], verify_, device_rng_[layer], rule_->activity());
  finish_programming(layer);
}

void SpikingNetwork::finish_programming(unsigned layer) {
  if (!batch_[layer].moves.empty()) rule_->after_program(*arrays_[layer], batch_[layer]);
}

SampleResult SpikingNetwork::end_sample() {
  if (training()) {
    for (auto& trace : traces_) trace.finish(steps_ - 1);
    for (unsigned layer = 0; layer < 2; ++layer)
      rule_->end_sample(layer, traces_[layer].values(), traces_[layer].active(), traces_[layer + 1].values(),
                        traces_[layer + 1].active());
  }
  SampleResult result;
  result.output_counts = output_counts_;
  const auto best = std::max_element(output_counts_.begin(), output_counts_.end());
  if (*best > 0) result.prediction = static_cast<int>(best - output_counts_.begin());
  return result;
}

SampleResult SpikingNetwork::run_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target) {
  begin_sample(image, permutation, target);
  for (int t = 0; t < steps_; ++t) {
    encode_inputs();
    read_layer(0);
    update_neurons(0, t);
    read_layer(1);
    update_neurons(1, t);
    if (!training()) continue;
    update_error();
    for (unsigned layer = 0; layer < 2; ++layer) {
      decide_updates(layer);
      program_updates(layer);
    }
  }
  return end_sample();
}

}  // namespace mx
