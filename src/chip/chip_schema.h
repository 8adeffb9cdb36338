#pragma once
// The chip description keys (chip.*, sram.*, rng.draws_per_cycle, tile.write_drivers,
// adc.ideal_bits) and the parsed description the timed model is built from. Every value is
// checked here, before elaboration.
#include <string>

namespace mx {

class Config;
class Schema;

void add_chip_keys(Schema& schema);

enum class ControllerPlacement { chip, layer, tile };
enum class RngPlacement { controller, tile };

struct ChipDescription {
  unsigned cores_per_layer = 1;
  ControllerPlacement controllers = ControllerPlacement::chip;
  RngPlacement rngs = RngPlacement::controller;
  unsigned draws_per_cycle = 1;
  unsigned sram_banks = 1;
  unsigned write_drivers = 1;
  unsigned write_budget = 0;  // pulses in flight chip-wide; 0 = unlimited
  bool pipeline = false;
};

ChipDescription chip_description(const Config& config);

}  // namespace mx
