// Micro-benchmarks of one layer's time loop: forward and backward over a chunk, per cell type,
// at the shapes of the configurations. Reports FLOP rates (2 per multiply-add of the
// recurrent and input products) so cell types compare per FLOP.
#include <benchmark/benchmark.h>

#include "gru_cell.h"
#include "lstm_cell.h"
#include "model.h"
#include "rnn_cell.h"
#include "threads.h"

#include <vector>

namespace cellscope {
namespace {

template <typename CellT>
struct LayerBench {
  CellT cell;
  int H, B, T, GH;
  Mat<float> Wh_store, xproj;
  LayerCache<float> cache;
  Mat<float> dpre, dh_above, dh_carry, dc_carry, dWh_store;
  std::vector<CellScratch<float>> scratch;

  LayerBench(int h, int b, int t) : H(h), B(b), T(t), GH(cell.gate_count() * h) {
    Wh_store = Mat<float>::Random(GH, H) * 0.05f;
    xproj = Mat<float>::Random(GH, T * B) * 0.5f;
    cache.gates = xproj;
    cache.h = Mat<float>::Zero(H, (T + 1) * B);
    cache.c = Mat<float>::Zero(H, (T + 1) * B);
    cache.aux = Mat<float>::Zero(H, T * B);
    dpre.resize(GH, T * B);
    dh_above = Mat<float>::Random(H, T * B);
    dh_carry = Mat<float>::Zero(H, B);
    dc_carry = Mat<float>::Zero(H, B);
    dWh_store = Mat<float>::Zero(GH, H);
    scratch.resize(4);
    for (auto& sc : scratch) {
      sc.dh.resize(H, B);
      sc.dc.resize(H, B);
      sc.tmp.resize(H, B);
    }
  }
  ConstMatMap<float> Wh() const { return ConstMatMap<float>(Wh_store.data(), GH, H); }
  // As the model runs them: streams split over the engine's threads; dWh split by rows.
  void forward() {
    cache.gates = xproj;
    parallel_ranges(B, 1, [&](int64_t b0, int64_t b1, int) {
      cell.forward(Wh(), 0, T, B, static_cast<int>(b0), static_cast<int>(b1 - b0), cache);
    });
  }
  void backward() {
    dh_carry.setZero();
    dc_carry.setZero();
    parallel_ranges(B, 1, [&](int64_t b0, int64_t b1, int part) {
      cell.backward(dh_above, Wh(), T, B, static_cast<int>(b0), static_cast<int>(b1 - b0), cache,
                    dpre, dh_carry, dc_carry, scratch[static_cast<std::size_t>(part)], nullptr);
    });
    parallel_ranges(GH, 8, [&](int64_t r0, int64_t r1, int) {
      cell.accumulate_dWh(dpre, cache, T, B, MatMap<float>(dWh_store.data(), GH, H),
                          static_cast<int>(r0), static_cast<int>(r1 - r0));
    });
  }
  double recurrent_flops() const { return 2.0 * GH * H * static_cast<double>(T) * B; }
};

template <typename CellT>
void BM_Forward(benchmark::State& st) {
  set_thread_count(static_cast<int>(st.range(3)));
  LayerBench<CellT> lb(static_cast<int>(st.range(0)), static_cast<int>(st.range(1)),
                       static_cast<int>(st.range(2)));
  for (auto _ : st) {
    lb.forward();
    benchmark::DoNotOptimize(lb.cache.h.data());
  }
  st.counters["GFLOPS"] = benchmark::Counter(lb.recurrent_flops() * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  st.counters["chars/s"] = benchmark::Counter(static_cast<double>(lb.T) * lb.B, benchmark::Counter::kIsIterationInvariantRate);
}

template <typename CellT>
void BM_Backward(benchmark::State& st) {
  set_thread_count(static_cast<int>(st.range(3)));
  LayerBench<CellT> lb(static_cast<int>(st.range(0)), static_cast<int>(st.range(1)),
                       static_cast<int>(st.range(2)));
  lb.forward();
  for (auto _ : st) {
    lb.backward();
    benchmark::DoNotOptimize(lb.dpre.data());
  }
  // Backward: dh_prev = Uᵀ dpre per step plus dU = dpre hᵀ over the chunk: 2x the forward.
  st.counters["GFLOPS"] = benchmark::Counter(2 * lb.recurrent_flops() * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  st.counters["chars/s"] = benchmark::Counter(static_cast<double>(lb.T) * lb.B, benchmark::Counter::kIsIterationInvariantRate);
}

// {H, B, T, threads}
void Shapes(benchmark::internal::Benchmark* b) {
  b->Args({128, 50, 50, 2})->Args({256, 1, 100, 1})->Args({512, 64, 100, 1})->Args({512, 64, 100, 2});
  b->Unit(benchmark::kMillisecond)->UseRealTime();  // the pool's threads do the work
}

BENCHMARK_TEMPLATE(BM_Forward, LstmCell<float>)->Apply(Shapes);
BENCHMARK_TEMPLATE(BM_Backward, LstmCell<float>)->Apply(Shapes);
BENCHMARK_TEMPLATE(BM_Forward, GruCell<float>)->Apply(Shapes);
BENCHMARK_TEMPLATE(BM_Backward, GruCell<float>)->Apply(Shapes);
BENCHMARK_TEMPLATE(BM_Forward, RnnCell<float>)->Apply(Shapes);
BENCHMARK_TEMPLATE(BM_Backward, RnnCell<float>)->Apply(Shapes);

}  // namespace
}  // namespace cellscope

BENCHMARK_MAIN();
