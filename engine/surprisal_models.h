// ScoringModel: anything that scores a text character by character — a .csm network or an
// n-gram file, told apart by the file's magic — behind one call, so eval, probe's surprisal,
// compare and the explorer treat both alike. Texts come as code points, since each model has its
// own vocabulary: a network reads an unknown character as its fallback character (vocabulary.h),
// the n-gram as its unknown symbol (ngram.h). Scores follow surprisal.h's convention.
#pragma once

#include <memory>
#include <string>

#include "checkpoint.h"
#include "model.h"
#include "ngram.h"
#include "surprisal.h"

namespace cellscope {

class ScoringModel {
 public:
  // Reads `path`; throws Error naming it and the cause.
  static std::unique_ptr<ScoringModel> load(const std::string& path);
  // Wraps models already in memory (the explorer's); `network` must outlive this one.
  static std::unique_ptr<ScoringModel> of_network(Model<float>& network, const Vocabulary& vocab,
                                                  std::string name);
  static std::unique_ptr<ScoringModel> of_ngram(NgramModel ngram, std::string name);

  bool is_ngram() const { return ngram_ != nullptr; }
  const std::string& name() const { return name_; }  // the path, or the name given
  std::string description() const;                   // "lstm 2x256" or "8-gram (Kneser-Ney)"
  const Vocabulary& vocabulary() const { return vocab_; }
  Model<float>* network() { return network_; }  // null for an n-gram
  const NgramModel* ngram() const { return ngram_.get(); }

  // Per-character scores of `text`. with_entropy = false lets the n-gram skip its full
  // distributions (a network computes both anyway). *unknown (optional): characters outside the
  // vocabulary. Empty when `progress` cancelled. Throws Error for an empty text.
  CharScores score(const std::u32string& text, bool with_entropy, const ProgressFn& progress = {},
                   int64_t* unknown = nullptr);

 private:
  ScoringModel() = default;
  std::string name_;
  Vocabulary vocab_;
  std::unique_ptr<Model<float>> owned_network_;
  Model<float>* network_ = nullptr;
  std::unique_ptr<NgramModel> ngram_;
};

}  // namespace cellscope
