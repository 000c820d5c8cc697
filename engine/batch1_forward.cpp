// Model::forward at batch 1 (the explorer, find, match, the sampler, saliency, --watch): every
// recurrent step is one GEMV plus one fused pass (batch1_cells.h). One thread: layer by layer
// over the chunk, as the general path. Two threads: a wavefront over blocks of steps — layer l
// reads block k while layer l+1 reads block k-1 — whose stages each thread prefers by estimated
// cost but either may take (a preempted thread stalls nothing); hand-offs are StepCounters
// (spin, then sleep). Invariant: every value is
// computed by the same kernel on the same operands whatever the split, so results do not
// depend on the thread count (tested in tests/engine/test_batch1.cpp).
#include <algorithm>
#include <vector>

#include "batch1_cells.h"
#include "gemm.h"
#include "model.h"
#include "threads.h"

namespace cellscope {

// A wavefront stage: the recurrence of a layer, rows of a layer's input projection, or the
// output layer; it handles block k in wave k + offset, on `thread`.
struct Batch1Stage {
  enum Kind { kRecurrence, kProjection, kOutput } kind;
  int layer;
  int r0, nr;  // rows of the projection or output (all rows for the recurrence)
  int offset;
  int thread;
};

struct Batch1Scratch {
  int L = 0, T = 0, block = 0;
  std::vector<Batch1Stage> stages;
  std::vector<std::vector<int>> needs;  // per stage: the stages whose block k its block k reads
  std::vector<StepCounter> claimed;     // per stage: blocks taken by a thread
  std::vector<StepCounter> done;        // per stage: blocks finished (in order)
  StepCounter progress;                 // blocks finished, all stages: wakes idle threads
  explicit Batch1Scratch(int stage_count)
      : claimed(static_cast<std::size_t>(stage_count)),
        done(static_cast<std::size_t>(stage_count)) {}
};

namespace {

constexpr int kThreads = 2;
constexpr int kProjectionParts = 8;  // row parts per input projection, for balance
// A GEBP product at 16-32 columns costs about half a GEMV per multiply-add (measured).
constexpr double kProjectionCost = 0.5;
// Below this many recurrent multiply-adds per chunk a fork-join costs more than it saves.
constexpr double kMinWavefrontMacs = 4.0e6;

// Stages in wave order with their threads: recurrences of the first L/2 layers on thread 0,
// the rest on thread 1; projection parts and the output to the less loaded thread, in order.
std::vector<Batch1Stage> plan_stages(const ModelConfig& c, int gate_rows, int rec_cols) {
  const int L = c.num_layers;
  const double rec_cost = static_cast<double>(gate_rows) * rec_cols;
  double load[kThreads] = {0.0, 0.0};
  std::vector<Batch1Stage> stages;
  auto place = [&](Batch1Stage s, double cost, int thread) {
    if (thread < 0) thread = load[1] < load[0] ? 1 : 0;
    s.thread = thread;
    load[thread] += cost;
    stages.push_back(s);
  };
  for (int l = 0; l < L; ++l) {
    if (l > 0) {
      // Parts start at multiples of Eigen's GEBP row panel (48 floats, 24 doubles with
      // AVX-512), so every row meets the same micro-kernel as in the unsplit product.
      const int rows_per_part = (gate_rows / kProjectionParts + 47) / 48 * 48;
      for (int r0 = 0; r0 < gate_rows; r0 += rows_per_part) {
        const int nr = std::min(rows_per_part, gate_rows - r0);
        place({Batch1Stage::kProjection, l, r0, nr, 2 * l - 1, 0},
              kProjectionCost * nr * c.hidden_size, -1);
      }
    }
    place({Batch1Stage::kRecurrence, l, 0, gate_rows, 2 * l, 0}, rec_cost, l < L / 2 ? 0 : 1);
  }
  place({Batch1Stage::kOutput, L - 1, 0, c.vocab_size, 2 * L - 1, 0},
        kProjectionCost * c.vocab_size * c.hidden_size, -1);
  return stages;
}

}  // namespace

template <typename S>
void Model<S>::project_batch1(int l, int t0, int t1, int r0, int nr) {
  const auto& lb = blocks_[static_cast<std::size_t>(l)];
  auto& cache = caches_[static_cast<std::size_t>(l)];
  const ConstMatMap<S> Wx(param(lb.Wx).data(), param(lb.Wx).rows(), param(lb.Wx).cols());
  const auto b = param(lb.b).col(0).segment(r0, nr);
  if (l == 0) {  // one-hot input: a column gather
    for (int t = t0; t < t1; ++t) {
      cache.gates.col(t).segment(r0, nr) =
          Wx.col(inputs_[static_cast<std::size_t>(t)]).segment(r0, nr) + b;
    }
    return;
  }
  auto g = cache.gates.block(r0, t0, nr, t1 - t0);  // (nr × n) = Wx rows · (H × n) + b
  const auto x = ups_[static_cast<std::size_t>(l) - 1].middleCols(t0, t1 - t0);  // (H × n)
  matmul<S>(g, Wx.middleRows(r0, nr), false, x, false);
  g.colwise() += b;
}

template <typename S>
void Model<S>::forward_batch1(int T) {
  const int L = config_.num_layers, H = config_.hidden_size;
  const int GH = cell_->gate_count() * H;
  const int rec_cols = static_cast<int>(param(blocks_[0].Wh).cols());
  auto recurrent = [&](int l) {
    const auto Wh = param(blocks_[static_cast<std::size_t>(l)].Wh);
    return ConstMatMap<S>(Wh.data(), Wh.rows(), Wh.cols());
  };
  auto run_steps = [&](int l, int t0, int t1) {
    const std::size_t ul = static_cast<std::size_t>(l);
    const ConstMatMap<S> Wh = recurrent(l);
    for (int t = t0; t < t1; ++t) batch1_step<S>(config_, Wh, t, caches_[ul]);
    ups_[ul].middleCols(t0, t1 - t0) = caches_[ul].h.middleCols(t0 + 1, t1 - t0);
  };

  // Blocks of a multiple of 8 steps (a multiple of GEBP's column panel): each column meets the
  // same kernel as in the whole-chunk product of the one-thread path.
  const int block = (std::max(1, batch1_settings_.block_steps) + 7) / 8 * 8;
  const int K = (T + block - 1) / block;
  const double macs = static_cast<double>(T) * L * GH * rec_cols;
  const bool wavefront = L >= 2 && K >= 2 && thread_count() >= kThreads &&
                         tasks_run_concurrently(kThreads) &&
                         (batch1_settings_.force_wavefront || macs >= kMinWavefrontMacs);
  if (!wavefront) {
    for (int l = 0; l < L; ++l) {
      project_batch1(l, 0, T, 0, GH);
      run_steps(l, 0, T);
    }
    // The logits in one product, on this thread: as the general path on one thread.
    const ConstMatMap<S> Wy(param(out_W_).data(), config_.vocab_size, H);
    auto lg = logits_.leftCols(T);
    matmul<S>(lg, Wy, false, ups_.back().leftCols(T), false);
    lg.colwise() += param(out_b_).col(0);
    return;
  }

  if (!batch1_ || batch1_->L != L || batch1_->T != T || batch1_->block != block) {
    auto stages = plan_stages(config_, GH, rec_cols);
    batch1_ = std::make_shared<Batch1Scratch>(static_cast<int>(stages.size()));
    batch1_->needs.resize(stages.size());
    for (std::size_t si = 0; si < stages.size(); ++si) {
      const Batch1Stage& s = stages[si];
      for (std::size_t sj = 0; sj < si; ++sj) {
        const Batch1Stage& d = stages[sj];
        const bool needed =
            s.kind == Batch1Stage::kRecurrence
                ? (d.kind == Batch1Stage::kProjection && d.layer == s.layer)
                : (d.kind == Batch1Stage::kRecurrence &&
                   d.layer == (s.kind == Batch1Stage::kOutput ? s.layer : s.layer - 1));
        if (needed) batch1_->needs[si].push_back(static_cast<int>(sj));
      }
    }
    batch1_->stages = std::move(stages);
    batch1_->L = L;
    batch1_->T = T;
    batch1_->block = block;
  }
  Batch1Scratch& plan = *batch1_;
  for (auto& c : plan.claimed) c.reset();
  for (auto& d : plan.done) d.reset();
  plan.progress.reset();
  const int n_stages = static_cast<int>(plan.stages.size());
  const int total = n_stages * K;
  const ConstMatMap<S> Wy(param(out_W_).data(), config_.vocab_size, H);
  const auto by = param(out_b_).col(0);
  auto run_item = [&](const Batch1Stage& s, int k) {
    const int t0 = k * block, t1 = std::min(T, t0 + block);
    switch (s.kind) {
      case Batch1Stage::kRecurrence:
        if (s.layer == 0) project_batch1(0, t0, t1, 0, GH);
        run_steps(s.layer, t0, t1);
        break;
      case Batch1Stage::kProjection:
        project_batch1(s.layer, t0, t1, s.r0, s.nr);
        break;
      case Batch1Stage::kOutput: {
        auto lg = logits_.middleCols(t0, t1 - t0);
        matmul<S>(lg, Wy, false, ups_.back().middleCols(t0, t1 - t0), false);
        lg.colwise() += by;
        break;
      }
    }
  };
  // Each thread takes the ready block of lowest wave (k + offset) among its own stages, else
  // among the other thread's (so a preempted thread's work goes on without it); blocks of a
  // stage run in order. A block is ready when what it reads is done. Any thread may run any
  // block: the same kernel on the same operands, so the split never changes a result.
  auto thread_work = [&](int thread) {
    while (true) {
      const int seen = plan.progress.get();  // read once: waiting for seen + 1 must be able to end
      if (seen >= total) break;
      int best = -1, best_key = 0, best_k = 0;
      for (int si = 0; si < n_stages; ++si) {
        const std::size_t us = static_cast<std::size_t>(si);
        const int k = plan.claimed[us].get();
        if (k >= K || plan.done[us].get() < k) continue;  // finished, or block k-1 running
        bool ready = true;
        for (int sj : plan.needs[us]) {
          ready = ready && plan.done[static_cast<std::size_t>(sj)].get() > k;
        }
        if (!ready) continue;
        const int key = k + plan.stages[us].offset + (plan.stages[us].thread == thread ? 0 : total);
        if (best < 0 || key < best_key) {
          best = si;
          best_key = key;
          best_k = k;
        }
      }
      if (best < 0) {
        plan.progress.wait_for(seen + 1);
        continue;
      }
      const std::size_t ub = static_cast<std::size_t>(best);
      if (!plan.claimed[ub].try_claim(best_k)) continue;  // the other thread took it
      run_item(plan.stages[ub], best_k);
      plan.done[ub].publish(best_k + 1);
      plan.progress.advance();
    }
  };
  run_tasks(kThreads, TaskRef(thread_work));
}

template void Model<float>::forward_batch1(int);
template void Model<double>::forward_batch1(int);
template void Model<float>::project_batch1(int, int, int, int, int);
template void Model<double>::project_batch1(int, int, int, int, int);

}  // namespace cellscope
