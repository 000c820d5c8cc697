// ScoringModel: the two kinds of model behind one scoring call. Invariant: the scores have one
// value per code point of the given text, whatever the model's vocabulary.
#include "surprisal_models.h"

#include "error.h"
#include "trainer.h"

namespace cellscope {

std::unique_ptr<ScoringModel> ScoringModel::load(const std::string& path) {
  if (is_ngram_file(path)) return of_ngram(load_ngram_file(path), path);
  const ModelFile file = load_model_file(path);
  std::unique_ptr<ScoringModel> m(new ScoringModel());
  m->name_ = path;
  m->vocab_ = Vocabulary(file.vocabulary);
  m->owned_network_ = model_from_file(file, path);
  m->network_ = m->owned_network_.get();
  return m;
}

std::unique_ptr<ScoringModel> ScoringModel::of_network(Model<float>& network,
                                                       const Vocabulary& vocab, std::string name) {
  std::unique_ptr<ScoringModel> m(new ScoringModel());
  m->name_ = std::move(name);
  m->vocab_ = vocab;
  m->network_ = &network;
  return m;
}

std::unique_ptr<ScoringModel> ScoringModel::of_ngram(NgramModel ngram, std::string name) {
  std::unique_ptr<ScoringModel> m(new ScoringModel());
  m->name_ = std::move(name);
  m->vocab_ = ngram.vocabulary();
  m->ngram_ = std::make_unique<NgramModel>(std::move(ngram));
  return m;
}

std::string ScoringModel::description() const {
  if (ngram_) return std::to_string(ngram_->order()) + "-gram (Kneser-Ney)";
  const ModelConfig& c = network_->config();
  return to_string(c.cell) + " " + std::to_string(c.num_layers) + "x" +
         std::to_string(c.hidden_size);
}

CharScores ScoringModel::score(const std::u32string& text, bool with_entropy,
                               const ProgressFn& progress, int64_t* unknown) {
  if (text.empty()) throw Error("the text to score is empty");
  if (ngram_) return ngram_->score(ngram_->encode(text, unknown), with_entropy, progress);
  EncodedText ids(vocab_.size(), text.size());
  const int fallback = vocab_.fallback_id();
  int64_t missing = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int id = vocab_.id_of(text[i]);
    ids.set(i, id >= 0 ? id : fallback);
    missing += id < 0;
  }
  if (unknown) *unknown = missing;
  Probe probe(*network_, ids);
  return score_text(probe, ids, progress);
}

}  // namespace cellscope
