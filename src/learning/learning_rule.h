#pragma once
// A learning rule sees one layer at a time during a training step: its crossbar, the
// postsynaptic currents (for the eligibility boxcar), the error compartments U, and the
// presynaptic spikes of this step. It decides which synapses move and fires write pulses.
// Everything it does is counted in LearningActivity so the chip model can charge it.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/random.h"
#include "device/synapse_array.h"
#include "learning/metaplastic_state.h"
#include "qnn/level_programmer.h"
#include "xbar/tiled_read.h"

namespace mx {

class GateBank;

class Config;

struct LayerStep {
  unsigned layer = 0;  // 0: input->hidden, 1: hidden->output
  SynapseArray* array = nullptr;
  const float* post_current = nullptr;
  float* u = nullptr;
  const std::vector<uint32_t>* pre_spikes = nullptr;
};

struct LearningActivity {
  uint64_t update_events = 0;   // layer-steps in which some post-neuron was eligible
  uint64_t eligible_posts = 0;
  uint64_t candidates = 0;      // eligible post x spiking pre pairs
  uint64_t rng_draws = 0;
  uint64_t p_evaluations = 0;   // p_update computed (lookup) for a candidate
  uint64_t weight_reads = 0;    // controller reads of a synapse (all its devices)
  uint64_t m_reads = 0;         // metaplastic-state words read
  uint64_t m_writes = 0;        // metaplastic-state words written
  uint64_t acc_updates = 0;     // accumulator read-modify-writes (grad_acc)
  uint64_t set_pulses = 0;
  uint64_t reset_pulses = 0;
  uint64_t ineffective_pulses = 0;  // stuck, worn out or failed
  uint64_t verify_reads = 0;        // write-verify reads (one before each write, one after each pulse)
  uint64_t verify_failures = 0;     // verified writes that ended off target after verify_max_pulses

  LearningActivity& operator+=(const LearningActivity& other);
  uint64_t pulses() const { return set_pulses + reset_pulses; }
};

// What one layer-step asked of one tile's synapses, for a chip that splits the controller's
// work by tile. Filled only when a chip asks for it (track_tiles), so the functional mode
// pays nothing.
// m_reads are by the home of the cell read (the tile whose slice holds it, metaplastic_state.h),
// so with a shared m a tile's SRAM serves reads of other tiles' candidates; the rest are by
// the tile of the candidate's synapse.
struct TileWork {
  uint64_t candidates = 0, p_evaluations = 0, weight_reads = 0, m_reads = 0, acc_updates = 0, draws = 0;
};

struct EligibilityParams {
  float u_th = 0, i_min = -4, i_max = 4;
};

// Write pulses a rule decided on in one layer-step: every listed synapse gets one pulse on
// the same device index, chosen round-robin per layer (SPEC §1.6).
struct WriteMove {
  uint32_t pre, post;
  int8_t direction;  // +1 SET (toward higher conductance, larger weight), -1 RESET
};
struct WriteBatch {
  unsigned layer = 0;
  unsigned device = 0;
  std::vector<WriteMove> moves;
};

// One write of a batch on its device (the tile's programming path), counted: one pulse, or
// with write-verify on the verified loop of src/qnn/level_programmer.
ProgramOutcome apply_pulse(SynapseArray& array, const WriteMove& move, unsigned device, const WriteVerify& verify,
                           Rng& device_rng, LearningActivity& activity);
// Every write of a batch in order (the functional mode; the timed model sends them tile by tile).
void program_batch(SynapseArray& array, const WriteBatch& batch, const WriteVerify& verify, Rng& device_rng,
                   LearningActivity& activity);

class LearningRule {
 public:
  virtual ~LearningRule() = default;
  virtual std::string name() const = 0;
  // The generators the rule's gate draws from, for a chip whose RNG blocks hold them; null
  // for rules that draw nothing.
  virtual GateBank* gates() { return nullptr; }
  // The stores the chip's SRAMs hold: m of a layer (null if the rule keeps none) and the
  // accumulators of a layer (null for rules without).
  SlicedState* m_store(unsigned layer) { return layer < meta_.size() ? &meta_[layer]->store() : nullptr; }
  virtual SlicedState* accumulator_store(unsigned layer) { return nullptr; }
  // Whether the rule expects leaky error compartments (grad_acc) or thresholded ones.
  virtual bool leaky_compartments() const { return false; }
  virtual void begin_task(size_t task_index) {}
  // Decides this layer-step's updates; leaves `batch.moves` empty when nothing moves.
  virtual void on_step(const LayerStep& step, WriteBatch& batch) = 0;
  // What the network calls: on_step, plus the per-tile tally when a chip tracks tiles.
  void step(const LayerStep& step, WriteBatch& batch);
  // After the batch was programmed (cached per-synapse quantities may depend on W).
  virtual void after_program(const SynapseArray& array, const WriteBatch& batch) {}
  // End of a training sample: m growth from the sample's traces.
  virtual void end_sample(unsigned layer, const std::vector<float>& pre_trace, const std::vector<uint32_t>& pre_active,
                          const std::vector<float>& post_trace, const std::vector<uint32_t>& post_active) {}

  // A chip that splits the controller's work by tile asks for the per-tile tally of every
  // layer-step; `rows`/`cols` are each layer's array size.
  void track_tiles(const TileGrid& grid, const size_t rows[2], const size_t cols[2]);
  // The last layer-step's work per tile of the layer (row tile major); empty when untracked.
  const std::vector<TileWork>& tile_work(unsigned layer) const { return tile_work_[layer]; }
  // Post-neurons eligible in the last layer-step of `layer`.
  const std::vector<uint32_t>& eligible(unsigned layer) const { return eligible_posts_[layer]; }

  const LearningActivity& activity() const { return activity_; }
  LearningActivity& activity() { return activity_; }
  const MetaplasticState* meta(unsigned layer) const {
    return layer < meta_.size() ? meta_[layer].get() : nullptr;
  }

 protected:
  // The round-robin device pointer advances once per layer-step in which something moves.
  void finish_batch(const SynapseArray& array, WriteBatch& batch);
  // A rule records each eligible post-neuron of the layer-step it decides.
  void note_eligible(unsigned layer, uint32_t post) { eligible_posts_[layer].push_back(post); }
  bool tracking_tiles() const { return tracking_; }
  // A rule whose m reads do not follow its candidates (random consolidation reads another
  // synapse's m) sets this and adds each read to tile_work_[layer][home].m_reads itself.
  bool tallies_m_reads_ = false;
  size_t home_tile_of(unsigned layer, uint32_t pre, uint32_t post) const {
    const MetaplasticState& meta = *meta_[layer];
    return meta.home_row_tile(pre) * col_tiles_[layer] + meta.home_col_tile(post);
  }
  size_t tile_of(unsigned layer, uint32_t pre, uint32_t post) const {
    return (pre / grid_.tile_rows) * col_tiles_[layer] + post / grid_.tile_cols;
  }
  // Rules that draw or read weights per tile add to these themselves.
  std::vector<TileWork> tile_work_[2];
  TileGrid grid_;
  size_t row_tiles_[2] = {0, 0}, col_tiles_[2] = {0, 0};

  LearningActivity activity_;
  std::vector<std::unique_ptr<MetaplasticState>> meta_;
  uint64_t round_robin_[2] = {0, 0};

 private:
  bool tracking_ = false;
  std::vector<uint32_t> eligible_posts_[2];
  std::vector<uint64_t> pre_per_row_tile_, eligible_per_col_tile_;
  std::vector<uint64_t> pre_per_home_row_, eligible_per_home_col_;
};

struct GateSpec;
// The stochastic gate's RNG and p-table resolution from rng.* and controller.p_bits.
GateSpec gate_spec(const Config& config);
// controller.write_verify, verify_tolerance and verify_max_pulses.
WriteVerify write_verify_spec(const Config& config);

// Builds the rule a config asks for; `seed` is the run seed.
std::unique_ptr<LearningRule> make_learning_rule(const Config& config, size_t inputs, size_t hidden,
                                                 size_t outputs, uint64_t seed);

}  // namespace mx
