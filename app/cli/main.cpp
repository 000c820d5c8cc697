// cellscope-cli: train, sample, evaluate and inspect character-level RNN models.
// Thin: parses the subcommand with CLI11 and reports errors as one line on stderr.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "commands.h"
#include "error.h"
#include "explain_commands.h"
#include "inspect_commands.h"
#include "interop_commands.h"

int main(int argc, char** argv) {
  CLI::App app{"CellScope command line: train, sample and inspect character-level RNNs.",
               "cellscope-cli"};
  app.set_version_flag("--version", "cellscope-cli 0.1.0");
  app.require_subcommand(1);
  cellscope::cli::add_train_command(app);
  cellscope::cli::add_sample_command(app);
  cellscope::cli::add_eval_command(app);
  cellscope::cli::add_info_command(app);
  cellscope::cli::add_export_command(app);
  cellscope::cli::add_bench_command(app);
  cellscope::cli::add_probe_command(app);
  cellscope::cli::add_find_command(app);
  cellscope::cli::add_match_command(app);
  cellscope::cli::add_saturation_command(app);
  cellscope::cli::add_import_command(app);
  cellscope::cli::add_ngram_command(app);
  cellscope::cli::add_compare_command(app);
  cellscope::cli::add_saliency_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const cellscope::Error& e) {
    std::fprintf(stderr, "cellscope-cli: error: %s\n", e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "cellscope-cli: error: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cellscope-cli: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
