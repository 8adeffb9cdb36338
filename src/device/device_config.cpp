#include "device/device_config.h"

#include "common/random.h"
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
  d.drift.enabled = config.get_string("device.drift") == "power_law";
  d.drift.nu_low = config.get_double("device.drift_nu_low");
  d.drift.nu_high = config.get_double("device.drift_nu_high");
  d.drift.nu_std_low = config.get_double("device.drift_nu_std_low");
  d.drift.nu_std_high = config.get_double("device.drift_nu_std_high");
  d.drift.t0_s = config.get_double("device.drift_t0_s");
  d.wire_r_ohm = config.get_double("tile.wire_r_ohm");
  d.tile_rows = config.get_uint("tile.rows");
  d.tile_cols = config.get_uint("tile.cols");
  // Its own stream per layer: the draws never shift any other process's numbers.
  d.noise_seed = derive_seed(config.get_uint("seed"), layer == "hidden" ? 0x44524946u : 0x44524947u);
  const std::string transitions = config.get_string("device.transitions");
  if (!transitions.empty()) d.transitions = std::make_shared<TransitionTable>(TransitionTable::from_file(transitions));
  return d;
}

}  // namespace mx
