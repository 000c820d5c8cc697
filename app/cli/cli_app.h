// The whole cellscope-cli command line on one CLI11 app: every subcommand with its options and
// checks. main() parses with it and runs the chosen command; the cli_args fuzz target parses
// with it too, after replacing the commands by checks that touch no file.
#pragma once

#include <CLI/CLI.hpp>

namespace cellscope::cli {

void add_all_commands(CLI::App& app);

}  // namespace cellscope::cli
