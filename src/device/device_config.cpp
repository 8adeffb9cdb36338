#include "device/device_config.h"

#include "config/config.h"

namespace mx {

DeviceOptions device_options_from_config(const Config& config, const std::string& layer) {
  DeviceOptions d;
  d.n_mem = static_cast<unsigned>(config.get_uint("device.n_mem"));
  d.w_max = config.get_double("device.w_max_" + layer);
  d.init_range = config.get_double("device.init_range");
  d.stuck_at_low = config.get_double("device.stuck_at_low");
  d.stuck_at_high = config.get_double("device.stuck_at_high");
  d.endurance_cycles = config.get_uint("device.endurance_cycles");
  d.read_noise = config.get_double("device.read_noise");
  d.nonlinearity = config.get_double("device.nonlinearity");
  return d;
}

}  // namespace mx
