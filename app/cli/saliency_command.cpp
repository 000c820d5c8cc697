// cellscope-cli saliency: how strongly a prediction (or a neuron's value) depends on each of the
// previous K characters — the norm of its exact gradient with respect to each one-hot input
// (engine/saliency.h) — at one position, or averaged over a whole text (the memory horizon).
// CSV written atomically: --position gives distance,position,char,value; --all distance,value.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>

#include "error.h"
#include "explain_commands.h"
#include "inspect_support.h"
#include "ngram.h"
#include "saliency.h"

namespace cellscope::cli {
namespace {

struct SaliencyArgs {
  std::string model, text, out, quantity;
  int64_t position = -1;
  bool all = false;
  int window = 200;
  int64_t stride = 1;
  int layer = 0;
  int neuron = -1;
  int threads = 1;
  int repeat = 1;
};

double milliseconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void run_saliency(const SaliencyArgs& a) {
  if (is_ngram_file(a.model)) {
    throw Error(a.model + " is an n-gram model: saliency needs a network's gradients (.csm)");
  }
  if (a.all == (a.position >= 0)) throw Error("give exactly one of --position P and --all");
  const Inputs in = load_inputs(a.model, a.text, a.threads);
  SaliencyOptions options;
  options.window = a.window;
  if (a.neuron >= 0) {
    options.target = SaliencyTarget::kNeuron;
    options.layer = a.layer;
    options.neuron = a.neuron;
    options.quantity = a.quantity.empty() ? Quantity::kHidden : parse_quantity(a.quantity);
  } else if (!a.quantity.empty() || a.layer != 0) {
    throw Error("--layer and --quantity choose a neuron's value as the target: give --neuron too");
  }
  const int64_t n = static_cast<int64_t>(in.ids.size());
  AtomicOutput out(a.out);
  const auto start = std::chrono::steady_clock::now();
  std::string rows;
  if (!a.all) {
    // Timed apart: the state entering the window (the explorer has it from its kept states)
    // and the window's forward + backward (what a click costs), the median of --repeat runs.
    std::vector<int32_t> ids(in.ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = in.ids[i];
    check_saliency(in.model->config(), n, a.position, options);
    const ModelState<float> entering =
        state_after(*in.model, ids.data(), saliency_window_begin(a.position, options));
    const double state_ms = milliseconds_since(start);
    SaliencyComputer<float> computer(*in.model);
    Saliency s;
    std::vector<double> times;
    for (int r = 0; r < a.repeat; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      s = computer.compute(ids.data(), n, a.position, entering, options);
      times.push_back(milliseconds_since(t0));
    }
    std::sort(times.begin(), times.end());
    const double ms = times[times.size() / 2];
    rows = "distance,position,char,value\n";
    for (std::size_t d = 0; d < s.by_distance.size(); ++d) {
      if (std::isnan(s.by_distance[d])) continue;
      const int64_t p = a.position - static_cast<int64_t>(d);
      rows += std::to_string(d) + "," + std::to_string(p) + "," +
              csv_char(in.text[static_cast<std::size_t>(p)]) + ",";
      append_float(rows, s.by_distance[d]);
      rows += '\n';
    }
    std::fprintf(stderr,
                 "position %lld %s: %s = %.6f; window of %d: %.2f ms (median of %d), state "
                 "entering it: %.1f ms\n",
                 static_cast<long long>(a.position),
                 csv_char(in.text[static_cast<std::size_t>(a.position)]).c_str(),
                 options.target == SaliencyTarget::kNeuron ? "neuron value" : "log p", s.value,
                 a.window, ms, a.repeat, state_ms);
  } else {
    PassProgress progress("saliency", n);
    SigintGuard guard;
    const MemoryHorizon h = memory_horizon(*in.model, in.ids, options, a.stride, progress.fn());
    progress.finish();
    if (h.mean.empty()) interrupted(a.out + " was not written");
    rows = "distance,value\n";
    for (std::size_t d = 0; d < h.mean.size(); ++d) {
      if (std::isnan(h.mean[d])) continue;
      rows += std::to_string(d) + ",";
      append_float(rows, h.mean[d]);
      rows += '\n';
    }
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "memory horizon over %lld positions (stride %lld) in %.1f s\n",
                 static_cast<long long>(h.positions), static_cast<long long>(a.stride), s);
  }
  out.write(rows);
  out.commit();
}

}  // namespace

void add_saliency_command(CLI::App& app) {
  auto a = std::make_shared<SaliencyArgs>();
  CLI::App* sub = app.add_subcommand(
      "saliency",
      "How much a prediction depends on each of the previous K characters: the norm of the "
      "gradient of log p (or of a neuron) with respect to each earlier input, as CSV");
  sub->option_defaults()->always_capture_default();
  add_common_options(sub, a->model, a->text, a->threads);
  sub->add_option("--position", a->position,
                  "The character P whose prediction (or neuron value) to explain, from 0")
      ->check(CLI::NonNegativeNumber);
  sub->add_flag("--all", a->all, "Average over every position (stride apart): the memory horizon");
  sub->add_option("--window", a->window, "K: how many previous inputs to differentiate through")
      ->check(CLI::Range(1, kMaxSaliencyWindow));
  sub->add_option("--stride", a->stride, "--all: take every S-th position")
      ->check(CLI::PositiveNumber);
  sub->add_option("--layer", a->layer, "With --neuron: its layer, from 0")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--neuron", a->neuron,
                  "Explain this neuron's value after reading P instead of log p(char P)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--quantity", a->quantity, "With --neuron: hidden (default), cell or tanh-cell");
  sub->add_option("--out", a->out, "CSV file, written atomically")->required();
  sub->add_option("--repeat", a->repeat, "--position: time the window this many times (median)")
      ->check(CLI::Range(1, 1000));
  sub->footer(
      "value at distance d = || d target / d x_(P-d) ||_2, the Euclidean norm over the whole "
      "vocabulary of the gradient with respect to the one-hot input vector of character P-d, by "
      "exact backpropagation through the window at batch 1; the state entering the window is "
      "the text's state from position 0, held fixed. log p(char P) depends on characters P-1 "
      "... P-K (d = 1..K); a neuron after reading P on P ... P-K (d = 0..K). --all averages "
      "each distance over the positions that have it.");
  sub->callback([a] { run_saliency(*a); });
}

}  // namespace cellscope::cli
