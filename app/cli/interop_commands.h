// The PyTorch interop subcommands of cellscope-cli: `import` (a safetensors state_dict -> .csm)
// and the safetensors export (a .csm -> PyTorch's names, for examples/pytorch/load.py).
// Both write atomically and write nothing on error.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace cellscope::cli {

void add_import_command(CLI::App& app);

// `export MODEL --format safetensors --out F`: the export command calls this for that format.
void run_export_safetensors(const std::string& model_path, const std::string& out_path);

}  // namespace cellscope::cli
