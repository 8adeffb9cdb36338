// System B's configuration keys (qnn.*): filled in with the quantized perceptron.
#include "config/config.h"

namespace mx {

void add_qnn_keys(Schema& schema) {}

}  // namespace mx
