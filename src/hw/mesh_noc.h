#pragma once
// The spike network-on-chip as a timing and energy kernel: a width x height mesh of
// routers (id = y * width + x; x grows east, y grows south) with dimension-ordered XY
// routing. Each directed link, and each router's ejection port into its tile, is a
// resource with a busy-until time; a packet takes a resource at max(its arrival, busy
// until), holds it for the serialization time and pays the hop latency. So a burst of
// spikes over shared links takes longer than one spike, which is what a learning rule that
// fires many updates at once costs on a real mesh.
//
// Resources are granted in call order (first come, first served by call). A caller that
// routes bursts in nondecreasing inject time gets FCFS at every injection; bursts with paths
// of different lengths that converge on one link or port later are still granted in call
// order there. Out-of-order grants err conservative (late_injections() counts those at a
// burst's first link), never optimistic.
#include <algorithm>
#include <cstdint>
#include <vector>

namespace mx {

class Tech;

struct HopCost {
  double energy_pj = 0;
  uint64_t latency_ps = 0;
};

struct MeshSpec {
  unsigned width = 1;
  unsigned height = 1;
  HopCost east_west;
  HopCost north_south;
  HopCost local;                 // delivery into the destination tile (also src == dst)
  uint64_t serialization_ps = 0; // time a packet holds a link or ejection port
};

// router_hop_east_west, router_hop_north_south and router_in_tile from the tech table.
MeshSpec mesh_spec_from_tech(const Tech& tech, unsigned width, unsigned height, uint64_t serialization_ps);

struct RouteResult {
  uint64_t arrival_ps = 0;  // delivered into the destination tile
  unsigned hops = 0;        // router-to-router links (Manhattan distance)
  double energy_pj = 0;     // hops + local delivery
  uint64_t queued_ps = 0;   // time spent waiting for busy resources
  unsigned east_west_hops = 0;
  unsigned north_south_hops = 0;
};

class MeshNoc {
 public:
  explicit MeshNoc(const MeshSpec& spec);

  // A burst of `packets` packets from src to dst injected at inject_ps: each link and the
  // ejection port are held packets x serialization, energy is paid per packet, and the
  // result's arrival is the last packet's.
  RouteResult route(unsigned src, unsigned dst, uint64_t inject_ps, uint64_t packets = 1) {
    return route(src, dst, inject_ps, packets, [](unsigned) {});
  }
  // The same, calling on_router(router) for each router the burst holds a port of, in path
  // order (the routers of path()), so a caller that keeps per-router records walks once.
  template <typename OnRouter>
  RouteResult route(unsigned src, unsigned dst, uint64_t inject_ps, uint64_t packets, OnRouter&& on_router);
  // Routers visited from src to dst inclusive.
  std::vector<unsigned> path(unsigned src, unsigned dst) const;
  void reset_time();  // every resource free at time 0

  unsigned width() const { return spec_.width; }
  unsigned height() const { return spec_.height; }
  unsigned router_count() const { return spec_.width * spec_.height; }
  const MeshSpec& spec() const { return spec_; }
  uint64_t packets() const { return packets_; }
  // Bursts injected onto their first link before a burst that link had already served
  // arrived there: the caller routed them out of injection order, so they queued behind
  // traffic that came later, and their delay is conservative. Local deliveries (src == dst)
  // are not counted: their first resource is the ejection port, where paths of different
  // lengths converge and call order rules anyway.
  uint64_t late_injections() const { return late_injections_; }
  uint64_t total_queued_ps() const { return total_queued_ps_; }

 private:
  enum Port : unsigned { east, west, south, north, eject, port_count };
  void check_router(unsigned id, const char* role) const {
    if (id >= router_count()) router_out_of_range(id, role);
  }
  [[noreturn]] void router_out_of_range(unsigned id, const char* role) const;
  // Calls visit(router, port) for each link of the XY route from src to dst, in order.
  template <typename Visit>
  void walk(unsigned src, unsigned dst, Visit&& visit) const;
  // Take resource `port` of router `router` at `ready`; returns when the head leaves it.
  // `injection`: the burst's first link.
  uint64_t take(unsigned router, Port port, uint64_t ready, const HopCost& cost, uint64_t packets,
                RouteResult& result, bool injection);

  MeshSpec spec_;
  // Each router's column and row, so a burst's walk divides nothing (a division per burst
  // was a visible share of the timed mode's time).
  std::vector<uint16_t> x_of_, y_of_;
  std::vector<uint64_t> busy_until_ps_;  // router * port_count + port
  std::vector<uint64_t> last_ready_ps_;  // the latest arrival each resource has served
  uint64_t late_injections_ = 0;
  uint64_t packets_ = 0;
  uint64_t total_queued_ps_ = 0;
};

template <typename Visit>
void MeshNoc::walk(unsigned src, unsigned dst, Visit&& visit) const {
  unsigned x = x_of_[src], y = y_of_[src];
  const unsigned dst_x = x_of_[dst], dst_y = y_of_[dst];
  // X first, then Y: deadlock-free on a mesh, and every packet of a pair takes one path.
  while (x != dst_x) {
    const Port port = dst_x > x ? east : west;
    visit(y * spec_.width + x, port);
    x = port == east ? x + 1 : x - 1;
  }
  while (y != dst_y) {
    const Port port = dst_y > y ? south : north;
    visit(y * spec_.width + x, port);
    y = port == south ? y + 1 : y - 1;
  }
}

inline uint64_t MeshNoc::take(unsigned router, Port port, uint64_t ready, const HopCost& cost, uint64_t packets,
                              RouteResult& result, bool injection) {
  const size_t resource = static_cast<size_t>(router) * port_count + port;
  uint64_t& busy = busy_until_ps_[resource];
  uint64_t& last_ready = last_ready_ps_[resource];
  late_injections_ += injection && ready < last_ready;
  last_ready = std::max(last_ready, ready);
  const uint64_t start = std::max(ready, busy);
  busy = start + packets * spec_.serialization_ps;
  result.queued_ps += start - ready;
  result.energy_pj += cost.energy_pj * static_cast<double>(packets);
  return start + cost.latency_ps;
}

template <typename OnRouter>
RouteResult MeshNoc::route(unsigned src, unsigned dst, uint64_t inject_ps, uint64_t packets, OnRouter&& on_router) {
  check_router(src, "source");
  check_router(dst, "destination");
  RouteResult result;
  if (packets == 0) {
    result.arrival_ps = inject_ps;
    return result;
  }
  uint64_t t = inject_ps;
  bool first = true;
  walk(src, dst, [&](unsigned router, Port port) {
    const bool horizontal = port == east || port == west;
    t = take(router, port, t, horizontal ? spec_.east_west : spec_.north_south, packets, result, first);
    first = false;
    ++(horizontal ? result.east_west_hops : result.north_south_hops);
    on_router(router);
  });
  // A burst is pipelined behind its head: the last packet arrives one slot per packet later.
  result.arrival_ps = take(dst, eject, t, spec_.local, packets, result, false) +
                      (packets - 1) * spec_.serialization_ps;
  on_router(dst);
  result.hops = result.east_west_hops + result.north_south_hops;
  packets_ += packets;
  total_queued_ps_ += result.queued_ps;
  return result;
}

}  // namespace mx
