// probe / find / match / saturation end to end: the real binary on a model it trained, its
// outputs parsed and compared with the engine run in this process on the same files, and every
// bad input checked for a one-line error naming the file or flag, with no output file left.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "checkpoint.h"
#include "cli_runner.h"
#include "corpus.h"
#include "detectors.h"
#include "neuron_search.h"
#include "probe.h"
#include "trainer.h"
#include "utf8.h"

namespace fs = std::filesystem;

namespace cellscope {
namespace {

using testing_util::CliRun;

// RFC 4180 fields of one line (quoted fields may hold commas and doubled quotes).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// One model trained by the CLI for the whole suite, on a corpus with quotes and brackets.
class InspectCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("cellscope_inspect_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::string corpus;
    for (int i = 0; i < 300; ++i) {
      corpus += i % 3 ? "say \"hi there\" (to [them]) " : "if (x) { y; } // done\n";
    }
    std::ofstream(path("corpus.txt"), std::ios::binary) << corpus;
    // The probed text: the corpus' characters plus one the model never saw (Ω).
    std::ofstream(path("text.txt"), std::ios::binary)
        << corpus.substr(0, 1500) << "\xCE\xA9 \"end\"";
    const CliRun r = run("train --corpus " + path("corpus.txt") + " --out " + path("m.csm") +
                         " --rnn-size 16 --num-layers 2 --batch-size 4 --seq-length 20 "
                         "--max-iters 40 --eval-every 0 --threads 1");
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static CliRun run(const std::string& args) {
    return testing_util::run_cli(args, path("stderr.txt"));
  }
  static std::string model() { return path("m.csm"); }
  static std::string text() { return path("text.txt"); }

  // The engine in this process on the same model and text.
  struct Local {
    ModelFile file;
    std::unique_ptr<Model<float>> model;
    Vocabulary vocab;
    EncodedText ids;
    std::u32string text;
  };
  static Local local() {
    Local l;
    l.file = load_model_file(model());
    l.model = model_from_file(l.file, model());
    l.vocab = Vocabulary(l.file.vocabulary);
    CorpusOptions options;
    options.paths = {text()};
    options.val_frac = 0.0;
    l.ids = load_corpus(options, &l.vocab, true).train;
    l.text = utf8_decode(read_file(text()));
    return l;
  }

  static void expect_error(const CliRun& r, const std::string& needle) {
    EXPECT_NE(r.status, 0);
    std::string err = r.err;
    while (!err.empty() && err.back() == '\n') err.pop_back();
    const std::string last =
        err.substr(err.rfind('\n') == std::string::npos ? 0 : err.rfind('\n') + 1);
    EXPECT_EQ(last.rfind("cellscope-cli: error: ", 0), 0u) << r.err;
    EXPECT_NE(last.find(needle), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("terminate"), std::string::npos) << r.err;
  }

  static fs::path dir_;
};
fs::path InspectCli::dir_;

TEST_F(InspectCli, HelpDocumentsEveryDetectorAndQuantity) {
  for (const char* sub : {"probe", "find", "match", "saturation"}) {
    const CliRun r = run(std::string(sub) + " --help");
    EXPECT_EQ(r.status, 0) << sub;
    EXPECT_NE(r.out.find("--text"), std::string::npos) << sub;
  }
  const CliRun find = run("find --help");
  for (const DetectorInfo& d : detector_list()) {
    EXPECT_NE(find.out.find("  " + d.name + " "), std::string::npos) << d.name;
    EXPECT_NE(find.out.find(d.description), std::string::npos) << d.name;
  }
  EXPECT_NE(find.out.find("regex:PATTERN"), std::string::npos);
  // The help states the engine's regex rule (matches span lines), not the old line-by-line one.
  EXPECT_NE(find.out.find(regex_detector_help()), std::string::npos) << find.out;
  EXPECT_EQ(find.out.find("line by line"), std::string::npos) << find.out;
  const CliRun probe = run("probe --help");
  EXPECT_NE(probe.out.find(quantity_names()), std::string::npos) << probe.out;
}

TEST_F(InspectCli, ProbeCsvHoldsTheEngineValuesForEveryCharacter) {
  const CliRun r = run("probe " + model() + " --text " + text() +
                       " --layer 1 --neuron 3 --quantity cell --out " + path("n3.csv"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("1 character(s) are not in the model's vocabulary"), std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(path("n3.csv.tmp")));
  Local l = local();
  Probe probe(*l.model, l.ids);
  const std::vector<float> track = probe.track(1, 3, Quantity::kCell);
  const std::vector<std::string> lines = lines_of(read_file(path("n3.csv")));
  ASSERT_EQ(lines.size(), l.text.size() + 1);
  EXPECT_EQ(lines[0], "position,char,value");
  for (std::size_t i = 0; i < l.text.size(); ++i) {
    const std::vector<std::string> f = csv_fields(lines[i + 1]);
    ASSERT_EQ(f.size(), 3u) << lines[i + 1];
    EXPECT_EQ(f[0], std::to_string(i));
    EXPECT_EQ(f[1], Vocabulary::display(l.text[i])) << i;
    EXPECT_EQ(std::stof(f[2]), track[i]) << i;  // %.9g round-trips a float exactly
  }
  EXPECT_EQ(csv_fields(lines[1501])[1], "\u03A9");  // the unknown character, as in the file
}

TEST_F(InspectCli, ProbeNpyIsARealNpyFileWithTheCsvNumbers) {
  const CliRun a = run("probe " + model() + " --text " + text() + " --out " + path("all.npy"));
  ASSERT_EQ(a.status, 0) << a.err;
  const CliRun b =
      run("probe " + model() + " --text " + text() + " --format csv --out " + path("all.csv"));
  ASSERT_EQ(b.status, 0) << b.err;
  const std::string npy = read_file(path("all.npy"));
  ASSERT_GT(npy.size(), 10u);
  EXPECT_EQ(npy.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  const std::size_t header_len = static_cast<unsigned char>(npy[8]) |
                                 static_cast<std::size_t>(static_cast<unsigned char>(npy[9])) << 8;
  const std::string dict = npy.substr(10, header_len);
  EXPECT_EQ((10 + header_len) % 64, 0u);
  EXPECT_EQ(dict.back(), '\n');
  const std::size_t n = local().text.size();
  EXPECT_NE(dict.find("'descr': '<f4'"), std::string::npos) << dict;
  EXPECT_NE(dict.find("'fortran_order': False"), std::string::npos) << dict;
  EXPECT_NE(dict.find("'shape': (" + std::to_string(n) + ", 16)"), std::string::npos) << dict;
  ASSERT_EQ(npy.size(), 10 + header_len + n * 16 * sizeof(float));
  const std::vector<std::string> lines = lines_of(read_file(path("all.csv")));
  ASSERT_EQ(lines.size(), n + 1);
  EXPECT_EQ(csv_fields(lines[0]).size(), 2u + 16u);
  EXPECT_EQ(csv_fields(lines[0])[17], "n15");
  for (std::size_t i = 0; i < n; i += 7) {
    const std::vector<std::string> f = csv_fields(lines[i + 1]);
    for (int h = 0; h < 16; ++h) {
      float v;
      std::memcpy(&v, npy.data() + 10 + header_len + (i * 16 + static_cast<std::size_t>(h)) * 4, 4);
      EXPECT_EQ(std::stof(f[2 + static_cast<std::size_t>(h)]), v) << i << " " << h;
    }
  }
}

TEST_F(InspectCli, ProbeRejectsBadArgumentsAndLeavesNoFile) {
  fs::create_directories(path("folder"));
  struct Case {
    std::string args, expect;
  } cases[] = {
      {"--layer 2", "layer 2 is out of range"},
      {"--neuron 16", "neuron 16 is out of range"},
      {"--quantity update", "lstm model has no 'update'"},
      {"--quantity gates", "unknown quantity 'gates'"},
  };
  for (const Case& c : cases) {
    const CliRun r =
        run("probe " + model() + " --text " + text() + " " + c.args + " --out " + path("bad.csv"));
    expect_error(r, c.expect);
    EXPECT_FALSE(fs::exists(path("bad.csv")));
    EXPECT_FALSE(fs::exists(path("bad.csv.tmp")));
  }
  expect_error(
      run("probe " + model() + " --text " + path("missing.txt") + " --out " + path("bad.csv")),
      path("missing.txt"));
  expect_error(run("probe " + model() + " --text " + path("folder") + " --out " + path("bad.csv")),
               path("folder"));
  expect_error(
      run("probe " + path("corpus.txt") + " --text " + text() + " --out " + path("bad.csv")),
      path("corpus.txt"));
  expect_error(run("probe " + model() + " --text " + text() + " --out " + path("nodir/x.csv")),
               path("nodir/x.csv"));
  EXPECT_FALSE(fs::exists(path("bad.csv")));
}

// Lines "rank layer neuron correlation auc", compared with the engine's ranking.
TEST_F(InspectCli, FindPrintsTheEngineRanking) {
  const CliRun r =
      run("find " + model() + " --text " + text() + " --detector double-quote --top 5");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("positions positive"), std::string::npos) << r.err;
  const std::vector<std::string> lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 6u) << r.out;
  EXPECT_EQ(lines[0], "rank layer neuron correlation    auc");
  Local l = local();
  Probe probe(*l.model, l.ids);
  const Signal s = detect("double-quote", l.text);
  const auto scores = find_neurons(probe, Quantity::kTanhCell, s.values, 0.5);  // the default
  const std::regex row(R"(\s*(\d+)\s+(\d+)\s+(\d+)\s+([-+][0-9.]+)\s+([0-9.]+))");
  for (int i = 0; i < 5; ++i) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(lines[static_cast<std::size_t>(i + 1)], m, row)) << lines[i + 1];
    EXPECT_EQ(std::stoi(m[1]), i + 1);
    EXPECT_EQ(std::stoi(m[2]), scores[static_cast<std::size_t>(i)].layer);
    EXPECT_EQ(std::stoi(m[3]), scores[static_cast<std::size_t>(i)].neuron);
    EXPECT_NEAR(std::stod(m[4]), scores[static_cast<std::size_t>(i)].correlation, 5e-5);
    EXPECT_NEAR(std::stod(m[5]), scores[static_cast<std::size_t>(i)].auc, 5e-5);
  }
  const CliRun all = run("find " + model() + " --text " + text() +
                         " --detector 'regex:\\(to' --quantity tanh-cell --top 0");
  ASSERT_EQ(all.status, 0) << all.err;
  EXPECT_EQ(lines_of(all.out).size(), 1u + 32u);
  const CliRun depth = run("find " + model() + " --text " + text() + " --detector bracket-depth");
  ASSERT_EQ(depth.status, 0) << depth.err;
  EXPECT_EQ(lines_of(depth.out).size(), 1u + 20u);  // --top defaults to 20
  expect_error(run("find " + model() + " --text " + text() + " --detector quotes"),
               "unknown detector 'quotes'");
  expect_error(run("find " + model() + " --text " + text() + " --detector 'regex:(x'"),
               "invalid regular expression '(x'");
  expect_error(run("find " + model() + " --text " + text() + " --detector url --quantity reset"),
               "lstm model has no 'reset'");
}

// Without --threshold or --quantity: 0.5 (as --help says) on tanh-cell (the LSTM default).
TEST_F(InspectCli, MatchPrintsTheEngineNeuronsAndPlacesWithTheDefaultsItShows) {
  Local l = local();
  Probe probe(*l.model, l.ids);
  // A span the engine answers with chosen neurons: a neuron's first run of 4+ positions
  // >= 0.5, off before and after it.
  const Window w = probe.window(0, 600);
  MatchQuery q;
  q.quantity = Quantity::kTanhCell;
  for (int layer = 0; layer < 2 && q.end == 0; ++layer) {
    for (int u = 0; u < 16 && q.end == 0; ++u) {
      const auto& row = w.of(layer, Quantity::kTanhCell).row(u);
      for (int64_t t = 4; t + 8 < 600 && q.end == 0; ++t) {
        int64_t e = t;
        while (e < 590 && row(e) >= 0.5f) ++e;
        if (row(t - 1) < 0.5f && e - t >= 4 && e < 590) {
          q.begin = t;
          q.end = e;
        }
      }
    }
  }
  ASSERT_GT(q.end, 0);
  const MatchResult expected = match_ranges(probe, q);
  ASSERT_FALSE(expected.selected.empty()) << q.begin << ":" << q.end;
  ASSERT_TRUE(expected.best.has_value());
  const CliRun r = run("match " + model() + " --text " + text() + " --range " +
                       std::to_string(q.begin) + ":" + std::to_string(q.end));
  ASSERT_EQ(r.status, 0) << r.err;
  const std::vector<std::string> lines = lines_of(r.out);
  ASSERT_GE(lines.size(), 5u) << r.out;
  EXPECT_EQ(lines[0].rfind("selected " + std::to_string(expected.selected.size()) +
                               " neuron(s) with tanh-cell >= 0.5 inside ",
                           0),
            0u)
      << lines[0];
  for (const NeuronRef& n : expected.selected) {
    EXPECT_NE(lines[0].find(" " + std::to_string(n.layer) + ":" + std::to_string(n.neuron)),
              std::string::npos);
  }
  EXPECT_EQ(lines[1].rfind("query text: ", 0), 0u);
  EXPECT_EQ(lines[2], "best: " + std::to_string(expected.best->layer) + ":" +
                          std::to_string(expected.best->neuron));
  EXPECT_EQ(lines[3].rfind("neuron  separation", 0), 0u);
  const std::size_t shown = std::min<std::size_t>(10, expected.neurons.size());
  for (std::size_t i = 0; i < shown; ++i) {
    std::istringstream row(lines[4 + i]);
    std::string name;
    double separation;
    row >> name >> separation;
    const NeuronMatch& n = expected.neurons[i];
    EXPECT_EQ(name, std::to_string(n.ref.layer) + ":" + std::to_string(n.ref.neuron));
    EXPECT_NEAR(separation, n.separation, 1e-4);
  }
  const std::size_t places = 4 + shown;
  ASSERT_EQ(lines.size(), places + 1 + expected.matches.size()) << r.out;
  EXPECT_EQ(lines[places].rfind("rank    begin      end  score", 0), 0u);
  for (std::size_t i = 0; i < expected.matches.size(); ++i) {
    std::istringstream row(lines[places + 1 + i]);
    long long rank, begin, end;
    double score;
    row >> rank >> begin >> end >> score;
    EXPECT_EQ(rank, static_cast<long long>(i + 1));
    EXPECT_EQ(begin, expected.matches[i].begin);
    EXPECT_EQ(end, expected.matches[i].end);
    EXPECT_NEAR(score, expected.matches[i].score, 5e-4);
  }
  // The tolerances are options: no lead-in, a stricter cut.
  MatchQuery strict = q;
  strict.lead_in = 0;
  strict.off = 1;
  strict.min_separation = 1.0;
  const MatchResult strict_expected = match_ranges(probe, strict);
  const CliRun s = run("match " + model() + " --text " + text() + " --range " +
                       std::to_string(q.begin) + ":" + std::to_string(q.end) +
                       " --lead-in 0 --off 1 --min-separation 1 --threshold 0.5");
  ASSERT_EQ(s.status, 0) << s.err;
  EXPECT_EQ(s.out.rfind("selected " + std::to_string(strict_expected.selected.size()) + " ", 0),
            0u)
      << s.out;

  for (const char* bad : {"5-9", "9:5", "3:3", "a:b", "1:2:3"}) {
    expect_error(run("match " + model() + " --text " + text() + " --range " + bad), "range");
  }
  expect_error(run("match " + model() + " --text " + text() + " --range 0:100000 --threshold 0"),
               "0:100000");
  const CliRun help = run("match --help");
  EXPECT_NE(help.out.find("--threshold FLOAT=0.5"), std::string::npos) << help.out;
}

// find, match and probe read tanh-cell of an LSTM when --quantity is not given (what the
// explorer colours by), and say so.
TEST_F(InspectCli, TheDefaultQuantityIsWhatTheExplorerColoursBy) {
  const std::string common = model() + " --text " + text();
  const CliRun implicit = run("find " + common + " --detector double-quote --top 0");
  const CliRun named = run("find " + common + " --detector double-quote --top 0 --quantity tanh-cell");
  ASSERT_EQ(implicit.status, 0) << implicit.err;
  EXPECT_EQ(implicit.out, named.out);
  EXPECT_NE(implicit.err.find("quantity: tanh-cell"), std::string::npos) << implicit.err;
  const CliRun hidden = run("find " + common + " --detector double-quote --top 0 --quantity hidden");
  EXPECT_NE(implicit.out, hidden.out);

  ASSERT_EQ(run("probe " + common + " --layer 1 --out " + path("default.npy")).status, 0);
  ASSERT_EQ(run("probe " + common + " --layer 1 --quantity tanh-cell --out " + path("tc.npy")).status, 0);
  EXPECT_EQ(read_file(path("default.npy")), read_file(path("tc.npy")));
  for (const char* sub : {"probe", "find", "match"}) {
    const CliRun help = run(std::string(sub) + " --help");
    EXPECT_NE(help.out.find("default: tanh-cell for an LSTM"), std::string::npos) << sub;
  }
}

TEST_F(InspectCli, SaturationWritesOneRowPerNeuronAndQuantity) {
  const CliRun r = run("saturation " + model() + " --text " + text() + " --out " + path("sat.csv"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(fs::exists(path("sat.csv.tmp")));
  const std::vector<std::string> lines = lines_of(read_file(path("sat.csv")));
  ASSERT_EQ(lines.size(), 1u + 2 * 16 * 7);
  EXPECT_EQ(lines[0], "layer,neuron,quantity,mean,variance,left_saturated,right_saturated");
  int gates = 0;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> f = csv_fields(lines[i]);
    ASSERT_EQ(f.size(), 7u) << lines[i];
    const Quantity q = parse_quantity(f[2]);
    EXPECT_GE(std::stod(f[4]), 0.0);
    if (quantity_range(q) == QuantityRange::kUnit) {
      ++gates;
      const double left = std::stod(f[5]), right = std::stod(f[6]);
      EXPECT_TRUE(left >= 0 && right >= 0 && left + right <= 1.0) << lines[i];
      EXPECT_GT(std::stod(f[3]), 0.0);
    } else {
      EXPECT_TRUE(f[5].empty() && f[6].empty()) << lines[i];
    }
  }
  EXPECT_EQ(gates, 2 * 16 * 3);
  EXPECT_NE(r.out.find("forget"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace cellscope
