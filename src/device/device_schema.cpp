// Defaults: drift, read noise and IR drop are off and no schedule runs, so a config without
// these keys computes what it did before they existed, bit for bit. The drift parameters'
// defaults are the power-law drift of Joshi et al. (Nat. Commun. 11, 2473, 2020) evaluated
// at the default table's ends (docs/devices.md has the derivation).
#include "device/device_schema.h"

#include "config/schema_keys.h"

namespace mx {

using namespace keys;

void add_device_keys(Schema& s) {
  s.add(number("device.read_noise", 0, 0, 1,
               "sigma of the lognormal read noise of a device (every controller and inference read), "
               "truncated at 3 sigma and to the level table's physical range"));
  s.add(choice("device.drift", "none", {"none", "power_law"},
               "conductance drift after a write: none, or g(t) = g0 ((t + t0) / t0)^-nu with a per-device nu"));
  s.add(number("device.drift_nu_low", 0.060, 0, 1, "power_law: mean drift exponent of the lowest level"));
  s.add(number("device.drift_nu_high", 0.049, 0, 1, "power_law: mean drift exponent of the highest level"));
  s.add(number("device.drift_nu_std_low", 0.023, 0, 1,
               "power_law: device-to-device std of nu at the lowest level (redrawn at every write)"));
  s.add(number("device.drift_nu_std_high", 0.008, 0, 1, "power_law: std of nu at the highest level"));
  s.add(number("device.drift_t0_s", 20, 1e-9, kInf, "power_law: reference time after a write, in seconds"));
  s.add(text("device.transitions", "",
             "measured pulse outcomes: a CSV of counts (level_before,pulse,level_after,count); "
             "empty = a pulse moves exactly one level"));
  s.add(number("tile.wire_r_ohm", 0, 0, 1e6,
               "wire resistance of one cell segment of a word or bit line (first-order IR drop); 0 = ideal wires"));

  s.add(any("schedule.task_times", json::array(),
            "deployment calendar: start time of every task (\"0d\", \"7d\", \"12h\", \"1y\"); empty = no schedule"));
  s.add(any("schedule.eval_times", json::array(),
            "deployment calendar: times at which every task learned so far is tested"));
  s.add(choice("schedule.idle_state", "retained", {"retained", "gated"},
               "between events: retained = the chip stays powered (its leakage accrues); gated = power "
               "off, the SRAM learning state saved into and restored from spare devices at each idle period"));
  s.add(number("schedule.battery_mwh", 675, 0, kInf,
               "battery for the battery-life figure (675 mWh = a CR2032 coin cell, 225 mAh at 3 V)"));
}

}  // namespace mx
