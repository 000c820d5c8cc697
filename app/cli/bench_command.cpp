// `cellscope-cli bench`: speed and memory of the engine on synthetic data (no corpus needed),
// printed as key=value lines for scripts (bench/compare_pytorch.py reads them). Every figure
// is measured in this run: the training step, batch-1 forward (the batch-1 path as the app runs
// it, always on two threads, and the general path it replaced), streamed sampling (the same two
// ways), wall clock and per CPU second, the machine's own sgemm rate for the dominant product
// shape, and the matrix-vector limit of batch 1 (gemv_chars_per_sec_limit), for comparison.
#include <sys/resource.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <random>

#include "commands.h"
#include "corpus.h"
#include "error.h"
#include "gemm.h"
#include "optimizer.h"
#include "sampler.h"
#include "threads.h"

namespace cellscope::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchArgs {
  std::string model = "lstm";
  int rnn_size = 512;
  int num_layers = 2;
  int seq_length = 100;
  int batch_size = 64;
  int vocab = 65;
  int iters = 20;
  int threads = 0;
  double min_seconds = 2.0;
  bool forward_only = false;
  int block_steps = 0;  // 0: the engine's default (Batch1Settings::block_steps)
};

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Runs `step` at least `min_iters` times and for at least `min_seconds`; returns seconds/call.
template <typename F>
double time_per_call(F&& step, int min_iters, double min_seconds) {
  step();  // warm-up: sizes buffers, faults pages in
  int n = 0;
  const auto t0 = Clock::now();
  while (n < min_iters || seconds_since(t0) < min_seconds) {
    step();
    ++n;
  }
  return seconds_since(t0) / n;
}

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// The batch-1 limit: Eigen's GEMV `y.noalias() = Wh * h` of each layer's recurrent shape
// (G·H × H, or H+1 columns for the reset-after GRU) and nothing else, layer by layer over 256
// steps as the one-thread forward runs them (each matrix stays in its core's L2). Two threads
// run the layers split as the batch-1 wavefront splits them (the first L/2 on one thread) at
// the same time. chars/s = steps per second of the slower thread.
// *per_cpu_sec: chars per CPU second of the whole process, as forward_chars_per_cpu_sec.
double gemv_chars_per_sec_limit(const ModelConfig& mc, int gate_rows, int cols, int threads,
                                double min_seconds, double* per_cpu_sec) {
  const int L = mc.num_layers;
  const int parts = threads >= 2 && L >= 2 ? 2 : 1;
  std::vector<Mat<float>> W;
  std::vector<Vec<float>> h, y;
  for (int l = 0; l < L; ++l) {
    W.push_back(Mat<float>::Random(gate_rows, cols) * 0.05f);
    h.push_back(Vec<float>::Random(cols));
    y.push_back(Vec<float>(gate_rows));
  }
  const int steps = 256;
  auto pass = [&] {
    auto task = [&](int part) {
      const int l0 = parts == 1 ? 0 : (part == 0 ? 0 : L / 2);
      const int l1 = parts == 1 ? L : (part == 0 ? L / 2 : L);
      for (int l = l0; l < l1; ++l) {
        const auto ul = static_cast<std::size_t>(l);
        for (int t = 0; t < steps; ++t) {
          y[ul].noalias() = W[ul] * h[ul];
          // Each step reads the one before; ±1 keeps h from decaying into (slow) denormals.
          h[ul](t % cols) = y[ul](t % gate_rows) > 0.0f ? 1.0f : -1.0f;
        }
      }
    };
    run_tasks(parts, TaskRef(task));
  };
  int calls = 0;
  const double cpu0 = process_cpu_seconds();
  const double s = time_per_call(
      [&] {
        pass();
        ++calls;
      },
      5, min_seconds);
  *per_cpu_sec = steps * static_cast<double>(calls) / (process_cpu_seconds() - cpu0);
  return steps / s;
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

void run_bench(const BenchArgs& a) {
  const int threads = set_thread_count(a.threads);
  ModelConfig mc;
  mc.cell = parse_cell_type(a.model);
  mc.hidden_size = a.rnn_size;
  mc.num_layers = a.num_layers;
  mc.vocab_size = a.vocab;
  const int T = a.seq_length, B = a.batch_size, H = a.rnn_size;
  std::printf("model=%s\nrnn_size=%d\nnum_layers=%d\nseq_length=%d\nbatch_size=%d\nvocab=%d\n"
              "threads=%d\n",
              a.model.c_str(), H, a.num_layers, T, B, a.vocab, threads);

  Model<float> model(mc);
  model.init_params(1);
  std::printf("parameters=%zu\n", model.params().size());
  std::mt19937_64 rng(2);
  if (!a.forward_only) {
    // Training step: forward, backward, global norm, clip, Adam, on random ids.
    Optimizer<float> adam(OptimizerType::kAdam, model.params().size());
    std::vector<int32_t> inputs(static_cast<std::size_t>(T) * B), targets(inputs.size());
    for (auto& v : inputs) v = static_cast<int32_t>(rng() % static_cast<uint64_t>(a.vocab));
    for (auto& v : targets) v = static_cast<int32_t>(rng() % static_cast<uint64_t>(a.vocab));
    ModelState<float> state = model.zero_state(B);
    const ChunkSpec spec{T, B, 0, T};
    auto train_step = [&] {
      model.forward(inputs.data(), targets.data(), spec, state, true, &rng);
      model.backward();
      const double norm = global_norm(model.grads().data(), model.grads().size());
      clip_gradients(model.grads().data(), model.grads().size(), ClipMode::kValue, 5.0, norm);
      adam.step(model.params().data(), model.grads().data(), 2e-3);
    };
    const double step_s = time_per_call(train_step, a.iters, a.min_seconds);
    const double train_cps = static_cast<double>(T) * B / step_s;
    std::printf("train_step_ms=%.3f\ntrain_chars_per_sec=%.0f\ntrain_gflops=%.1f\n", step_s * 1e3,
                train_cps, train_cps * training_flops_per_char(mc) * 1e-9);

    // The machine's own sgemm rate on the same threads, for the dominant product: the recurrent
    // step (G·H × H) · (H × B), split over threads by columns as the engine splits streams; and
    // the reference shape 64×1024 · 1024×2048, split the same way.
    const int GH = model.cell().gate_count() * H;
    auto sgemm_rate = [&](int m, int k, int n) {
      Mat<float> A = Mat<float>::Random(m, k), X = Mat<float>::Random(k, n), Y(m, n);
      const double s = time_per_call(
          [&] {
            parallel_ranges(n, 1, [&](int64_t j0, int64_t j1, int) {
              matmul<float>(Y.middleCols(j0, j1 - j0), A, false, X.middleCols(j0, j1 - j0), false);
            });
          },
          20, 0.5);
      return 2.0 * m * k * n / s * 1e-9;
    };
    const double sgemm = sgemm_rate(GH, H, B);
    std::printf("sgemm_shape=%dx%dx%d\nsgemm_gflops=%.1f\n", GH, H, B, sgemm);
    std::printf("sgemm_reference_shape=64x1024x2048\nsgemm_reference_gflops=%.1f\n",
                sgemm_rate(64, 1024, 2048));
    std::printf("train_fraction_of_sgemm=%.2f\n", train_cps * training_flops_per_char(mc) * 1e-9 / sgemm);
  }  // !forward_only (the training step and the sgemm rates)

  // Forward at batch 1 (the explorer's path): chunks of 256 characters, no loss; the batch-1
  // path, then the general path it replaced (the reference), then the GEMV limit. Per CPU
  // second too: on a loaded machine wall time measures the neighbours as much as the code.
  const int GH = model.cell().gate_count() * H;
  Batch1Settings defaults;
  if (a.block_steps > 0) defaults.block_steps = a.block_steps;
  // forward: the batch-1 path as the app runs it (on 2 threads it picks one or two threads by
  // the time each took lately); forward_two_threads: always both threads (the pipeline, or the
  // split step); forward_reference: the general path.
  enum Way { kDefault, kTwoThreads, kReference };
  for (const Way way : {kDefault, kTwoThreads, kReference}) {
    if (way == kTwoThreads && threads < 2) continue;
    Batch1Settings settings = defaults;
    settings.enabled = way != kReference;
    settings.force_wavefront = way == kTwoThreads;
    model.set_batch1_settings(settings);
    const int chunk = 256;
    ModelState<float> s1 = model.zero_state(1);
    std::vector<int32_t> ids(chunk);
    for (auto& v : ids) v = static_cast<int32_t>(rng() % static_cast<uint64_t>(a.vocab));
    int calls = 0;
    const double cpu0 = process_cpu_seconds();
    const double s = time_per_call(
        [&] {
          model.forward(ids.data(), nullptr, ChunkSpec{chunk, 1, 0, chunk}, s1, false, nullptr);
          ++calls;
        },
        5, a.min_seconds / 2);
    const double cpu = process_cpu_seconds() - cpu0;
    const char* name = way == kDefault      ? "forward"
                       : way == kTwoThreads ? "forward_two_threads"
                                            : "forward_reference";
    std::printf("%s_chars_per_sec=%.0f\n", name, chunk / s);
    std::printf("%s_chars_per_cpu_sec=%.0f\n", name, chunk * static_cast<double>(calls) / cpu);
  }
  model.set_batch1_settings(defaults);
  const int rec_cols = static_cast<int>(model.layout().block(1).cols);
  double gemv_per_cpu_sec = 0.0;
  const double gemv_limit =
      gemv_chars_per_sec_limit(mc, GH, rec_cols, threads, a.min_seconds / 2, &gemv_per_cpu_sec);
  std::printf("gemv_shape=%dx%d\ngemv_chars_per_sec_limit=%.0f\n", GH, rec_cols, gemv_limit);
  std::printf("gemv_chars_per_cpu_sec_limit=%.0f\n", gemv_per_cpu_sec);

  // Streamed sampling at temperature 0.9: one character at a time through the Sampler; as the
  // app runs it, then (2 threads) always on both threads.
  for (const Way way : {kDefault, kTwoThreads}) {
    if (way == kTwoThreads && threads < 2) continue;
    Batch1Settings settings = defaults;
    settings.force_wavefront = way == kTwoThreads;
    model.set_batch1_settings(settings);
    const char* name = way == kDefault ? "sample" : "sample_two_threads";
    std::vector<char32_t> cps;
    for (int i = 0; i < a.vocab; ++i) cps.push_back(static_cast<char32_t>(32 + i));
    const Vocabulary vocab(cps);
    Sampler sampler(model, vocab);
    SampleOptions o;
    o.temperature = 0.9;
    o.seed = 3;
    const int64_t n = 2000;
    int64_t produced = 0;
    int calls = 0;
    const double cpu0 = process_cpu_seconds();
    const double s = time_per_call(
        [&] {
          sampler.generate("", n, o, [&](std::string_view) {
            ++produced;
            return true;
          });
          ++calls;
        },
        1, a.min_seconds / 2);
    const double cpu = process_cpu_seconds() - cpu0;
    std::printf("%s_chars_per_sec=%.0f\n", name, static_cast<double>(n) / s);
    std::printf("%s_chars_per_cpu_sec=%.0f\n", name, static_cast<double>(n) * calls / cpu);
  }
  std::printf("peak_rss_mb=%.1f\n", peak_rss_mb());
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto a = std::make_shared<BenchArgs>();
  CLI::App* sub = app.add_subcommand(
      "bench", "Measure training, forward and sampling speed on synthetic data (key=value lines)");
  sub->option_defaults()->always_capture_default();
  sub->add_option("--model", a->model, "Cell type")->check(CLI::IsMember({"lstm", "gru", "rnn"}));
  sub->add_option("--rnn-size", a->rnn_size, "Hidden units per layer")->check(CLI::Range(1, 16384));
  sub->add_option("--num-layers", a->num_layers, "Layers")->check(CLI::Range(1, 64));
  sub->add_option("--seq-length", a->seq_length, "Steps per chunk")->check(CLI::Range(1, 100000));
  sub->add_option("--batch-size", a->batch_size, "Streams")->check(CLI::Range(1, 100000));
  sub->add_option("--vocab", a->vocab, "Vocabulary size")->check(CLI::Range(2, 100000));
  sub->add_option("--iters", a->iters, "Timed training steps (at least)")->check(CLI::Range(1, 1000000));
  sub->add_option("--min-seconds", a->min_seconds, "Time each measurement at least this long")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--threads", a->threads, "Threads (0: all cores)")->check(CLI::NonNegativeNumber);
  sub->add_option("--block-steps", a->block_steps,
                  "Steps per batch-1 pipeline block (0: the engine's default)")
      ->check(CLI::NonNegativeNumber);
  sub->add_flag("--forward-only", a->forward_only,
                "Skip the training step and sgemm rates: batch-1 forward, GEMV limit, sampling");
  sub->callback([a] { run_bench(*a); });
}

}  // namespace cellscope::cli
