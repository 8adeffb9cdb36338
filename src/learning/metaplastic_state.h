#pragma once
// The metaplasticity variable m of one layer (SPEC §1.4). m starts at 0 and grows from
// activity: at the end of a training sample, an m is raised by dm when the presynaptic and
// postsynaptic traces it covers both exceed their thresholds, then clipped to m_max.
// Sharing: one m per synapse (the paper's default), per post-neuron, per layer, or per
// module (a block of presynaptic neurons). A shared m covers a block of synapses and uses
// the mean trace over the block's pre and post neurons — with blocks of one synapse this is
// exactly the per-synapse rule, and for a whole layer it is the SPEC's layer variant.
#include <cstdint>
#include <string>
#include <vector>

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
  MetaplasticState(size_t pre, size_t post, const MetaplasticParams& params);

  float m(size_t pre, size_t post) const { return m_[(pre / pre_block_) * post_blocks_ + post / post_block_]; }
  size_t cell_count() const { return m_.size(); }
  const std::vector<float>& cells() const { return m_; }

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
  size_t pre_block_, post_block_, pre_blocks_, post_blocks_;
  std::vector<float> m_;
  std::vector<uint32_t> last_pre_, last_post_;
  std::vector<uint32_t> scratch_pre_, scratch_post_;
};

}  // namespace mx
