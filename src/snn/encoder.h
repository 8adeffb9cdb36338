#pragma once
// Rate coding of an image into input spikes (SPEC §1.1): every step each pixel of value p
// in [0,1] spikes independently with probability p * rate * dt. Only pixels that can spike
// are visited, so a step costs one 32-bit draw per lit pixel.
#include <cstdint>
#include <vector>

#include "common/random.h"

namespace mx {

class PoissonEncoder {
 public:
  PoissonEncoder(size_t pixels, double rate_hz, double dt_s) : pixels_(pixels), scale_(rate_hz * dt_s / 255.0) {}

  // permutation: empty, or presented pixel i = image[permutation[i]].
  void load(const uint8_t* image, const std::vector<uint16_t>& permutation);

  // Appends this step's spiking inputs to `spikes` in increasing index order.
  void step(Rng& rng, std::vector<uint32_t>& spikes) const;

  size_t pixels() const { return pixels_; }

 private:
  size_t pixels_;
  double scale_;
  std::vector<uint32_t> lit_;         // inputs with non-zero probability
  std::vector<uint64_t> threshold_;   // spike iff draw32 < threshold (threshold 2^32 = always)
};

}  // namespace mx
