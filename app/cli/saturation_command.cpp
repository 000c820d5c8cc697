// cellscope-cli saturation: per neuron and quantity, mean, variance and the gates' saturated
// fractions over a text (engine/saturation.h), to CSV, with a per-layer summary on stdout.
#include <cstdio>
#include <memory>

#include "inspect_commands.h"
#include "inspect_support.h"
#include "saturation.h"

namespace cellscope::cli {
namespace {

struct SaturationArgs {
  std::string model, text, out;
  int threads = 1;
};

void run_saturation(const SaturationArgs& a) {
  const Inputs in = load_inputs(a.model, a.text, a.threads);
  AtomicOutput out(a.out);
  Probe probe(*in.model, in.ids);
  PassProgress progress("saturation", probe.size());
  SigintGuard guard;
  const std::vector<NeuronStats> stats = saturation(probe, progress.fn());
  progress.finish();
  if (stats.empty()) interrupted(a.out + " was not written");
  std::string csv = "layer,neuron,quantity,mean,variance,left_saturated,right_saturated\n";
  for (const NeuronStats& s : stats) {
    csv += std::to_string(s.layer) + "," + std::to_string(s.neuron) + "," + to_string(s.quantity) +
           ",";
    append_float(csv, s.mean);
    csv += ',';
    append_float(csv, s.variance);
    csv += ',';
    append_float(csv, s.left);
    csv += ',';
    append_float(csv, s.right);
    csv += '\n';
  }
  out.write(csv);
  out.commit();
  // Summary: per layer and gate, the mean over neurons of the saturated fractions.
  const ModelConfig& config = in.model->config();
  std::printf("layer gate       left(<%.1f) right(>%.1f)\n", SaturationStats::kLeftSaturated,
              SaturationStats::kRightSaturated);
  for (int l = 0; l < config.num_layers; ++l) {
    for (Quantity q : cell_quantities(config.cell)) {
      if (quantity_range(q) != QuantityRange::kUnit) continue;
      double left = 0, right = 0;
      for (const NeuronStats& s : stats) {
        if (s.layer == l && s.quantity == q) {
          left += s.left;
          right += s.right;
        }
      }
      std::printf("%5d %-10s %10.1f%% %10.1f%%\n", l, to_string(q).c_str(),
                  100.0 * left / config.hidden_size, 100.0 * right / config.hidden_size);
    }
  }
  std::fprintf(stderr, "wrote %s: %zu rows\n", a.out.c_str(), stats.size());
}

}  // namespace

void add_saturation_command(CLI::App& app) {
  auto a = std::make_shared<SaturationArgs>();
  CLI::App* sub = app.add_subcommand(
      "saturation", "Per neuron and quantity: mean, variance, and gate saturation fractions");
  sub->option_defaults()->always_capture_default();
  add_common_options(sub, a->model, a->text, a->threads);
  sub->add_option("--out", a->out, "CSV file, written atomically")->required();
  sub->footer(
      "CSV columns: layer,neuron,quantity,mean,variance,left_saturated,right_saturated. "
      "Saturated: the fraction of positions < 0.1 (left) or > 0.9 (right), for the sigmoid "
      "gates only (LSTM input, forget, output; GRU update, reset); empty for other quantities.");
  sub->callback([a] { run_saturation(*a); });
}

}  // namespace cellscope::cli
