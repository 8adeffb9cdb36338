#pragma once
// First-order IR drop in a crossbar tile. A drive line (word line in a forward read) is fed
// from its driver at one end and a sense line (bit line) ends in its sense amplifier at
// virtual ground; each cell segment of either wire has resistance r. With the ideal cell
// currents I = x·G (x the drive in units of the read voltage), the current through a
// wire segment is the sum of the currents of the cells beyond it, so the voltage a cell
// loses is
//   ΔV_drive(d, s) = r Σ_n I_dn · min(q_s, q_n)     (q: segments from the driver)
//   ΔV_sense(d, s) = r Σ_m I_ms · min(u_d, u_m)     (u: segments to the sense amplifier)
// and the cell delivers G·(x − ΔV_drive − ΔV_sense): one Jacobi step of the nodal equations
// from the ideal solution, the "first-order" model of Chen et al., NeuroSim+ (IEDM 2017)
// and Jain et al., RxNN (IEEE TCAD 2021). It is accurate while r·G·N² is small and
// underestimates the loss as it grows (tests/test_ir_drop.cpp checks it against the exact
// nodal solve); docs/devices.md states the tolerance.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mx {

// g: n_drive x n_sense conductances in siemens, row-major by drive line; x: drive per drive
// line; q[s]: segments from the driver to sense line s's cell (monotonic in s); u[d]:
// segments from drive line d's cell to the sense amplifier (monotonic in d); r: ohms per
// segment. Returns in loss[s] the current a sense line loses, Σ_d G_ds·(ΔV_drive + ΔV_sense),
// in units of read-voltage x siemens. `scratch` is reused between calls.
void ir_drop_loss(const std::vector<double>& g, size_t n_drive, size_t n_sense, const float* x,
                  const std::vector<uint32_t>& q, const std::vector<uint32_t>& u, double r, std::vector<double>& loss,
                  std::vector<double>& scratch);

}  // namespace mx
