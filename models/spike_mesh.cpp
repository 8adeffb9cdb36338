#include "models/spike_mesh.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "chip/area_power.h"
#include "common/error.h"

namespace mx {

SpikeMesh::SpikeMesh(sc_core::sc_module_name name, const MeshSpec& spec, ChipContext& context)
    : sc_module(name),
      in("in"),
      noc_(spec),
      context_(context),
      record_(context.add_block(this->name(), "mesh")),
      east_west_aj_(event_price_aj(context.costs, "noc", "east_west_hop")),
      north_south_aj_(event_price_aj(context.costs, "noc", "north_south_hop")),
      delivery_aj_(event_price_aj(context.costs, "noc", "delivery")) {
  in.register_b_transport(this, &SpikeMesh::transport);
  // recost's hop counts, by phase; map nodes stay put, so the burst path keeps pointers.
  for (int phase = 0; phase < 2; ++phase) {
    hop_counts_[phase][0] = &context_.event_counts[phase]["east_west_hop"];
    hop_counts_[phase][1] = &context_.event_counts[phase]["north_south_hop"];
  }
  for (unsigned r = 0; r < noc_.router_count(); ++r) {
    router_tracks_.push_back(context_.timeline.track("router " + std::to_string(r)));
    router_records_.push_back(&context_.add_block(std::string(this->name()) + ".router_" + std::to_string(r), "router"));
  }
  burst_name_ = context_.timeline.name("burst");
  route_name_ = context_.timeline.name("route");
}

void SpikeMesh::transport(int, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  const MeshOp* op = request_of<MeshOp>(payload);
  if (!op) return;
  const uint64_t inject = chip_ps_of(delay);
  if (!op->packets) return respond(payload, delay, inject);
  // Each router on the path holds one port (a link, or the ejection at the destination) for
  // the burst's serialization; ports of one router used at once count twice, so a gated
  // router's on-time errs long, never short.
  const uint64_t held_ps = op->packets * noc_.spec().serialization_ps;
  const RouteResult route = noc_.route(op->src, op->dst, inject, op->packets,
                                       [&](unsigned router) { router_records_[router]->busy_ps += held_ps; });
  // Busy time of the mesh: the time its packets spent in it, queueing included.
  record_.busy_ps += route.arrival_ps - inject;
  // Charged as counted: packet-hops and deliveries at their integer prices.
  const uint64_t east_west = uint64_t{route.east_west_hops} * op->packets;
  const uint64_t north_south = uint64_t{route.north_south_hops} * op->packets;
  *hop_counts_[static_cast<int>(op->phase)][0] += east_west;
  *hop_counts_[static_cast<int>(op->phase)][1] += north_south;
  int64_t aj = 0, term = 0;
  for (const auto& [price, count] : {std::pair<int64_t, uint64_t>{east_west_aj_, east_west},
                                     {north_south_aj_, north_south},
                                     {delivery_aj_, op->packets}})
    if (count > static_cast<uint64_t>(INT64_MAX) || __builtin_mul_overflow(price, static_cast<int64_t>(count), &term) ||
        __builtin_add_overflow(aj, term, &aj))
      throw Error("mesh: one burst's energy overflows the ledger (tech entries router_hop_east_west, "
                  "router_hop_north_south, router_in_tile)");
  context_.charge(record_, context_.components.noc, op->phase, aj, op->packets);
  if (context_.recording) {
    context_.slice(router_tracks_[op->src], burst_name_, inject, route.arrival_ps);
    const uint64_t flow = context_.timeline.new_flow_id();
    context_.timeline.flow(router_tracks_[op->src], route_name_, ChromeTrace::FlowPhase::start, inject, flow);
    // A short slice at the destination for the arrow to land on.
    const uint64_t landing = std::max(inject, route.arrival_ps - noc_.spec().serialization_ps);
    context_.slice(router_tracks_[op->dst], burst_name_, landing, route.arrival_ps);
    context_.timeline.flow(router_tracks_[op->dst], route_name_, ChromeTrace::FlowPhase::end, route.arrival_ps, flow);
  }
  respond(payload, delay, route.arrival_ps);
}

}  // namespace mx
