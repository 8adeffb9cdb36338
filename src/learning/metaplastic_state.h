#pragma once
// The metaplasticity variable m of one layer (SPEC §1.4). m starts at 0 and grows from
// activity: at the end of a training sample, an m is raised by dm when the presynaptic and
// postsynaptic traces it covers both exceed their thresholds, then clipped to m_max.
// Sharing: one m per synapse (the paper's default), per post-neuron, per layer, or per
// module (a block of presynaptic neurons). A shared m covers a block of synapses and uses
// the mean trace over the block's pre and post neurons — with blocks of one synapse this is
// exactly the per-synapse rule, and for a whole layer it is the SPEC's layer variant.
// The cells live in a SlicedState: a shared cell's home is the tile of its first synapse
// (post sharing: row tile 0; layer sharing: the layer's first tile), and every access goes to
// the slice of that home, whichever tile's candidate asked for it.
#include <cstdint>
#include <string>
#include <vector>

#include "learning/state_store.h"

namespace mx {

enum class MSharing { synapse, post, layer, module };
MSharing parse_m_sharing(const std::string& name);

struct MetaplasticParams {
  float th_pre = 0, th_post = 0, dm = 0, m_max = 0;
  MSharing sharing = MSharing::synapse;
  size_t module_pre = 8;  // module sharing: presynaptic neurons per m
};

class MetaplasticState {
 public:
  MetaplasticState(size_t pre, size_t post, const MetaplasticParams& params, const StateLayout& layout = {});

  // m of synapse (pre, post) without an SRAM access (reports, tests, a kernel's cache).
  float m(size_t pre, size_t post) const { return cells_.peek(pre / pre_block_, post / post_block_); }
  // m as the controller reads it: one word read of the cell's home slice.
  float read(size_t pre, size_t post) { return cells_.read(pre / pre_block_, post / post_block_); }
  // Word reads of pre's cells for `per_col_slice[c]` candidates in each column slice c of
  // the store (a kernel that caches what it derives from m still reads m per candidate).
  void count_reads(size_t pre, const uint64_t* per_col_slice);
  size_t cell_count() const { return cells_.cell_count(); }
  bool per_synapse() const { return pre_block_ == 1 && post_block_ == 1; }
  SlicedState& store() { return cells_; }
  const SlicedState& store() const { return cells_; }
  // Home tiles and column slice of a synapse's cell, by its pre or post neuron alone.
  size_t home_row_tile(size_t pre) const { return cells_.home_row_tile(pre / pre_block_); }
  size_t home_col_tile(size_t post) const { return cells_.home_col_tile(post / post_block_); }
  size_t col_slice_of(size_t post) const { return cells_.col_slice_of(post / post_block_); }
  // Cells written by grow() so far, per home tile of the layer (row tile major).
  const std::vector<uint64_t>& grown() const { return grown_; }

  // Called at the end of a training sample with the traces of that sample; `changed_pre`
  // and `changed_post` (optional) receive the synapse rectangle whose m moved.
  // Returns the number of m cells written.
  size_t grow(const std::vector<float>& pre_trace, const std::vector<uint32_t>& pre_active,
              const std::vector<float>& post_trace, const std::vector<uint32_t>& post_active);

  // Rectangles of synapses whose m changed in the last grow(): pre list x post list.
  const std::vector<uint32_t>& last_pre() const { return last_pre_; }
  const std::vector<uint32_t>& last_post() const { return last_post_; }

 private:
  MetaplasticParams params_;
  size_t pre_, post_;
  size_t pre_block_, post_block_;
  SlicedState cells_;
  std::vector<uint64_t> grown_;
  std::vector<uint32_t> last_pre_, last_post_;
  std::vector<uint32_t> scratch_pre_, scratch_post_;
  std::vector<uint64_t> rows_per_home_, cols_per_home_;
};

}  // namespace mx
