#include "chip/architect_schema.h"

#include "config/config.h"
#include "config/schema_keys.h"

namespace mx {

using namespace keys;

void add_architect_keys(Schema& s) {
  s.add(choice("power.gating", "none", {"none", "idle_blocks"},
               "static energy: none = every block leaks for the whole chip time; idle_blocks = a block is "
               "power-gated while idle, leaking only while busy plus one wake-up per sample it works in "
               "(every block the chip times, by its recorded busy time: tiles, routers, neuron cores, "
               "controllers, RNGs, SRAM banks; a block it does not time stays ungated and is listed in "
               "static_energy_pj.ungated_blocks)"));
  s.add(number("power.wakeup_ns", 10, 0, 1e9,
               "idle_blocks: leakage-time equivalent of one wake-up (recharging a gated block's rails); "
               "assumed, of the order of the tens of ns power-gating studies report"));
}

}  // namespace mx
