#pragma once
// System B's chip (SPEC §2): the perceptron's two crossbar layers cut into tiles on the mesh,
// and one digital unit beside the output layer's tiles. A sample is the perceptron's phases
// in order; every crossbar access goes through the chip (this class is the perceptron's
// CrossbarPort), so each read is a wave of TLM transactions — drive levels over the mesh to
// the tiles, tile reads, partial sums back to the unit — and each reprogramming a
// transaction on the owning tile's write driver. The tiles run the same kernels as the
// functional reader, combined in the same order, so both modes compute the same numbers.
#include <memory>
#include <vector>

#include <systemc>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

#include "chip/chip_schema.h"
#include "models/chip_base.h"
#include "models/crossbar_tile.h"
#include "models/digital_unit.h"
#include "models/spike_mesh.h"
#include "qnn/quantized_perceptron.h"

namespace mx {

class QnnChip : public ChipBase, public CrossbarPort {
 public:
  tlm_utils::multi_passthrough_initiator_socket<QnnChip> tile_reads;     // one binding per tile
  tlm_utils::multi_passthrough_initiator_socket<QnnChip> tile_programs;  // one binding per tile
  tlm_utils::simple_initiator_socket<QnnChip> mesh;
  tlm_utils::simple_initiator_socket<QnnChip> unit;

  QnnChip(sc_core::sc_module_name name, const Config& config, QuantizedPerceptron& network);
  ~QnnChip() override;

  // CrossbarPort: the perceptron's reads and reprogramming, carried out by the tiles.
  void read(unsigned layer, const float* drive, float* column_sums) override;
  void read_transposed(unsigned layer, const float* drive, float* row_sums) override;
  ProgramOutcome program(unsigned layer, size_t row, size_t col, unsigned from, unsigned to) override;

 private:
  SampleResult simulate_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target) override;
  void start_task(size_t task_index) override;
  void finish_training() override;
  void start_test(size_t task_index) override { network_.begin_test(task_index); }
  uint64_t send(unsigned src, unsigned dst, uint64_t packets, Phase phase, uint64_t start_ps);
  void trace_signals(TrackWaves& waves) override;
  // Charges the digital work the perceptron did since the last call; returns when it is done.
  uint64_t digital_work(Phase phase, uint64_t start_ps);
  // The perceptron's activity since the last charge, into `work` (and marked charged).
  void take_work(QnnActivity& work);
  // One wave of tile reads (reads_ filled), their partial sums summed into `out` in order.
  void run_reads(unsigned source, bool transposed, const float* drive, Phase phase, float* out);
  void update_layer(unsigned layer);

  QuantizedPerceptron& network_;
  unsigned unit_router_;
  std::unique_ptr<WriteBudget> budget_;
  std::vector<std::unique_ptr<AnalogTile>> tile_blocks_;
  std::unique_ptr<SpikeMesh> mesh_block_;
  std::unique_ptr<DigitalUnit> unit_block_;

  RequestPayload<AnalogReadOp> read_;
  RequestPayload<ReprogramOp> reprogram_;
  RequestPayload<MeshOp> mesh_;
  RequestPayload<DigitalOp> digital_;
  RequestPayload<UpdateOp> update_;
  QnnActivity charged_;  // the perceptron's activity already charged
  uint64_t ready_ps_ = 0;     // when the data the next phase needs is in place
  uint64_t programmed_ps_ = 0;  // when the last reprogramming of an update is done
  struct TileRead {
    size_t tile;
    const uint32_t* begin;
    const uint32_t* end;
  };
  std::vector<uint32_t> driven_;
  std::vector<size_t> driven_offsets_;  // transposed: where each column tile's lines start
  std::vector<uint32_t> tile_lines_;
  std::vector<TileRead> reads_;
  std::vector<uint64_t> arrivals_;

  ChipSignal reprogram_signal_, pulse_signal_;
};

}  // namespace mx
