#pragma once
// Everything a point's `metaxbar run` would find wrong with its config before simulating,
// checked for every point of a sweep before the first one starts: a bad value found at
// point 900 of 1000 after a night of simulation costs the night.
#include "tb/sweep_file.h"

namespace mx {

// The checks of one resolved config that need no dataset: keys the network kind never
// reads, the tech table (loads, and the ledger's limits), the level table and device
// options (through a 1-input network built the way the run builds its own), the network
// kind's parameters (qnn.*, neuron.*, n_mem), the chip description of a timed run and the
// task pairs. Throws mx::Error naming the key.
void check_run_config(const Config& config);

// check_run_config for every point of the sweep; the first bad point stops it with
// "<origin>: point <index> (<axis values>, seed N): <what is wrong>".
void check_sweep_points(const Sweep& sweep);

}  // namespace mx
