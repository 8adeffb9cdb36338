#pragma once
// The tile read with the effects that make every device count on its own: bounded read
// noise drawn per device per read (SynapseArray::inference_weight) and first-order IR drop
// along the tile's wires (xbar/ir_drop.h). The read kernels of both modes call these when
// array.per_read_effects(), so the functional and timed models compute the same numbers.
#include <cstddef>
#include <cstdint>

#include "device/synapse_array.h"

namespace mx {

// sum[j - col_begin] = Σ over `rows` (sorted, one row tile) of x·W_row,j as read, minus the
// IR loss, for j in [col_begin, col_end); x null = spikes (drive 1). Not yet converted.
void effects_partial_sums(const SynapseArray& array, const uint32_t* rows_begin, const uint32_t* rows_end,
                          const float* x, size_t col_begin, size_t col_end, float* sum);

// The transposed read: sum[i - row_begin] = Σ over `cols` (sorted, one column tile) of
// W_i,col·y[col] as read, minus the IR loss, for i in [row_begin, row_end).
void effects_transposed_sums(const SynapseArray& array, const uint32_t* cols_begin, const uint32_t* cols_end,
                             const float* y, size_t row_begin, size_t row_end, float* sum);

}  // namespace mx
