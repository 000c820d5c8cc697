// The cellscope-cli subcommands: each registers its flags on a CLI11 app and runs with them.
// Every command returns an exit code; errors reach main() as cellscope::Error and are printed
// as one line naming the file and the cause.
#pragma once

#include <CLI/CLI.hpp>

namespace cellscope::cli {

void add_train_command(CLI::App& app);
void add_sample_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_info_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_bench_command(CLI::App& app);

}  // namespace cellscope::cli
