// The proof that training, capture and search work together: a small LSTM trained for a few
// seconds on a synthetic language must grow a quote neuron and a bracket-depth neuron that
// find_neurons() finds. The language makes both worth tracking: words inside quotes are joined
// by '_' instead of ' ' (same letters, so only memory tells which comes after a word), and each
// bracket depth has its own alphabet, so the next character cannot be predicted without knowing
// "inside quotes?" and "how deep?". Deterministic: fixed seeds, one thread, fixed iterations.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <iostream>
#include <random>

#include "detectors.h"
#include "neuron_search.h"
#include "test_helpers.h"
#include "threads.h"
#include "trainer.h"
#include "utf8.h"

namespace cellscope {
namespace {

using testing_util::encode_text;

// Sentences of 2-6 items separated by spaces, ended by ". " or a newline. An item is a word, a
// quoted phrase of 3-10 words joined by '_' ("ab_cd_a"), or a bracket group ( ... ) of 1-3
// words or nested groups (depth <= 3). Words have 1-3 letters; depth d in 0..3 draws them from
// its own four-letter alphabet (quoted words from depth 0's).
std::string synthetic_language(std::size_t length, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  static const char* const kAlphabet[] = {"abcd", "efgh", "ijkl", "mnop"};
  std::string out;
  auto word = [&](const char* letters) {
    const int n = 1 + pick(3);
    for (int i = 0; i < n; ++i) out += letters[pick(4)];
  };
  // A group at `depth` (>= 1): "(" words and nested groups ")".
  std::function<void(int)> group = [&](int depth) {
    out += '(';
    const int n = 1 + pick(3);
    for (int i = 0; i < n; ++i) {
      if (i > 0) out += ' ';
      if (depth < 3 && pick(3) == 0) {
        group(depth + 1);
      } else {
        word(kAlphabet[depth]);
      }
    }
    out += ')';
  };
  while (out.size() < length) {
    const int words = 2 + pick(5);
    for (int i = 0; i < words; ++i) {
      if (i > 0) out += ' ';
      const int kind = pick(6);
      if (kind == 0) {
        out += '"';
        const int n = 3 + pick(8);
        for (int k = 0; k < n; ++k) {
          if (k > 0) out += '_';
          word(kAlphabet[0]);
        }
        out += '"';
      } else if (kind <= 2) {
        group(1);
      } else {
        word(kAlphabet[0]);
      }
    }
    out += pick(3) == 0 ? "\n" : ". ";
  }
  out.resize(length);
  return out;
}

double best_abs_correlation(Probe& probe, Quantity q, const Signal& signal, NeuronScore* best) {
  const auto scores =
      find_neurons(probe, q, signal.values, auc_threshold(signal.values, signal.binary));
  *best = scores.front();
  return std::fabs(scores.front().correlation);
}

TEST(NeuronSearchEndToEnd, TrainedLstmGrowsAQuoteNeuronAndADepthNeuron) {
  const auto start = std::chrono::steady_clock::now();
  set_thread_count(1);
  const std::string train_text = synthetic_language(60000, 1);
  const std::string probe_text = synthetic_language(20000, 2);
  const Vocabulary vocab = testing_util::vocab_of(train_text + probe_text);
  const EncodedText train = encode_text(vocab, train_text);
  const EncodedText probe_ids = encode_text(vocab, probe_text);

  ModelConfig mc;
  mc.cell = CellType::kLstm;
  mc.hidden_size = 32;
  mc.num_layers = 1;
  TrainConfig tc;
  tc.batch_size = 16;
  tc.seq_length = 64;
  tc.learning_rate = 5e-3;
  tc.max_iters = 1500;
  tc.max_epochs = 0;
  tc.eval_every = 0;
  tc.checkpoint_every = 0;
  tc.lr_decay_after = 1000;
  tc.seed = 7;
  Trainer trainer(mc, tc, vocab);
  const TrainResult r = trainer.run(train, EncodedText(), nullptr, nullptr, "");
  ASSERT_EQ(r.reason, StopReason::kMaxIters) << r.message;
  const double train_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  Probe probe(trainer.model(), probe_ids);
  const std::u32string text = utf8_decode(probe_text);
  NeuronScore quote, depth;
  const double rq =
      best_abs_correlation(probe, Quantity::kTanhCell, detect("double-quote", text), &quote);
  const double rd =
      best_abs_correlation(probe, Quantity::kTanhCell, detect("bracket-depth", text), &depth);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ measured ] quote neuron " << quote.layer << ":" << quote.neuron
            << " r = " << quote.correlation << " AUC = " << quote.auc << "; depth neuron "
            << depth.layer << ":" << depth.neuron << " r = " << depth.correlation << "; training "
            << train_seconds << " s, total " << seconds << " s\n";
  EXPECT_GE(rq, 0.9);
  EXPECT_GE(rd, 0.8);
}

}  // namespace
}  // namespace cellscope
