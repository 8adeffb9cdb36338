#include "snn/encoder.h"

#include <algorithm>
#include <cmath>

namespace mx {

void PoissonEncoder::load(const uint8_t* image, const std::vector<uint16_t>& permutation) {
  lit_.clear();
  threshold_.clear();
  for (size_t i = 0; i < pixels_; ++i) {
    const uint8_t value = permutation.empty() ? image[i] : image[permutation[i]];
    if (value == 0) continue;
    const double p = std::min(1.0, value * scale_);
    lit_.push_back(static_cast<uint32_t>(i));
    threshold_.push_back(static_cast<uint64_t>(std::llround(p * 4294967296.0)));
  }
}

void PoissonEncoder::step(Rng& rng, std::vector<uint32_t>& spikes) const {
  const size_t n = lit_.size();
  const size_t start = spikes.size();
  spikes.resize(start + n);
  uint32_t* out = spikes.data() + start;
  size_t count = 0;
  size_t i = 0;
  // Two 32-bit draws per 64-bit output; every candidate is written and kept only if it
  // spiked, so there is no unpredictable branch per pixel.
  for (; i + 1 < n; i += 2) {
    const uint64_t bits = rng.next_u64();
    out[count] = lit_[i];
    count += (bits >> 32) < threshold_[i];
    out[count] = lit_[i + 1];
    count += (bits & 0xFFFFFFFFull) < threshold_[i + 1];
  }
  if (i < n) {
    out[count] = lit_[i];
    count += (rng.next_u64() >> 32) < threshold_[i];
  }
  spikes.resize(start + count);
}

}  // namespace mx
