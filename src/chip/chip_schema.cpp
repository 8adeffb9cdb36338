// The chip description: how the timed chip is partitioned. Cores, banks, drivers, the write
// budget, pipelining and controller placement move time and energy only; chip.rngs = "tile"
// gives every tile its own generator, which is another random stream.
#include "chip/chip_schema.h"

#include "common/error.h"
#include "config/config.h"
#include "config/schema_keys.h"

namespace mx {

using namespace keys;

void add_chip_keys(Schema& s) {
  s.add(integer("chip.cores_per_layer", 1, 1, 1024,
                "neuron cores per layer; a layer's neurons are split evenly across them (timing and energy "
                "only)"));
  s.add(choice("chip.controllers", "chip", {"chip", "layer", "tile"},
               "learning controllers: one for the chip, one per layer, or one per tile, each deciding the "
               "candidates of what it serves (timing and energy only)"));
  s.add(choice("chip.rngs", "controller", {"controller", "tile"},
               "gate generators: controller = the rule's one stream per layer, served by the controllers' RNG "
               "blocks; tile = one generator per tile, seeded per tile: ANOTHER random stream, so learned "
               "numbers change"));
  s.add(integer("rng.draws_per_cycle", 1, 1, 1024,
                "draws an RNG block delivers per draw time (parallel lanes of the same stream)"));
  s.add(integer("sram.banks", 1, 1, 1024,
                "banks the controller's m and accumulator words are interleaved over; one access per bank per "
                "access time"));
  s.add(integer("tile.write_drivers", 1, 1, 1024, "write drivers per tile: pulses a tile applies at once"));
  s.add(integer("chip.write_budget", 0, 0, 1e6,
                "write pulses in flight chip-wide (the current-supply limit of a die); 0 = unlimited"));
  s.add(boolean("chip.pipeline", false,
                "false: a barrier per time step; true: layer l+1 of step t overlaps layer l of step t+1"));
  // Write-verify changes the devices, hence learned numbers (controller.write_verify).
  s.add(number("controller.verify_tolerance", 0.5, 0, 0.5,
               "write-verify: a read on target lies within this many levels of the target level's mean "
               "resistance (0.5 = it snaps to the target level; smaller re-pulses off-centre devices through a "
               "neighbouring level, since a pulse moves whole levels)"));
  s.add(integer("controller.verify_max_pulses", 4, 1, 1e6,
                "write-verify: at most this many pulses per write; a write still off target then counts in "
                "updates.verify_failures"));
  s.add(integer("adc.ideal_bits", 8, 1, 16,
                "the width an ideal converter (adc.bits = 0) stands for: it ships this many bits per partial "
                "sum over the mesh and is priced and sized by the tech table's adc_conversion_<N>bit entry"));
}

ChipDescription chip_description(const Config& config) {
  ChipDescription d;
  d.cores_per_layer = static_cast<unsigned>(config.get_uint("chip.cores_per_layer"));
  const std::string controllers = config.get_string("chip.controllers");
  d.controllers = controllers == "layer"  ? ControllerPlacement::layer
                  : controllers == "tile" ? ControllerPlacement::tile
                                          : ControllerPlacement::chip;
  d.rngs = config.get_string("chip.rngs") == "tile" ? RngPlacement::tile : RngPlacement::controller;
  d.draws_per_cycle = static_cast<unsigned>(config.get_uint("rng.draws_per_cycle"));
  d.sram_banks = static_cast<unsigned>(config.get_uint("sram.banks"));
  d.write_drivers = static_cast<unsigned>(config.get_uint("tile.write_drivers"));
  d.write_budget = static_cast<unsigned>(config.get_uint("chip.write_budget"));
  d.pipeline = config.get_bool("chip.pipeline");
  return d;
}

}  // namespace mx
