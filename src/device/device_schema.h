#pragma once
// The keys of the devices over time (device.drift*, device.read_noise, device.transitions),
// of the tile wires (tile.wire_r_ohm) and of the deployment schedule (schedule.*), declared
// beside the code that reads them.
#include "config/config.h"

namespace mx {

void add_device_keys(Schema& schema);

}  // namespace mx
