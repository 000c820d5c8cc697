// cellscope-cli compare: two models (.csm or n-gram, any mix) on one text — each one's loss over
// the whole text, and over the characters each detector marks (engine/compare.h). Lines are
// key=value for scripts; --out adds the per-character surprisals as CSV, written atomically.
#include <cmath>
#include <cstdio>
#include <memory>

#include "compare.h"
#include "detectors.h"
#include "error.h"
#include "explain_commands.h"
#include "inspect_support.h"
#include "surprisal_models.h"
#include "threads.h"

namespace cellscope::cli {
namespace {

struct CompareArgs {
  std::string model_a, model_b, text, out;
  std::vector<std::string> detectors;
  int threads = 1;
};

CharScores score_one(ScoringModel& model, const std::u32string& text, const char* label) {
  PassProgress progress(std::string("model ") + label, static_cast<int64_t>(text.size()));
  int64_t unknown = 0;
  CharScores s = model.score(text, /*with_entropy=*/false, progress.fn(), &unknown);
  progress.finish();
  if (s.size() == 0) interrupted("compare stopped");
  if (unknown > 0) {
    std::fprintf(stderr,
                 "warning: model %s (%s): %lld character(s) of the text are not in its "
                 "vocabulary\n",
                 label, model.name().c_str(), static_cast<long long>(unknown));
  }
  return s;
}

std::string number(double v) {
  if (std::isnan(v)) return "nan";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

void run_compare(const CompareArgs& a) {
  set_thread_count(a.threads);
  const std::u32string text = read_text_file(a.text);
  if (text.size() < 2) throw Error(a.text + ": too short to compare (needs 2 characters)");
  auto model_a = ScoringModel::load(a.model_a);
  auto model_b = ScoringModel::load(a.model_b);
  const std::vector<std::string> detectors =
      a.detectors.empty() ? all_detector_names() : a.detectors;
  for (const std::string& d : detectors) detect(d, U"x");  // a bad name fails before the passes
  SigintGuard guard;
  const CharScores sa = score_one(*model_a, text, "A");
  const CharScores sb = score_one(*model_b, text, "B");
  const Comparison c = compare_scores(sa, sb, text, detectors);
  std::fprintf(stderr, "A: %s (%s)\nB: %s (%s)\n", a.model_a.c_str(),
               model_a->description().c_str(), a.model_b.c_str(), model_b->description().c_str());
  std::printf("loss_a=%s loss_b=%s chars=%lld\n", number(c.loss_a).c_str(),
              number(c.loss_b).c_str(), static_cast<long long>(c.chars));
  for (const DetectorLoss& d : c.detectors) {
    std::printf("detector=%s chars=%lld loss_a=%s loss_b=%s\n", d.detector.c_str(),
                static_cast<long long>(d.chars), number(d.loss_a).c_str(),
                number(d.loss_b).c_str());
  }
  if (a.out.empty()) return;
  AtomicOutput out(a.out);
  out.write("position,char,surprisal_a,surprisal_b,difference\n");
  std::string buffer;
  for (std::size_t p = 0; p < text.size(); ++p) {
    buffer += std::to_string(p) + "," + csv_char(text[p]) + ",";
    append_float(buffer, sa.surprisal[p]);
    buffer += ',';
    append_float(buffer, sb.surprisal[p]);
    buffer += ',';
    append_float(buffer, c.difference[p]);
    buffer += '\n';
    if (buffer.size() > (1u << 16)) {
      out.write(buffer);
      buffer.clear();
    }
  }
  out.write(buffer);
  out.commit();
}

}  // namespace

void add_compare_command(CLI::App& app) {
  auto a = std::make_shared<CompareArgs>();
  CLI::App* sub = app.add_subcommand(
      "compare",
      "Two models on one text: loss_a=… loss_b=… chars=…, then one detector=… chars=… loss_a=… "
      "loss_b=… line per detector (mean nats over the characters it marks)");
  sub->option_defaults()->always_capture_default();
  sub->add_option("model_a", a->model_a, "Model A (.csm or n-gram file)")->required();
  sub->add_option("model_b", a->model_b, "Model B (.csm or n-gram file)")->required();
  sub->add_option("--text", a->text, "Text file (UTF-8)")->required();
  sub->add_option("--detector", a->detectors,
                  "Detectors to break the loss down by (repeatable; default: every detector)");
  sub->add_option("--out", a->out,
                  "Also write position,char,surprisal_a,surprisal_b,difference (CSV, nats)");
  sub->add_option("--threads", a->threads, "Threads (batch 1 is fastest on one)")
      ->check(CLI::NonNegativeNumber);
  sub->footer(
      "Surprisal of character p is -ln p(char p | chars before it); the first character is not "
      "predicted, so chars = length - 1 and loss_a / loss_b equal eval's loss_nats of each "
      "model. A detector marks character p when its value there is > 0.5 (inside a span; depth "
      ">= 1; line-position: not the first character of a line). Unknown characters: a network "
      "reads its fallback character, an n-gram its unknown symbol.");
  sub->callback([a] { run_compare(*a); });
}

}  // namespace cellscope::cli
