#pragma once
// Where the network sits on the chip: every layer is cut into crossbar tiles (row tiles x
// column tiles), each tile sits at one router of the 2-D mesh, and a neuron core per layer
// combines the tiles' partial sums. Input spikes enter at the I/O port of router 0; the
// output layer's core also hosts the error unit, the learning controller and the RNG.
#include <cstddef>
#include <string>
#include <vector>

#include "xbar/tiled_read.h"

namespace mx {

struct TilePlacement {
  unsigned layer = 0;
  size_t row_tile = 0, col_tile = 0;
  size_t row_begin = 0, row_end = 0, col_begin = 0, col_end = 0;
  unsigned router = 0;
  std::string name() const;  // "L0 r2 c1"
};

struct Floorplan {
  unsigned mesh_width = 0, mesh_height = 0;
  TileGrid grid;
  std::vector<TilePlacement> tiles;  // layer-major, then row tile, then column tile
  size_t first_tile[2] = {0, 0};     // index of each layer's first tile
  size_t row_tiles[2] = {0, 0}, col_tiles[2] = {0, 0};
  unsigned io_router = 0;
  unsigned core_router[2] = {0, 0};
  unsigned controller_router = 0;

  const TilePlacement& tile(unsigned layer, size_t row_tile, size_t col_tile) const {
    return tiles[first_tile[layer] + row_tile * col_tiles[layer] + col_tile];
  }
  size_t tile_index(unsigned layer, size_t row_tile, size_t col_tile) const {
    return first_tile[layer] + row_tile * col_tiles[layer] + col_tile;
  }
  unsigned routers() const { return mesh_width * mesh_height; }
};

// Where core `core` of `cores` serving `layer` sits: at the router of the layer's tile in the
// middle of its share of the tiles (one core: the middle tile, where partial sums travel least).
unsigned core_router(const Floorplan& plan, unsigned layer, unsigned core, unsigned cores);

// layer_rows/cols: {inputs, hidden} x {hidden, outputs}. mesh 0 x 0 = the smallest square
// that holds every tile. Throws mx::Error when the tiles do not fit the mesh.
Floorplan make_floorplan(const size_t layer_rows[2], const size_t layer_cols[2], const TileGrid& grid,
                         unsigned mesh_width, unsigned mesh_height);

}  // namespace mx
