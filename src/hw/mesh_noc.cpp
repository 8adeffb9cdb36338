#include "hw/mesh_noc.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/error.h"
#include "hw/tech.h"

namespace mx {
namespace {

HopCost hop_cost(const TechEntry& entry) {
  return {entry.energy_pj, static_cast<uint64_t>(std::llround(entry.latency_ns * 1000.0))};
}

}  // namespace

MeshSpec mesh_spec_from_tech(const Tech& tech, unsigned width, unsigned height, uint64_t serialization_ps) {
  MeshSpec spec;
  spec.width = width;
  spec.height = height;
  spec.east_west = hop_cost(tech.at("router_hop_east_west"));
  spec.north_south = hop_cost(tech.at("router_hop_north_south"));
  spec.local = hop_cost(tech.at("router_in_tile"));
  spec.serialization_ps = serialization_ps;
  return spec;
}

MeshNoc::MeshNoc(const MeshSpec& spec) : spec_(spec) {
  // 4096 per side (16 M routers) keeps router ids and their arithmetic inside `unsigned`.
  constexpr unsigned kMaxSide = 1u << 12;
  if (spec.width < 1 || spec.height < 1 || spec.width > kMaxSide || spec.height > kMaxSide) {
    throw Error("mesh: width and height must be in [1, " + std::to_string(kMaxSide) + "], got " +
                std::to_string(spec.width) + " x " + std::to_string(spec.height));
  }
  busy_until_ps_.assign(static_cast<size_t>(router_count()) * port_count, 0);
  last_ready_ps_.assign(busy_until_ps_.size(), 0);
  x_of_.resize(router_count());
  y_of_.resize(router_count());
  for (unsigned id = 0; id < router_count(); ++id) {
    x_of_[id] = static_cast<uint16_t>(id % spec.width);
    y_of_[id] = static_cast<uint16_t>(id / spec.width);
  }
}

void MeshNoc::router_out_of_range(unsigned id, const char* role) const {
  throw Error(std::string("mesh: ") + role + " router " + std::to_string(id) + " out of range [0, " +
              std::to_string(router_count() - 1) + "]");
}

void MeshNoc::reset_time() {
  std::fill(busy_until_ps_.begin(), busy_until_ps_.end(), 0);
  std::fill(last_ready_ps_.begin(), last_ready_ps_.end(), 0);
}

std::vector<unsigned> MeshNoc::path(unsigned src, unsigned dst) const {
  check_router(src, "source");
  check_router(dst, "destination");
  std::vector<unsigned> routers{src};
  walk(src, dst, [&](unsigned router, Port port) {
    switch (port) {
      case east: routers.push_back(router + 1); break;
      case west: routers.push_back(router - 1); break;
      case south: routers.push_back(router + spec_.width); break;
      default: routers.push_back(router - spec_.width); break;
    }
  });
  return routers;
}

}  // namespace mx
