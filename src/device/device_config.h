#pragma once
// The device.* keys of a run, as one layer's array sees them (both networks build their
// crossbars from the same keys).
#include <string>

#include "device/synapse_array.h"

namespace mx {

class Config;

// `layer` is "hidden" or "output" (device.w_max_<layer>).
DeviceOptions device_options_from_config(const Config& config, const std::string& layer);

}  // namespace mx
