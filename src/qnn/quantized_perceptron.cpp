#include "qnn/quantized_perceptron.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "common/vectorize.h"
#include "config/config.h"
#include "device/device_config.h"
#include "metrics/endurance.h"
#include "qnn/level_programmer.h"

namespace mx {

namespace {

// Away from System A's tags (1..8), the rule's (101..) and the data's (201..).
enum StreamTag : uint64_t {
  kInitHidden = 301,
  kInitOutput = 302,
  kDeviceHidden = 303,
  kDeviceOutput = 304,
  kHiddenWeightInit = 305,
};

constexpr unsigned kFloatBits = 32;  // optimizer state and gradient buffer words

// y += a·x: one row of an outer product into the gradient buffer.
MX_VECTOR_CLONES
void add_scaled(float a, const float* __restrict x, float* __restrict y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] += a * x[i];
}

}  // namespace

NormMode parse_norm_mode(const std::string& name) {
  if (name == "none") return NormMode::none;
  if (name == "shared") return NormMode::shared;
  if (name == "per_task") return NormMode::per_task;
  throw Error("qnn.norm: expected none | shared | per_task, got \"" + name + "\"");
}

Loss parse_loss(const std::string& name) {
  if (name == "cross_entropy") return Loss::cross_entropy;
  if (name == "hinge") return Loss::hinge;
  if (name == "mse") return Loss::mse;
  throw Error("qnn.loss: expected cross_entropy | hinge | mse, got \"" + name + "\"");
}

QnnParams QnnParams::from_config(const Config& config) {
  QnnParams p;
  p.dac_bits = static_cast<unsigned>(config.get_uint("dac.bits"));
  p.hidden_gain = config.at("qnn.hidden_gain").get<double>();
  p.output_gain = config.at("qnn.output_gain").get<double>();
  p.bias_row = config.at("qnn.bias_row").get<bool>();
  p.loss = parse_loss(config.at("qnn.loss").get<std::string>());
  p.margin = config.at("qnn.margin").get<double>();
  p.hidden_bits = static_cast<unsigned>(config.get_uint("memory.hidden_bits"));
  p.hidden_range = config.at("qnn.hidden_range").get<double>();
  p.init_jitter = config.at("qnn.init_jitter").get<double>();
  p.optimizer.kind = parse_optimizer(config.at("qnn.optimizer").get<std::string>());
  p.optimizer.lr = config.at("qnn.lr").get<double>();
  p.optimizer.beta1 = config.at("qnn.beta1").get<double>();
  p.optimizer.beta2 = config.at("qnn.beta2").get<double>();
  p.optimizer.eps = config.at("qnn.eps").get<double>();
  p.batch = config.at("qnn.batch").get<unsigned>();
  p.reset_optimizer_at_task = config.at("qnn.reset_optimizer_at_task").get<bool>();
  p.lr_task_divisor = config.at("qnn.lr_task_divisor").get<double>();
  p.meta_m = config.at("qnn.meta_m").get<double>();
  p.meta_reference = parse_meta_reference(config.at("qnn.meta_reference").get<std::string>());
  p.verify_max_pulses = config.at("qnn.verify_max_pulses").get<unsigned>();
  p.head_per_task = config.at("qnn.heads").get<std::string>() == "per_task";
  p.norm = parse_norm_mode(config.at("qnn.norm").get<std::string>());
  const std::string layers = config.at("qnn.norm_layers").get<std::string>();
  p.norm_layer[0] = p.norm != NormMode::none && layers != "output";
  p.norm_layer[1] = p.norm != NormMode::none && layers != "hidden";
  for (NormParams& n : p.norm_params) n.momentum = config.at("qnn.norm_momentum").get<double>();
  p.norm_params[0].gain = config.at("qnn.norm_gain").get<double>();
  p.norm_params[0].shift = config.at("qnn.norm_shift").get<double>();
  p.norm_params[1].gain = config.at("qnn.norm_output_gain").get<double>();
  p.norm_params[1].shift = 0;
  return p;
}

namespace {

// One place lists the counters, for both adding and subtracting activity.
template <typename Op>
void for_each_counter(QnnActivity& a, const QnnActivity& o, Op op) {
  op(a.train_samples, o.train_samples);
  op(a.inference_samples, o.inference_samples);
  op(a.forward_reads, o.forward_reads);
  op(a.transposed_reads, o.transposed_reads);
  op(a.gradient_updates, o.gradient_updates);
  op(a.gradient_read_bits, o.gradient_read_bits);
  op(a.gradient_write_bits, o.gradient_write_bits);
  op(a.optimizer_steps, o.optimizer_steps);
  op(a.weight_steps, o.weight_steps);
  op(a.activations, o.activations);
  op(a.normalizations, o.normalizations);
  op(a.norm_state_read_bits, o.norm_state_read_bits);
  op(a.norm_state_write_bits, o.norm_state_write_bits);
  op(a.error_terms, o.error_terms);
  op(a.hidden_read_bits, o.hidden_read_bits);
  op(a.hidden_write_bits, o.hidden_write_bits);
  op(a.optimizer_state_read_bits, o.optimizer_state_read_bits);
  op(a.optimizer_state_write_bits, o.optimizer_state_write_bits);
  op(a.meta_attenuations, o.meta_attenuations);
  op(a.quantization_checks, o.quantization_checks);
  op(a.reprogram_events, o.reprogram_events);
  op(a.set_pulses, o.set_pulses);
  op(a.reset_pulses, o.reset_pulses);
  op(a.ineffective_pulses, o.ineffective_pulses);
  op(a.verify_reads, o.verify_reads);
  op(a.verify_failures, o.verify_failures);
}

}  // namespace

QnnActivity& QnnActivity::operator+=(const QnnActivity& other) {
  for_each_counter(*this, other, [](uint64_t& a, uint64_t b) { a += b; });
  return *this;
}

QnnActivity& QnnActivity::operator-=(const QnnActivity& other) {
  for_each_counter(*this, other, [](uint64_t& a, uint64_t b) { a -= b; });
  return *this;
}

QuantizedPerceptron::QuantizedPerceptron(const Config& config, size_t inputs, size_t outputs, uint64_t seed,
                                         size_t tasks)
    : QuantizedPerceptron(config, QnnParams::from_config(config), inputs, outputs, seed, tasks) {}

QuantizedPerceptron::QuantizedPerceptron(const Config& config, const QnnParams& params, size_t inputs,
                                         size_t outputs, uint64_t seed, size_t tasks)
    : inputs_(inputs),
      hidden_(config.get_uint("network.hidden")),
      outputs_(outputs),
      heads_(params.head_per_task ? tasks : 1),
      params_(params),
      bias_rows_(params.bias_row ? 1 : 0),
      device_rng_{Rng(derive_seed(seed, kDeviceHidden)), Rng(derive_seed(seed, kDeviceOutput))},
      dac_(DacSpec{params.dac_bits}) {
  if (inputs_ == 0 || outputs_ == 0) throw Error("quantized perceptron: needs at least one input and one output");
  if (params_.batch == 0) throw Error("qnn.batch: expected at least 1 sample per update");
  if (heads_ == 0) throw Error("qnn.heads: per_task needs at least one task, got 0");
  if (params_.head_per_task && params_.norm_layer[1])
    throw Error("qnn.heads: per_task keeps a block of output columns per task, but qnn.norm_layers normalizes "
                "one shared set of logits; expected qnn.norm_layers \"hidden\" (or qnn.norm none)");
  if (config.get_uint("device.n_mem") != 1)
    throw Error(config.origin() + ": 'device.n_mem': System B (network.kind \"qnn\") programs one device per "
                "weight; expected 1, got " + std::to_string(config.get_uint("device.n_mem")));
  const LevelTable table = LevelTable::from_config(config.at("device.levels"), "device.levels");
  // A bias is one more word line held at full drive, in both crossbars.
  const size_t rows[2] = {inputs_ + bias_rows_, hidden_ + bias_rows_}, cols[2] = {hidden_, outputs_ * heads_};
  const char* layer_key[2] = {"hidden", "output"};
  const uint64_t init_tag[2] = {kInitHidden, kInitOutput};
  TileGrid tiles;
  tiles.tile_rows = config.get_uint("tile.rows");
  tiles.tile_cols = config.get_uint("tile.cols");
  AdcSpec adc;
  adc.bits = static_cast<unsigned>(config.get_uint("adc.bits"));
  adc.full_scale = config.get_double("adc.full_scale");
  Rng hidden_init(derive_seed(seed, kHiddenWeightInit));

  for (unsigned layer = 0; layer < 2; ++layer) {
    Rng init(derive_seed(seed, init_tag[layer]));
    arrays_[layer] = std::make_unique<SynapseArray>(rows[layer], cols[layer], table,
                                                    device_options_from_config(config, layer_key[layer]), init);
    grids_[layer] = std::make_unique<LevelGrid>(*arrays_[layer]);
    const LevelGrid& grid = *grids_[layer];
    gates_.emplace_back(params_.meta_m, params_.meta_reference, grid);
    formats_.emplace_back(params_.hidden_bits, params_.hidden_range * grid.w_max());
    for (size_t head = 0; head < (layer == 0 ? 1 : heads_); ++head)
      optimizers_.emplace_back(rows[layer] * (layer == 0 ? cols[0] : outputs_), params_.optimizer);
    readers_.emplace_back(tiles, adc);

    // The unit starts from what the devices hold: each synapse's level is its initial
    // state read and snapped, and its hidden weight lies in that level's rounding cell —
    // spread over the cell by init_jitter, so that, as in a binarized network whose hidden
    // weights start small, not every weight starts settled on its level.
    const SynapseArray& array = *arrays_[layer];
    const FixedPoint& format = formats_[layer];
    level_[layer].resize(array.rows() * array.cols());
    hidden_weight_[layer].resize(level_[layer].size());
    gradient_[layer].assign(level_[layer].size(), 0.0f);
    for (size_t row = 0, s = 0; row < array.rows(); ++row)
      for (size_t col = 0; col < array.cols(); ++col, ++s) {
        const unsigned level = table.nearest_level(array.resistance(row, col, 0));
        const double below = level > 0 ? grid.weight(level) - grid.weight(level - 1) : 0.0;
        const double above = level + 1 < grid.size() ? grid.weight(level + 1) - grid.weight(level) : 0.0;
        const double u = 2.0 * hidden_init.uniform() - 1.0;
        float w_h = format.quantize(static_cast<float>(grid.weight(level) + 0.5 * params_.init_jitter * u *
                                                                              (u < 0 ? below : above)));
        if (grid.nearest(w_h) != level) w_h = format.quantize(static_cast<float>(grid.weight(level)));
        level_[layer][s] = static_cast<uint16_t>(level);
        hidden_weight_[layer][s] = w_h;
      }
  }
  // Gains are given per unit of w_max, so a preset's gains do not depend on its w_max.
  hidden_gain_ = static_cast<float>(params_.hidden_gain / grids_[0]->w_max());
  output_gain_ = static_cast<float>(params_.output_gain / grids_[1]->w_max());
  input_drive_.assign(rows[0], 1.0f);  // the bias row, if any, stays at 1
  hidden_drive_.assign(rows[1], 1.0f);
  column_sum_[0].resize(hidden_);
  column_sum_[1].resize(cols[1]);
  pre_activation_.resize(hidden_);
  logits_.resize(outputs_);
  output_error_.resize(outputs_);
  error_drive_.assign(cols[1], 0.0f);  // the other heads' bit lines stay undriven
  back_sum_.resize(rows[1]);
  hidden_error_.resize(hidden_);
  const size_t neurons[2] = {hidden_, outputs_};
  for (unsigned layer = 0; layer < 2; ++layer)
    if (params_.norm_layer[layer])
      norm_[layer] = std::make_unique<NeuronNorm>(neurons[layer], params_.norm_params[layer], params_.optimizer);
}

void QuantizedPerceptron::begin_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target) {
  if (target >= static_cast<int>(outputs_))
    throw Error("sample target " + std::to_string(target) + " has no output (network has " +
                std::to_string(outputs_) + ")");
  if (!permutation.empty() && permutation.size() != inputs_)
    throw Error("input permutation has " + std::to_string(permutation.size()) + " entries, network has " +
                std::to_string(inputs_) + " inputs");
  image_ = image;
  permutation_ = &permutation;
  target_ = target;
}

void QuantizedPerceptron::drive_inputs() {
  const std::vector<uint16_t>& perm = *permutation_;
  for (size_t i = 0; i < inputs_; ++i)
    input_drive_[i] = dac_.convert(static_cast<float>(image_[perm.empty() ? i : perm[i]]) * (1.0f / 255.0f));
}

void QuantizedPerceptron::read_layer(unsigned layer) {
  const float* drive = layer == 0 ? input_drive_.data() : hidden_drive_.data();
  port_->read(layer, drive, column_sum_[layer].data());
  ++activity_.forward_reads;
}

void QuantizedPerceptron::activate(unsigned layer) {
  activity_.activations += layer == 0 ? hidden_ : outputs_;
  if (layer == 1) {
    const float* head_sums = &column_sum_[1][head_ * outputs_];
    for (size_t k = 0; k < outputs_; ++k) logits_[k] = output_gain_ * head_sums[k];
    normalize(1, logits_.data());
    return;
  }
  for (size_t j = 0; j < hidden_; ++j) pre_activation_[j] = hidden_gain_ * column_sum_[0][j];
  normalize(0, pre_activation_.data());
  // A ReLU clipped at 1: the hidden activity is a row drive of the next crossbar, and the
  // DAC spans [0, 1].
  for (size_t j = 0; j < hidden_; ++j) hidden_drive_[j] = dac_.convert(std::clamp(pre_activation_[j], 0.0f, 1.0f));
}

void QuantizedPerceptron::compute_error() {
  activity_.error_terms += outputs_;
  if (params_.loss == Loss::hinge) {
    // One-vs-all squared hinge: each output is pushed past ±margin on its side and then
    // left alone, so a sample the network already gets right with margin changes nothing.
    const float margin = static_cast<float>(params_.margin);
    for (size_t k = 0; k < outputs_; ++k) {
      const float y = static_cast<int>(k) == target_ ? 1.0f : -1.0f;
      output_error_[k] = -y * std::max(0.0f, margin - y * logits_[k]);
    }
  } else if (params_.loss == Loss::mse) {
    for (size_t k = 0; k < outputs_; ++k)
      output_error_[k] = logits_[k] - (static_cast<int>(k) == target_ ? static_cast<float>(params_.margin) : 0.0f);
  } else {
    // Softmax cross-entropy: the error p − onehot is bounded in [−1, 1], what a DAC can drive.
    const float top = *std::max_element(logits_.begin(), logits_.end());
    float total = 0;
    for (size_t k = 0; k < outputs_; ++k) total += output_error_[k] = std::exp(logits_[k] - top);
    for (size_t k = 0; k < outputs_; ++k)
      output_error_[k] = output_error_[k] / total - (static_cast<int>(k) == target_ ? 1.0f : 0.0f);
  }
  // With normalized logits, the error the crossbar needs is the one before the normalization.
  normalize_backward(1, output_error_.data());
}

void QuantizedPerceptron::read_backward() {
  // The bit lines are driven with the error scaled to the DAC's full range (one shared
  // exponent per sample, as a block floating-point unit would), sign by drive polarity.
  float scale = 0;
  for (float e : output_error_) scale = std::max(scale, std::fabs(e));
  if (scale == 0) {
    std::fill(hidden_error_.begin(), hidden_error_.end(), 0.0f);
    return;
  }
  float* head_drive = &error_drive_[head_ * outputs_];
  for (size_t k = 0; k < outputs_; ++k) {
    const float level = dac_.convert(std::fabs(output_error_[k]) / scale);
    head_drive[k] = output_error_[k] < 0 ? -level : level;
  }
  port_->read_transposed(1, error_drive_.data(), back_sum_.data());
  ++activity_.transposed_reads;
  activity_.error_terms += hidden_;
  // Straight through the DAC; the clipped ReLU passes gradient only inside (0, 1).
  const float back_gain = output_gain_ * scale;
  for (size_t j = 0; j < hidden_; ++j) {
    const float a = pre_activation_[j];
    hidden_error_[j] = (a > 0.0f && a < 1.0f) ? back_gain * back_sum_[j] : 0.0f;
  }
  normalize_backward(0, hidden_error_.data());
}

void QuantizedPerceptron::accumulate_gradients() {
  // dL/dW1[i][j] = gain1·x_i·δh_j and dL/dW2[j][k] = gain2·h_j·δ_k, with the straight-through
  // estimator: the gradient of the quantized weight is applied to the hidden weight.
  uint64_t words = 0;
  for (size_t i = 0; i < input_drive_.size(); ++i) {
    const float x = input_drive_[i];
    if (x == 0.0f) continue;
    add_scaled(hidden_gain_ * x, hidden_error_.data(), &gradient_[0][i * hidden_], hidden_);
    words += hidden_;
  }
  const size_t output_cols = outputs_ * heads_;
  for (size_t j = 0; j < hidden_drive_.size(); ++j) {
    const float h = hidden_drive_[j];
    if (h == 0.0f) continue;
    add_scaled(output_gain_ * h, output_error_.data(), &gradient_[1][j * output_cols + head_ * outputs_], outputs_);
    words += outputs_;
  }
  activity_.gradient_updates += words;
  if (params_.batch > 1) {  // batch 1 uses each gradient as it is formed: no buffer traffic
    activity_.gradient_read_bits += words * kFloatBits;
    activity_.gradient_write_bits += words * kFloatBits;
  }
  ++pending_[0];
  ++pending_[1];
}

void QuantizedPerceptron::normalize(unsigned layer, float* values) {
  if (!norm_[layer]) return;
  const uint64_t n = norm_[layer]->neurons();
  norm_[layer]->forward(values, training());
  // Each neuron reads its four state words; training first updates and writes its statistics.
  activity_.normalizations += training() ? 2 * n : n;
  activity_.norm_state_read_bits += n * NeuronNorm::kStateWords * kFloatBits;
  if (training()) activity_.norm_state_write_bits += n * 2 * kFloatBits;
}

void QuantizedPerceptron::normalize_backward(unsigned layer, float* error) {
  if (!norm_[layer]) return;
  const uint64_t n = norm_[layer]->neurons();
  norm_[layer]->backward(error);
  activity_.error_terms += n;             // each error scaled by gamma / sigma
  activity_.gradient_updates += 2 * n;    // gamma's and beta's gradient sums
  activity_.gradient_read_bits += 2 * n * kFloatBits;
  activity_.gradient_write_bits += 2 * n * kFloatBits;
}

void QuantizedPerceptron::update_norm(unsigned layer) {
  if (!norm_[layer]) return;
  NeuronNorm& norm = *norm_[layer];
  const uint64_t parameters = 2 * norm.neurons();
  norm.update(1.0f / static_cast<float>(pending_[layer]));
  const uint64_t state_bits = norm.optimizer().state_words() * kFloatBits;
  activity_.weight_steps += parameters;
  activity_.norm_state_read_bits += parameters * kFloatBits;
  activity_.norm_state_write_bits += parameters * kFloatBits;
  activity_.gradient_read_bits += parameters * kFloatBits;
  activity_.optimizer_state_read_bits += parameters * state_bits;
  activity_.optimizer_state_write_bits += parameters * state_bits;
}

void QuantizedPerceptron::update_layer(unsigned layer) {
  if (pending_[layer] == 0) return;
  SynapseArray& array = *arrays_[layer];
  const LevelGrid& grid = *grids_[layer];
  const MetaplasticGate& gate = gates_[layer];
  const FixedPoint& format = formats_[layer];
  const HiddenOptimizer& optimizer = optimizers_[optimizer_index(layer)];
  std::vector<float>& hidden = hidden_weight_[layer];
  std::vector<uint16_t>& levels = level_[layer];
  const size_t n = hidden.size(), cols = array.cols();
  const bool dense = optimizer.moves_without_gradient();

  ++activity_.optimizer_steps;
  update_norm(layer);
  const size_t covered = propose_steps(layer);
  uint64_t visited = dense ? covered : 0, written = 0;
  for (size_t s = 0; s < n; ++s) {
    const float delta = step_[s];
    if (delta == 0.0f) continue;  // SGD: no gradient, nothing read; Adam: nothing to write
    visited += !dense;
    const float w_h = hidden[s];
    const float step = gate.scale(w_h, delta, levels[s]);
    activity_.meta_attenuations += step != delta;
    const float w = format.quantize(w_h + step);
    if (w == w_h) continue;
    hidden[s] = w;
    ++written;
    ++activity_.quantization_checks;
    if (grid.rounds_to(w, levels[s])) continue;
    // The level changed: reprogram the device, the only time the crossbar is written.
    const unsigned level = grid.nearest(w);
    const ProgramOutcome outcome = port_->program(layer, s / cols, s % cols, levels[s], level);
    levels[s] = static_cast<uint16_t>(level);  // the unit's record is the level it asked for
    ++activity_.reprogram_events;
    activity_.set_pulses += outcome.set_pulses;
    activity_.reset_pulses += outcome.reset_pulses;
    activity_.ineffective_pulses += outcome.ineffective_pulses;
    activity_.verify_reads += outcome.verify_reads;
    activity_.verify_failures += params_.verify_max_pulses > 0 && !outcome.verified;
  }
  activity_.weight_steps += visited;
  const uint64_t hidden_bits = format.storage_bits(), state_bits = optimizer.state_words() * kFloatBits;
  activity_.hidden_read_bits += visited * hidden_bits;
  activity_.hidden_write_bits += written * hidden_bits;
  activity_.optimizer_state_read_bits += visited * state_bits;
  activity_.optimizer_state_write_bits += visited * state_bits;
  if (params_.batch > 1) activity_.gradient_read_bits += covered * kFloatBits;  // read out and cleared
  pending_[layer] = 0;
}

size_t QuantizedPerceptron::propose_steps(unsigned layer) {
  HiddenOptimizer& optimizer = optimizers_[optimizer_index(layer)];
  const float inverse_batch = 1.0f / static_cast<float>(pending_[layer]);
  std::vector<float>& gradient = gradient_[layer];
  const size_t n = gradient.size();
  step_.resize(n);
  optimizer.begin_step();
  if (layer == 0 || heads_ == 1) {
    optimizer.deltas(gradient.data(), inverse_batch, step_.data(), n);
    return n;
  }
  // One head's columns: only they have gradients, and the other heads' weights (their tasks'
  // outputs) must not move by momentum. Gathered so the optimizer runs over plain arrays.
  const size_t cols = outputs_ * heads_, rows = n / cols, offset = head_ * outputs_;
  head_gradient_.resize(rows * outputs_);
  head_step_.resize(rows * outputs_);
  for (size_t row = 0; row < rows; ++row)
    std::copy_n(&gradient[row * cols + offset], outputs_, &head_gradient_[row * outputs_]);
  optimizer.deltas(head_gradient_.data(), inverse_batch, head_step_.data(), head_step_.size());
  std::fill(step_.begin(), step_.end(), 0.0f);
  for (size_t row = 0; row < rows; ++row) {
    std::copy_n(&head_step_[row * outputs_], outputs_, &step_[row * cols + offset]);
    std::fill_n(&gradient[row * cols + offset], outputs_, 0.0f);
  }
  return head_step_.size();
}

void QuantizedPerceptron::FunctionalPort::read(unsigned layer, const float* drive, float* column_sums) {
  network_.readers_[layer].read(*network_.arrays_[layer], drive, column_sums);
}

void QuantizedPerceptron::FunctionalPort::read_transposed(unsigned layer, const float* drive, float* row_sums) {
  network_.readers_[layer].read_transposed(*network_.arrays_[layer], drive, row_sums);
}

ProgramOutcome QuantizedPerceptron::FunctionalPort::program(unsigned layer, size_t row, size_t col, unsigned from,
                                                            unsigned to) {
  return program_to_level(*network_.arrays_[layer], row, col, from, to, network_.params_.verify_max_pulses,
                          network_.device_rng_[layer]);
}

SampleResult QuantizedPerceptron::end_sample() {
  SampleResult result;
  result.prediction = static_cast<int>(std::max_element(logits_.begin(), logits_.end()) - logits_.begin());
  ++(training() ? activity_.train_samples : activity_.inference_samples);
  return result;
}

SampleResult QuantizedPerceptron::run_sample(const uint8_t* image, const std::vector<uint16_t>& permutation,
                                             int target) {
  begin_sample(image, permutation, target);
  drive_inputs();
  read_layer(0);
  activate(0);
  read_layer(1);
  activate(1);
  if (training()) {
    compute_error();
    read_backward();
    accumulate_gradients();
    for (unsigned layer = 0; layer < 2; ++layer)
      if (update_due(layer)) update_layer(layer);
  }
  return end_sample();
}

void QuantizedPerceptron::flush() {
  for (unsigned layer = 0; layer < 2; ++layer) update_layer(layer);
}

void QuantizedPerceptron::select_head(size_t task_index) {
  if (heads_ == 1) return;
  if (task_index >= heads_)
    throw Error("qnn.heads: per_task built " + std::to_string(heads_) + " output heads, task " +
                std::to_string(task_index + 1) + " has none");
  head_ = task_index;
  std::fill(error_drive_.begin(), error_drive_.end(), 0.0f);  // the last head's bit lines are released
}

void QuantizedPerceptron::begin_test(size_t task_index) {
  select_head(task_index);
  if (params_.norm != NormMode::per_task) return;
  for (auto& norm : norm_)
    if (norm) norm->use_for_inference(task_index);
}

void QuantizedPerceptron::begin_task(size_t task_index) {
  flush();
  select_head(task_index);
  for (auto& norm : norm_)
    if (norm && params_.norm == NormMode::per_task && task_index > 0) norm->save_task(task_index - 1);
  std::vector<HiddenOptimizer*> all;
  for (HiddenOptimizer& optimizer : optimizers_) all.push_back(&optimizer);
  for (auto& norm : norm_)
    if (norm) all.push_back(&norm->optimizer());
  const double lr = params_.optimizer.lr * std::pow(params_.lr_task_divisor, -static_cast<double>(task_index));
  for (HiddenOptimizer* optimizer : all) {
    if (params_.reset_optimizer_at_task && task_index > 0) optimizer->reset();
    optimizer->set_learning_rate(lr);
  }
}

nlohmann::json QuantizedPerceptron::memory_bits() const {
  const uint64_t synapses = hidden_weight_[0].size() + hidden_weight_[1].size();
  const uint64_t hidden_bits = formats_[0].storage_bits();
  const uint64_t state_bits = optimizers_[0].state_words() * kFloatBits;
  const uint64_t gradient_bits = params_.batch > 1 ? kFloatBits : 0;
  const uint64_t per_synapse = hidden_bits + state_bits + gradient_bits;
  uint64_t norm_bits = 0;
  for (const auto& norm : norm_)
    if (norm) norm_bits += norm->storage_words() * kFloatBits;
  return {{"synapses", synapses},
          {"hidden_weight_bits_per_synapse", hidden_bits},
          {"optimizer_state_bits_per_synapse", state_bits},
          {"gradient_buffer_bits_per_synapse", gradient_bits},
          {"per_synapse", per_synapse},
          {"hidden_weights", synapses * hidden_bits},
          {"optimizer_state", synapses * state_bits},
          {"gradient_buffer", synapses * gradient_bits},
          {"normalization", norm_bits},
          {"total", synapses * per_synapse + norm_bits}};
}

nlohmann::json QuantizedPerceptron::statistics() const {
  const QnnActivity& a = activity_;
  nlohmann::json updates = device_write_statistics({arrays_[0].get(), arrays_[1].get()});
  updates.update({{"write_pulses", a.pulses()},
                  {"set_pulses", a.set_pulses},
                  {"reset_pulses", a.reset_pulses},
                  {"ineffective_pulses", a.ineffective_pulses},
                  {"reprogram_events", a.reprogram_events},
                  {"verify_reads", a.verify_reads},
                  {"verify_failures", a.verify_failures},
                  {"optimizer_steps", a.optimizer_steps},
                  {"quantization_checks", a.quantization_checks},
                  {"meta_attenuations", a.meta_attenuations}});
  const nlohmann::json unit = {{"train_samples", a.train_samples},
                               {"inference_samples", a.inference_samples},
                               {"forward_reads", a.forward_reads},
                               {"activations", a.activations},
                               {"normalizations", a.normalizations},
                               {"norm_state_read_bits", a.norm_state_read_bits},
                               {"norm_state_write_bits", a.norm_state_write_bits},
                               {"error_terms", a.error_terms},
                               {"weight_steps", a.weight_steps},
                               {"transposed_reads", a.transposed_reads},
                               {"gradient_updates", a.gradient_updates},
                               {"gradient_read_bits", a.gradient_read_bits},
                               {"gradient_write_bits", a.gradient_write_bits},
                               {"hidden_read_bits", a.hidden_read_bits},
                               {"hidden_write_bits", a.hidden_write_bits},
                               {"optimizer_state_read_bits", a.optimizer_state_read_bits},
                               {"optimizer_state_write_bits", a.optimizer_state_write_bits}};
  return {{"updates", updates}, {"digital_unit", unit}, {"memory_bits", memory_bits()}};
}

}  // namespace mx
