#pragma once
// System B's configuration keys (qnn.*), declared beside its code (qnn_schema.cpp).
#include <string>

#include "config/config.h"

namespace mx {

// Adds every qnn.* key with its default, range and meaning; the run schema's builder
// (config/schema.cpp) calls it so that a run can set them.
void add_qnn_keys(Schema& schema);

}  // namespace mx
