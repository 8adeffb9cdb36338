#pragma once
// System A's spiking network (SPEC §1.1-1.3) as the chip computes it: an encoder, two
// crossbar layers read tile by tile, LIF neuron populations, the error unit and a learning
// rule. A time step is a fixed sequence of phases; the functional mode runs them back to
// back (run_sample), the timed SystemC model runs the same phases inside its blocks'
// transactions, so both produce the same spikes, weights and accuracies bit for bit.
#include <cstdint>
#include <memory>
#include <vector>

#include "common/random.h"
#include "device/synapse_array.h"
#include "learning/learning_rule.h"
#include "snn/encoder.h"
#include "snn/error_unit.h"
#include "snn/lif.h"
#include "snn/trace.h"
#include "xbar/tiled_read.h"

namespace mx {

class Config;

struct SampleResult {
  int prediction = -1;  // -1: no output spike at all (counts as wrong)
  std::vector<uint32_t> output_counts;
};

class SpikingNetwork {
 public:
  SpikingNetwork(const Config& config, size_t inputs, size_t outputs, uint64_t seed);

  size_t inputs() const { return inputs_; }
  size_t hidden() const { return hidden_; }
  size_t outputs() const { return outputs_; }
  int steps() const { return steps_; }

  // --- a sample -------------------------------------------------------------------------
  // target < 0: inference only (no error path, no learning).
  void begin_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target);
  // --- the phases of step t, in this order -----------------------------------------------
  void encode_inputs();                       // input spikes of this step
  void read_layer(unsigned layer);            // crossbar read -> drive of the layer's neurons
  void update_neurons(unsigned layer, int t); // LIF step -> spikes
  // update_neurons in parts, for a model whose neuron cores each own a range of the layer:
  // begin, then every range of a partition of the layer in increasing order (each core steps
  // its own neurons), then finish (the layer's spike counts and eligibility traces).
  void begin_neuron_step(unsigned layer, int t);
  void step_neurons(unsigned layer, size_t begin, size_t end);
  void finish_neuron_step(unsigned layer);
  bool update_error();                        // training: error neurons and compartments (true: one fired)
  void decide_updates(unsigned layer);        // training: the rule fills write_batch(layer)
  void program_updates(unsigned layer);       // training: write pulses to the devices
  // program_updates in two parts, for a model that delivers the pulses itself: every move
  // of write_batch(layer) through apply_pulse with write_verify() and device_rng(layer), then this.
  void finish_programming(unsigned layer);
  // ----------------------------------------------------------------------------------------
  SampleResult end_sample();

  // The functional mode: all phases of all steps, back to back.
  SampleResult run_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target);
  void begin_task(size_t task_index) { rule_->begin_task(task_index); }

  bool training() const { return target_ >= 0; }
  const std::vector<uint32_t>& spikes(unsigned population) const { return spikes_[population]; }  // 0 in, 1 hid, 2 out
  const std::vector<float>& drive(unsigned layer) const { return drive_[layer]; }
  // Where a timed model's neuron core combines the tiles' partial sums before
  // update_neurons (read_layer fills it in the functional mode).
  float* drive_buffer(unsigned layer) { return drive_[layer].data(); }
  Rng& device_rng(unsigned layer) { return device_rng_[layer]; }
  const WriteVerify& write_verify() const { return verify_; }
  const WriteBatch& write_batch(unsigned layer) const { return batch_[layer]; }
  SynapseArray& array(unsigned layer) { return *arrays_[layer]; }
  const SynapseArray& array(unsigned layer) const { return *arrays_[layer]; }
  TiledLayerReader& reader(unsigned layer) { return readers_[layer]; }
  LearningRule& rule() { return *rule_; }
  const LearningRule& rule() const { return *rule_; }
  const ErrorUnit& error_unit() const { return error_; }
  uint64_t spike_count(unsigned population) const { return spike_totals_[population]; }

 private:
  size_t inputs_, hidden_, outputs_;
  int steps_;
  double target_p_;
  int target_ = -1;
  int t_ = 0;
  size_t stepped_to_[2] = {0, 0};  // neurons of the layer stepped so far in this step

  Rng input_rng_, target_rng_, device_rng_[2];
  PoissonEncoder encoder_;
  std::unique_ptr<SynapseArray> arrays_[2];
  std::vector<TiledLayerReader> readers_;
  LifPopulation populations_[2];
  ErrorUnit error_;
  std::unique_ptr<LearningRule> rule_;
  ActivityTraces traces_[3];

  std::vector<uint32_t> spikes_[3];
  std::vector<float> drive_[2];
  std::vector<uint8_t> target_spikes_;
  std::vector<uint32_t> output_counts_;
  WriteBatch batch_[2];
  WriteVerify verify_;
  uint64_t spike_totals_[3] = {0, 0, 0};
};

}  // namespace mx
