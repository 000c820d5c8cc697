// The inspection subcommands of cellscope-cli: probe (activations to CSV / .npy), find (neurons
// that track a detector), match (LSTMVis: ranges where the same neurons switch on) and
// saturation (gate statistics to CSV). Each reads its text with the model's vocabulary (unknown
// characters read as the fallback, with a warning), shows a progress line with ETA on stderr,
// writes files atomically (NAME.tmp, then rename) and reports errors as cellscope::Error.
#pragma once

#include <CLI/CLI.hpp>

namespace cellscope::cli {

void add_probe_command(CLI::App& app);
void add_find_command(CLI::App& app);
void add_match_command(CLI::App& app);
void add_saturation_command(CLI::App& app);

}  // namespace cellscope::cli
