// Model::forward at batch 1 (the explorer, find, match, the sampler, saliency, --watch): every
// recurrent step is one GEMV plus one fused pass (batch1_cells.h). Three ways to run a chunk:
// - one thread: layer by layer over the chunk, as the general path;
// - two threads, a chunk of several blocks: a layer pipeline. Each thread owns the recurrences
//   of its layers (the first L/2 on thread 0) for the whole forward, so each core's L2 keeps
//   its own recurrent weights; each input projection is cut in two row parts, one per thread,
//   sized so the threads carry equal work (thread 0 projects its rows right after producing a
//   block). A thread runs its own ready blocks, lowest wave first; with none ready it takes the
//   other's projection or output blocks, and the other's recurrence only when that block has
//   waited kStealAfter unclaimed (its owner was preempted): a recurrence on the wrong core reads
//   its weights from L3 at every step. Hand-offs are StepCounters (spin, then sleep);
// - two threads, one step (the sampler; LSTM and RNN): every product split by columns, half
//   per thread, so each core reads a contiguous half of every matrix from its own L2 (a 2x256
//   LSTM's 3 MB do not fit one core's 2 MB L2); two hand-offs per layer.
// With two threads, one or two run each call as Batch1Choice finds faster lately (on a loaded
// machine one thread often is); Batch1Settings::force_wavefront always takes two.
// Invariant: every value is computed by the same kernel on the same operands whatever the split,
// so results do not depend on the thread count (tested in tests/engine/test_batch1*.cpp).
#include <algorithm>
#include <chrono>
#include <vector>

#include "batch1_cells.h"
#include "batch1_choice.h"
#include "gemm.h"
#include "model.h"
#include "threads.h"

namespace cellscope {

// A pipeline stage: the recurrence of a layer, rows of a layer's input projection, or the
// output layer; it handles block k in wave k + offset, on `thread`.
struct Batch1Stage {
  enum Kind { kRecurrence, kProjection, kOutput } kind;
  int layer;
  int r0, nr;  // rows of the projection or output (all rows for the recurrence)
  int offset;
  int thread;
};

struct Batch1Scratch {
  // The pipeline's plan, for (L, T, block).
  int L = 0, T = 0, block = 0;
  std::vector<Batch1Stage> stages;
  std::vector<std::vector<int>> needs;  // per stage: the stages whose block k its block k reads
  std::vector<StepCounter> claimed;     // per stage: blocks taken by a thread
  std::vector<StepCounter> done;        // per stage: blocks finished (in order)
  StepCounter progress;                 // blocks finished, all stages: wakes idle threads
  // The split step: hand-offs passed by each thread, and the products' partial sums.
  StepCounter passed[2];
  Mat<float> partials_float;
  Mat<double> partials_double;
  // One thread or two, for single steps and for chunks (unless Batch1Settings forces two).
  Batch1Choice step_choice, chunk_choice;
  explicit Batch1Scratch(int stage_count)
      : claimed(static_cast<std::size_t>(stage_count)),
        done(static_cast<std::size_t>(stage_count)) {}
};

namespace {

constexpr int kThreads = 2;
// A GEBP product at 32-64 columns costs about 0.45 of a GEMV per multiply-add (measured:
// 1024x256 at 64 columns 4.0 µs per column, the GEMV 9.3 µs).
constexpr double kProjectionCost = 0.45;
// Below this many recurrent multiply-adds per chunk a fork-join costs more than it saves.
constexpr double kMinWavefrontMacs = 4.0e6;
// A step is split over two threads when its weights exceed this (bytes): below, they stay in
// one core's L2 and the hand-offs cost more than half the products save.
constexpr double kMinSplitStepBytes = 1.0 * (1 << 20);
// A ready recurrence block of the other thread left unclaimed this long: its owner is not
// running (preempted), so this thread takes it.
constexpr std::chrono::microseconds kStealAfter(500);

// How many columns Eigen's column-major GEMV sums a row over before adding the sum to the result
// (Eigen/src/Core/products/GeneralMatrixVector.h, `block_cols`): all below 128 columns, else 16,
// or 4 when one column of the matrix is 32,000 bytes or more.
int gemv_block_cols(int cols, int rows, int scalar_bytes) {
  if (cols < 128) return cols;
  return static_cast<double>(rows) * scalar_bytes < 32000.0 ? 16 : 4;
}

template <typename S>
Mat<S>& partials_of(Batch1Scratch& scratch);
template <>
Mat<float>& partials_of<float>(Batch1Scratch& scratch) {
  return scratch.partials_float;
}
template <>
Mat<double>& partials_of<double>(Batch1Scratch& scratch) {
  return scratch.partials_double;
}

// Stages in wave order with their threads: recurrences of the first L/2 layers on thread 0,
// the rest on thread 1; each projection in two row parts (the producer's thread first) sized
// to even the threads' loads, the output layer to the less loaded thread.
std::vector<Batch1Stage> plan_stages(const ModelConfig& c, int gate_rows, int rec_cols) {
  const int L = c.num_layers;
  auto owner = [&](int l) { return l < L / 2 ? 0 : 1; };
  const double rec_cost = static_cast<double>(gate_rows) * rec_cols;
  double load[kThreads] = {0.0, 0.0};
  for (int l = 0; l < L; ++l) load[owner(l)] += rec_cost;
  std::vector<Batch1Stage> stages;
  for (int l = 0; l < L; ++l) {
    if (l > 0) {
      // Parts start at multiples of Eigen's GEBP row panel (48 floats, 24 doubles with
      // AVX-512), so every row meets the same micro-kernel as in the unsplit product.
      const double per_row = kProjectionCost * c.hidden_size;
      const int first = owner(l - 1), second = 1 - first;
      const double share =
          std::clamp((per_row * gate_rows + load[second] - load[first]) / (2.0 * per_row), 0.0,
                     static_cast<double>(gate_rows));
      const int split = std::min(gate_rows, static_cast<int>(share / 48.0 + 0.5) * 48);
      if (split > 0) stages.push_back({Batch1Stage::kProjection, l, 0, split, 2 * l - 1, first});
      if (split < gate_rows) {
        stages.push_back(
            {Batch1Stage::kProjection, l, split, gate_rows - split, 2 * l - 1, second});
      }
      load[first] += per_row * split;
      load[second] += per_row * (gate_rows - split);
    }
    stages.push_back({Batch1Stage::kRecurrence, l, 0, gate_rows, 2 * l, owner(l)});
  }
  stages.push_back(
      {Batch1Stage::kOutput, L - 1, 0, c.vocab_size, 2 * L - 1, load[1] < load[0] ? 1 : 0});
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
  const int L = config_.num_layers, H = config_.hidden_size, V = config_.vocab_size;
  const int G = cell_->gate_count(), GH = G * H;
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
  const ConstMatMap<S> Wy(param(out_W_).data(), V, H);
  const auto by = param(out_b_).col(0);
  auto output = [&](int t0, int t1) {
    auto lg = logits_.middleCols(t0, t1 - t0);
    matmul<S>(lg, Wy, false, ups_.back().middleCols(t0, t1 - t0), false);
    lg.colwise() += by;
  };
  if (!batch1_) batch1_ = std::make_shared<Batch1Scratch>(0);
  const bool two_threads = thread_count() >= kThreads && tasks_run_concurrently(kThreads);
  const bool force = batch1_settings_.force_wavefront;
  auto one_thread = [&] {
    for (int l = 0; l < L; ++l) {
      project_batch1(l, 0, T, 0, GH);
      run_steps(l, 0, T);
    }
    output(0, T);  // the logits in one product, on this thread: as the general path
  };

  // One step on two threads (LSTM, RNN): each thread multiplies its half of the columns of every
  // matrix (a contiguous half, which stays in its core's L2), in Eigen's blocks of columns, into
  // one partial sum per block; then each sums, for its half of the neurons, the partials of
  // every block in Eigen's order and runs their nonlinearities. Eigen's GEMV adds a row's
  // blocks to it one after another (y += c_0, y += c_1, ...), so the sums are those of the whole
  // product, bit for bit. Two hand-offs per layer.
  const double step_bytes =
      sizeof(S) * (static_cast<double>(L) * GH * rec_cols + (L - 1.0) * GH * H + double(V) * H);
  const bool split = T == 1 && two_threads && H >= 128 &&
                     (config_.cell == CellType::kLstm || config_.cell == CellType::kRnn) &&
                     (force || step_bytes >= kMinSplitStepBytes);
  auto split_step = [&] {
    Batch1Scratch& sync = *batch1_;
    sync.passed[0].reset();
    sync.passed[1].reset();
    const int bc = gemv_block_cols(H, GH, sizeof(S)), nb = (H + bc - 1) / bc;
    Mat<S>& partial = partials_of<S>(sync);  // (GH × 2nb): Wx blocks, then Wh blocks
    if (partial.rows() != GH || partial.cols() != 2 * nb) partial.resize(GH, 2 * nb);
    const int half = (H / 2 + 15) / 16 * 16;
    auto task = [&](int thread) {
      const int k0 = thread == 0 ? 0 : nb / 2, k1 = thread == 0 ? nb / 2 : nb;
      const int n0 = thread == 0 ? 0 : half, n1 = thread == 0 ? half : H, n = n1 - n0;
      StepCounter& mine = sync.passed[thread];
      const StepCounter& other = sync.passed[1 - thread];
      int passed = 0;
      auto hand_off = [&] {  // both threads' work so far is written
        mine.publish(++passed);
        other.wait_for(passed);
      };
      for (int l = 0; l < L; ++l) {
        const std::size_t ul = static_cast<std::size_t>(l);
        const auto& lb = blocks_[ul];
        auto& cache = caches_[ul];
        const ConstMatMap<S> Wx(param(lb.Wx).data(), param(lb.Wx).rows(), param(lb.Wx).cols());
        const ConstMatMap<S> Wh = recurrent(l);
        const auto bias = param(lb.b).col(0);
        for (int k = k0; k < k1; ++k) {
          const int j = k * bc, w = std::min(bc, H - j);
          if (l > 0) {
            partial.col(k).noalias() = Wx.middleCols(j, w) * ups_[ul - 1].col(0).segment(j, w);
          }
          partial.col(nb + k).noalias() = Wh.middleCols(j, w) * cache.h.col(0).segment(j, w);
        }
        hand_off();
        for (int g = 0; g < G; ++g) {
          const int r = g * H + n0;
          auto y = cache.gates.col(0).segment(r, n);
          if (l == 0) {  // the one-hot input's column, as project_batch1
            y = Wx.col(inputs_[0]).segment(r, n) + bias.segment(r, n);
          } else {  // gemm(): zero, the product's blocks, then the bias
            y.setZero();
            for (int k = 0; k < nb; ++k) y += partial.col(k).segment(r, n);
            y += bias.segment(r, n);
          }
          for (int k = 0; k < nb; ++k) y += partial.col(nb + k).segment(r, n);
        }
        batch1_finish_part<S>(config_, 0, cache, n0, n1);
        ups_[ul].col(0).segment(n0, n) = cache.h.col(1).segment(n0, n);
        hand_off();
      }
      if (thread == 0) output(0, 1);
    };
    run_tasks(kThreads, TaskRef(task));
  };

  // Blocks of a multiple of 8 steps (a multiple of GEBP's column panel): each column meets the
  // same kernel as in the whole-chunk product of the one-thread path. A last block of one step
  // joins the one before: its products would be GEMVs, not the chunk's GEBP.
  const int block = (std::max(1, batch1_settings_.block_steps) + 7) / 8 * 8;
  int K = (T + block - 1) / block;
  if (K >= 2 && T % block == 1) --K;
  const double macs = static_cast<double>(T) * L * GH * rec_cols;
  const bool pipeline =
      !split && L >= 2 && K >= 2 && two_threads && (force || macs >= kMinWavefrontMacs);
  // The layer pipeline over K blocks (see the top of this file).
  auto run_pipeline = [&] {
    if (batch1_->L != L || batch1_->T != T || batch1_->block != block) {
      auto stages = plan_stages(config_, GH, rec_cols);
      auto fresh = std::make_shared<Batch1Scratch>(static_cast<int>(stages.size()));
      fresh->step_choice = batch1_->step_choice;
      fresh->chunk_choice = batch1_->chunk_choice;
      fresh->needs.resize(stages.size());
      for (std::size_t si = 0; si < stages.size(); ++si) {
        const Batch1Stage& s = stages[si];
        for (std::size_t sj = 0; sj < si; ++sj) {
          const Batch1Stage& d = stages[sj];
          const bool needed =
              s.kind == Batch1Stage::kRecurrence
                  ? (d.kind == Batch1Stage::kProjection && d.layer == s.layer)
                  : (d.kind == Batch1Stage::kRecurrence &&
                     d.layer == (s.kind == Batch1Stage::kOutput ? s.layer : s.layer - 1));
          if (needed) fresh->needs[si].push_back(static_cast<int>(sj));
        }
      }
      fresh->stages = std::move(stages);
      fresh->L = L;
      fresh->T = T;
      fresh->block = block;
      batch1_ = std::move(fresh);
    }
    Batch1Scratch& plan = *batch1_;
    for (auto& c : plan.claimed) c.reset();
    for (auto& d : plan.done) d.reset();
    plan.progress.reset();
    const int n_stages = static_cast<int>(plan.stages.size());
    const int total = n_stages * K;
    auto run_item = [&](const Batch1Stage& s, int k) {
      const int t0 = k * block, t1 = k == K - 1 ? T : t0 + block;
      switch (s.kind) {
        case Batch1Stage::kRecurrence:
          if (s.layer == 0) project_batch1(0, t0, t1, 0, GH);
          run_steps(s.layer, t0, t1);
          break;
        case Batch1Stage::kProjection:
          project_batch1(s.layer, t0, t1, s.r0, s.nr);
          break;
        case Batch1Stage::kOutput:
          output(t0, t1);
          break;
      }
    };
    // Picks this thread's next block: its own ready block of lowest wave (at equal waves the later
    // stage, which unblocks the other thread), else the other thread's projection or output, else
    // the other's recurrence once it has waited kStealAfter. Blocks of a stage run in order; a
    // block is ready when what it reads is done. Any thread may run any block: the same kernel on
    // the same operands, so the split never changes a result.
    using Clock = std::chrono::steady_clock;
    auto thread_work = [&](int thread) {
      int noticed_stage = -1, noticed_k = -1;  // a foreign recurrence block seen ready, and when
      Clock::time_point noticed_at{};
      while (true) {
        const int seen =
            plan.progress.get();  // read once: waiting for seen + 1 must be able to end
        if (seen >= total) break;
        int best = -1, best_key = 0, best_k = 0, best_class = 3;
        for (int si = 0; si < n_stages; ++si) {
          const std::size_t us = static_cast<std::size_t>(si);
          const int k = plan.claimed[us].get();
          if (k >= K || plan.done[us].get() < k) continue;  // finished, or block k-1 running
          bool ready = true;
          for (int sj : plan.needs[us]) {
            ready = ready && plan.done[static_cast<std::size_t>(sj)].get() > k;
          }
          if (!ready) continue;
          const Batch1Stage& s = plan.stages[us];
          const int cls = s.thread == thread ? 0 : (s.kind == Batch1Stage::kRecurrence ? 2 : 1);
          const int key = k + s.offset;
          if (cls < best_class || (cls == best_class && key <= best_key)) {
            best = si;
            best_key = key;
            best_k = k;
            best_class = cls;
          }
        }
        if (best >= 0 && best_class == 2) {  // only the other thread's recurrence is ready
          const auto now = Clock::now();
          if (best != noticed_stage || best_k != noticed_k) {
            noticed_stage = best;
            noticed_k = best_k;
            noticed_at = now;
          }
          const auto waited = now - noticed_at;
          if (waited < kStealAfter) {
            plan.progress.wait_for(
                seen + 1,
                kStealAfter - std::chrono::duration_cast<std::chrono::microseconds>(waited));
            continue;
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
  };
  if (!split && !pipeline) {
    one_thread();
    return;
  }
  auto choice = [&]() -> Batch1Choice& {  // re-read: the pipeline may renew batch1_
    return split ? batch1_->step_choice : batch1_->chunk_choice;
  };
  const int way = force ? 1 : choice().next();
  const auto start = std::chrono::steady_clock::now();
  if (way == 0) {
    one_thread();
  } else if (split) {
    split_step();
  } else {
    run_pipeline();
  }
  if (!force) {
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    choice().record(way, took.count() / T);
  }
}

template void Model<float>::forward_batch1(int);
template void Model<double>::forward_batch1(int);
template void Model<float>::project_batch1(int, int, int, int, int);
template void Model<double>::project_batch1(int, int, int, int, int);

}  // namespace cellscope
