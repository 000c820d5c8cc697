// The inspection subcommands of cellscope-cli, one file each: probe (activations to CSV / .npy,
// or an LSTMVis project; probe_command.cpp), find (neurons that track a detector), match
// (LSTMVis: the neurons on through a span, the places where they switch on) and saturation (gate
// statistics to CSV). Shared plumbing: inspect_support.h (inputs, default quantity, progress
// with ETA, Ctrl-C, atomic output files).
#pragma once

#include <CLI/CLI.hpp>

namespace cellscope::cli {

void add_probe_command(CLI::App& app);
void add_find_command(CLI::App& app);
void add_match_command(CLI::App& app);
void add_saturation_command(CLI::App& app);

}  // namespace cellscope::cli
