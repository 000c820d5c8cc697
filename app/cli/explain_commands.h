// The explaining subcommands of cellscope-cli, one file each: ngram (build a Kneser-Ney
// baseline; ngram_command.cpp), compare (two models on one text, by detector;
// compare_command.cpp) and saliency (what a prediction depends on; saliency_command.cpp); and
// the n-gram dispatch eval and sample call so an n-gram file works wherever a .csm does.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "sampler.h"

namespace cellscope::cli {

void add_ngram_command(CLI::App& app);
void add_compare_command(CLI::App& app);
void add_saliency_command(CLI::App& app);

// For `eval`: when `model` is an n-gram file, evaluates it on the corpus (files or folders,
// glob inside folders), prints eval's `loss_nats=… bits_per_char=… chars=…` line and returns
// true; returns false (doing nothing) for any other file.
bool eval_if_ngram(const std::string& model, const std::vector<std::string>& corpus,
                   const std::string& glob);
// For `sample`: the same for generation (prime printed first, then `length` characters).
bool sample_if_ngram(const std::string& model, const std::string& prime, int64_t length,
                     const SampleOptions& options);

// A text file as code points (invalid UTF-8 read as U+FFFD); Error naming it.
std::u32string read_text_file(const std::string& path);

}  // namespace cellscope::cli
