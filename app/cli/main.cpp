// cellscope-cli: train, sample, evaluate and inspect character-level RNN models.
// Thin: parses the subcommand with CLI11 and reports errors as one line on stderr.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli_app.h"
#include "error.h"

int main(int argc, char** argv) {
  CLI::App app{"CellScope command line: train, sample and inspect character-level RNNs.",
               "cellscope-cli"};
  cellscope::cli::add_all_commands(app);
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
