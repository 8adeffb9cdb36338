#include "chip/floorplan.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"

namespace mx {

std::string TilePlacement::name() const {
  return "L" + std::to_string(layer) + " r" + std::to_string(row_tile) + " c" + std::to_string(col_tile);
}

unsigned core_router(const Floorplan& plan, unsigned layer, unsigned core, unsigned cores) {
  const size_t count = plan.row_tiles[layer] * plan.col_tiles[layer];
  const size_t index = (2 * static_cast<size_t>(core) + 1) * count / (2 * static_cast<size_t>(cores));
  return plan.tiles[plan.first_tile[layer] + std::min(index, count - 1)].router;
}

Floorplan make_floorplan(const size_t layer_rows[2], const size_t layer_cols[2], const TileGrid& grid,
                         unsigned mesh_width, unsigned mesh_height) {
  if (grid.tile_rows == 0 || grid.tile_cols == 0) throw Error("tile.rows and tile.cols must be at least 1");
  Floorplan plan;
  plan.grid = grid;
  size_t total = 0;
  for (unsigned layer = 0; layer < 2; ++layer) {
    plan.row_tiles[layer] = grid.row_tiles(layer_rows[layer]);
    plan.col_tiles[layer] = grid.col_tiles(layer_cols[layer]);
    total += plan.row_tiles[layer] * plan.col_tiles[layer];
  }
  if ((mesh_width == 0) != (mesh_height == 0))
    throw Error("mesh.width and mesh.height: set both, or both to 0 for an automatic square mesh");
  if (mesh_width == 0) {
    mesh_width = static_cast<unsigned>(std::ceil(std::sqrt(static_cast<double>(total))));
    mesh_height = static_cast<unsigned>((total + mesh_width - 1) / mesh_width);
  }
  plan.mesh_width = mesh_width;
  plan.mesh_height = mesh_height;
  if (total > plan.routers())
    throw Error("the network needs " + std::to_string(total) + " tiles of " + std::to_string(grid.tile_rows) + "x" +
                std::to_string(grid.tile_cols) + " (layer 0: " + std::to_string(plan.row_tiles[0]) + "x" +
                std::to_string(plan.col_tiles[0]) + ", layer 1: " + std::to_string(plan.row_tiles[1]) + "x" +
                std::to_string(plan.col_tiles[1]) + ") but a " + std::to_string(mesh_width) + "x" +
                std::to_string(mesh_height) + " mesh holds " + std::to_string(plan.routers()) +
                ": enlarge mesh.width/mesh.height or tile.rows/tile.cols");
  unsigned router = 0;
  for (unsigned layer = 0; layer < 2; ++layer) {
    plan.first_tile[layer] = plan.tiles.size();
    for (size_t r = 0; r < plan.row_tiles[layer]; ++r)
      for (size_t c = 0; c < plan.col_tiles[layer]; ++c) {
        TilePlacement tile;
        tile.layer = layer;
        tile.row_tile = r, tile.col_tile = c;
        tile.row_begin = r * grid.tile_rows;
        tile.row_end = std::min(layer_rows[layer], (r + 1) * grid.tile_rows);
        tile.col_begin = c * grid.tile_cols;
        tile.col_end = std::min(layer_cols[layer], (c + 1) * grid.tile_cols);
        tile.router = router++;
        plan.tiles.push_back(tile);
      }
    plan.core_router[layer] = core_router(plan, layer, 0, 1);
  }
  plan.io_router = 0;
  plan.controller_router = plan.core_router[1];
  return plan;
}

}  // namespace mx
