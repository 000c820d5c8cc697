// See cli_app.h. Invariant: the order of the subcommands here is the order of `--help`.
#include "cli_app.h"

#include "commands.h"
#include "explain_commands.h"
#include "inspect_commands.h"
#include "interop_commands.h"

namespace cellscope::cli {

void add_all_commands(CLI::App& app) {
  app.set_version_flag("--version", "cellscope-cli 0.1.0");
  app.require_subcommand(1);
  add_train_command(app);
  add_sample_command(app);
  add_eval_command(app);
  add_info_command(app);
  add_export_command(app);
  add_bench_command(app);
  add_probe_command(app);
  add_find_command(app);
  add_match_command(app);
  add_saturation_command(app);
  add_import_command(app);
  add_ngram_command(app);
  add_compare_command(app);
  add_saliency_command(app);
}

}  // namespace cellscope::cli
