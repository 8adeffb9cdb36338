#pragma once
// System B (SPEC §2, D'Agostino et al. 2023) as the chip computes it: a 784-H-10 perceptron
// whose quantized weights are device levels in two crossbar layers, driven through
// multi-bit DACs and read through per-tile ADCs, with a digital unit that computes the
// activations and the error, keeps a high-precision hidden weight per synapse, applies the
// optimizer and metaplasticity, and reprograms a device only when the level its hidden
// weight rounds to changes.
//
// A sample is a fixed sequence of phases (below); the functional mode runs them back to
// back (run_sample), a timed SystemC model runs the same phases inside its blocks'
// transactions, so both produce the same weights and accuracies bit for bit.
//
// Backward pass: the unit keeps the hidden weights, not a second copy of the quantized
// ones, so the hidden layer's error W2·δ is read from the output crossbar transposed (the
// error drives its bit lines through the DAC, the word lines are sensed through the ADC):
// it uses the weights the forward pass used, device noise included, and costs one
// transposed read of a small array instead of H×10 words of storage.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/random.h"
#include "device/synapse_array.h"
#include "hw/converters.h"
#include "qnn/hidden_optimizer.h"
#include "qnn/level_programmer.h"
#include "qnn/level_grid.h"
#include "qnn/metaplastic_gate.h"
#include "qnn/neuron_norm.h"
#include "snn/network.h"
#include "xbar/analog_read.h"

namespace mx {

class Config;

enum class Loss { cross_entropy, hinge, mse };
// qnn.norm: whether the digital unit normalizes each neuron (src/qnn/neuron_norm.h), and
// whether each task is then tested with its own normalization state.
enum class NormMode { none, shared, per_task };
NormMode parse_norm_mode(const std::string& name);
Loss parse_loss(const std::string& name);

// The qnn.* keys (qnn_schema.cpp), parsed.
struct QnnParams {
  unsigned dac_bits;
  double hidden_gain, output_gain;  // per unit of w_max
  bool bias_row;
  Loss loss;
  double margin;
  unsigned hidden_bits;
  double hidden_range;  // in units of w_max
  double init_jitter;
  OptimizerParams optimizer;
  unsigned batch;
  bool reset_optimizer_at_task;
  double lr_task_divisor;  // task i trains at lr / divisor^i
  double meta_m;
  MetaReference meta_reference;
  NormMode norm = NormMode::none;
  bool norm_layer[2] = {false, false};  // which layers' outputs are normalized (hidden, logits)
  NormParams norm_params[2];
  // qnn.heads per_task: one block of output columns per task, each trained and tested only
  // while its task is current (task identity at inference, the task-incremental scenario).
  bool head_per_task = false;
  unsigned verify_max_pulses;

  static QnnParams from_config(const Config& config);
};

// How the perceptron reaches its crossbars. The functional mode uses the kernels directly;
// the timed chip model routes every read and every reprogramming through its tiles' TLM
// sockets, which run the same kernels tile by tile, so both compute the same numbers.
class CrossbarPort {
 public:
  virtual ~CrossbarPort() = default;
  // column_sums[j] = sum over row tiles, in order, of the tile's converted partial sums.
  virtual void read(unsigned layer, const float* drive, float* column_sums) = 0;
  // row_sums[i] = sum over column tiles, in order, of the tile's converted word-line sums.
  virtual void read_transposed(unsigned layer, const float* drive, float* row_sums) = 0;
  virtual ProgramOutcome program(unsigned layer, size_t row, size_t col, unsigned from, unsigned to) = 0;
};

// The digital unit's work, counted so the chip model can charge it. Bits are counted at
// the storage width of each word (hidden weights: memory.hidden_bits; optimizer state and
// gradient buffer: 32-bit floats).
struct QnnActivity {
  uint64_t train_samples = 0;
  uint64_t inference_samples = 0;
  uint64_t forward_reads = 0;          // layer reads (DAC -> tiles -> ADC)
  uint64_t transposed_reads = 0;       // backward reads of the output layer
  uint64_t gradient_updates = 0;       // gradient words formed (multiply-accumulates)
  uint64_t gradient_read_bits = 0, gradient_write_bits = 0;  // the mini-batch buffer
  uint64_t optimizer_steps = 0;        // mini-batch updates, per layer
  uint64_t weight_steps = 0;           // hidden weights the optimizer and the gate visited
  uint64_t activations = 0;            // hidden activations and logits formed
  uint64_t normalizations = 0;         // qnn.norm: neurons normalized (and, training, statistics updated)
  uint64_t norm_state_read_bits = 0, norm_state_write_bits = 0;  // statistics, gamma, beta
  uint64_t error_terms = 0;            // output errors and back-propagated hidden errors formed
  uint64_t hidden_read_bits = 0, hidden_write_bits = 0;
  uint64_t optimizer_state_read_bits = 0, optimizer_state_write_bits = 0;
  uint64_t meta_attenuations = 0;      // steps toward zero scaled by f_meta
  uint64_t quantization_checks = 0;    // hidden weights compared with their level after a change
  uint64_t reprogram_events = 0;       // synapses whose level changed
  uint64_t set_pulses = 0, reset_pulses = 0;  // all write pulses, verify-loop pulses included
  uint64_t ineffective_pulses = 0;
  uint64_t verify_reads = 0;
  uint64_t verify_failures = 0;        // verify loops that ended without reading the target

  uint64_t pulses() const { return set_pulses + reset_pulses; }
  QnnActivity& operator+=(const QnnActivity& other);
  QnnActivity& operator-=(const QnnActivity& other);
};

class QuantizedPerceptron {
 public:
  // network.hidden, device.*, tile.*, adc.* and qnn.* from `config`. `tasks` is the number
  // of output heads qnn.heads per_task builds (one otherwise).
  QuantizedPerceptron(const Config& config, size_t inputs, size_t outputs, uint64_t seed, size_t tasks = 1);
  // The same with System B's own parameters given explicitly.
  QuantizedPerceptron(const Config& config, const QnnParams& params, size_t inputs, size_t outputs, uint64_t seed,
                      size_t tasks = 1);

  size_t inputs() const { return inputs_; }
  size_t hidden() const { return hidden_; }
  size_t outputs() const { return outputs_; }  // classes, per head
  size_t heads() const { return heads_; }      // the output crossbar has outputs() × heads() columns
  const QnnParams& params() const { return params_; }

  // --- a sample, in this order -------------------------------------------------------------
  // target < 0: inference only.
  void begin_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target);
  void drive_inputs();               // DAC: pixels -> word-line levels of layer 0
  void read_layer(unsigned layer);   // tiled crossbar read -> column sums
  void activate(unsigned layer);     // digital: 0: hidden activation + its DAC; 1: logits
  // training only:
  void compute_error();              // output error of the loss
  void read_backward();              // transposed read of layer 1 -> hidden error
  void accumulate_gradients();       // gradient buffer += this sample's outer products
  // When a mini-batch is complete, each layer's update (in either order):
  bool update_due(unsigned layer) const { return pending_[layer] == params_.batch; }
  void update_layer(unsigned layer);  // optimizer + metaplasticity + quantize + reprogram
  // ------------------------------------------------------------------------------------------
  SampleResult end_sample();

  // Routes reads and reprogramming through `port` (the chip's tiles); nullptr = the kernels.
  void attach(CrossbarPort* port) { port_ = port ? port : &functional_port_; }
  Rng& device_rng(unsigned layer) { return device_rng_[layer]; }
  const float* drive(unsigned layer) const { return layer == 0 ? input_drive_.data() : hidden_drive_.data(); }

  // The functional mode: all phases back to back.
  SampleResult run_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target);
  // A new task: a partial mini-batch left from the previous one is applied first; with
  // qnn.reset_optimizer_at_task the optimizers (gamma's and beta's too) then start afresh
  // (not before task 0), and their learning rate becomes qnn.lr / qnn.lr_task_divisor^task_index.
  // With qnn.norm per_task, the normalization state the last task ended with is kept for its tests.
  void begin_task(size_t task_index);
  void flush();
  // Before task `task_index`'s test set: with qnn.norm per_task, inference uses the
  // normalization state that task ended its training with; with qnn.heads per_task, that
  // task's head.
  void begin_test(size_t task_index);

  bool training() const { return target_ >= 0; }
  SynapseArray& array(unsigned layer) { return *arrays_[layer]; }
  const SynapseArray& array(unsigned layer) const { return *arrays_[layer]; }
  AnalogLayerReader& reader(unsigned layer) { return readers_[layer]; }
  const LevelGrid& grid(unsigned layer) const { return *grids_[layer]; }
  const MetaplasticGate& gate(unsigned layer) const { return gates_[layer]; }
  const FixedPoint& hidden_format(unsigned layer) const { return formats_[layer]; }
  // Hidden weights (row-major, rows = presynaptic incl. the bias row), and the level each
  // synapse was last programmed to (the unit's record).
  const std::vector<float>& hidden_weights(unsigned layer) const { return hidden_weight_[layer]; }
  const std::vector<uint16_t>& programmed_levels(unsigned layer) const { return level_[layer]; }
  const std::vector<float>& logits() const { return logits_; }
  const std::vector<float>& output_error() const { return output_error_; }
  // The output crossbar's bit-line drive of the last transposed read (all heads' columns).
  const std::vector<float>& error_drive() const { return error_drive_; }
  const QnnActivity& activity() const { return activity_; }
  // The output layer's is the current head's (each head keeps its own moments and steps).
  const HiddenOptimizer& optimizer(unsigned layer) const { return optimizers_[optimizer_index(layer)]; }
  // The normalization of a layer's outputs (qnn.norm), or nullptr.
  const NeuronNorm* norm(unsigned layer) const { return norm_[layer].get(); }

  // The digital unit's storage, in bits.
  nlohmann::json memory_bits() const;
  // {"updates": {...}, "digital_unit": {...}, "memory_bits": {...}}
  nlohmann::json statistics() const;

 private:
  class FunctionalPort : public CrossbarPort {
   public:
    explicit FunctionalPort(QuantizedPerceptron& network) : network_(network) {}
    void read(unsigned layer, const float* drive, float* column_sums) override;
    void read_transposed(unsigned layer, const float* drive, float* row_sums) override;
    ProgramOutcome program(unsigned layer, size_t row, size_t col, unsigned from, unsigned to) override;

   private:
    QuantizedPerceptron& network_;
  };

  // qnn.norm on one layer's outputs, each with its digital work counted (no-ops when the
  // layer is not normalized).
  void normalize(unsigned layer, float* values);
  void normalize_backward(unsigned layer, float* error);
  void update_norm(unsigned layer);
  size_t optimizer_index(unsigned layer) const { return layer == 0 ? 0 : 1 + head_; }
  void select_head(size_t task_index);
  // The optimizer's proposed changes of the synapses an update of `layer` may move, into
  // step_ (zero elsewhere); returns how many it covered.
  size_t propose_steps(unsigned layer);

  size_t inputs_, hidden_, outputs_;
  size_t heads_ = 1, head_ = 0;  // output heads, and the one in use
  QnnParams params_;
  unsigned bias_rows_;  // 1: each crossbar has a bias word line driven at 1
  float hidden_gain_, output_gain_;  // per weight unit
  int target_ = -1;
  unsigned pending_[2] = {0, 0};  // samples in each layer's gradient buffer

  Rng device_rng_[2];
  Dac dac_;
  std::unique_ptr<SynapseArray> arrays_[2];
  std::unique_ptr<LevelGrid> grids_[2];
  std::vector<MetaplasticGate> gates_;
  std::vector<FixedPoint> formats_;
  std::vector<HiddenOptimizer> optimizers_;  // the hidden layer's, then one per output head
  std::vector<AnalogLayerReader> readers_;

  std::vector<float> hidden_weight_[2];
  std::vector<uint16_t> level_[2];
  std::vector<float> gradient_[2];
  std::vector<float> step_;  // the optimizer's proposed changes of one layer
  std::vector<float> head_gradient_, head_step_;  // one head's block of them, contiguous
  std::unique_ptr<NeuronNorm> norm_[2];  // null: the layer is not normalized

  const uint8_t* image_ = nullptr;
  const std::vector<uint16_t>* permutation_ = nullptr;
  std::vector<float> input_drive_, column_sum_[2], pre_activation_, hidden_drive_, logits_;
  std::vector<float> output_error_, error_drive_, back_sum_, hidden_error_;
  QnnActivity activity_;
  FunctionalPort functional_port_{*this};
  CrossbarPort* port_ = &functional_port_;
};

}  // namespace mx
