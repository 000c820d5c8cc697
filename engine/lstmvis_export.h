// LSTMVis export: a model's states over a text as a data folder LSTMVis (Strobelt et al.,
// github.com/HendrikStrobelt/LSTMVis) opens as it is, written through the HDF5 C library:
//   lstm.yml            name, description, files:, word_sequence:, states: (see below)
//   states_layerK.h5    per layer K (from 1, as LSTMVis counts): `cell` (LSTM only) and
//                       `hidden`, each float32 (n × H), row t = the state after character t
//   words.h5            `words`: int32 (n), the model's character id at each position
//   chars.dict          "token id" per line, one per vocabulary id (LSTMVis splits each line on
//                       whitespace, so whitespace and invisible characters are written as
//                       <space>, <newline>, <tab>, <return> or <U+XXXX>, as its authors advise)
// In lstm.yml the cell state is `type: state` and the hidden state `type: output` (the names
// LSTMVis's own get_states.lua writes); LSTMVis shows tanh of each, its default transform.
// Atomic: written into a temporary sibling folder and renamed to DIR at the end; an error or a
// cancellation removes the temporary folder and leaves DIR untouched. Memory: one chunk.
// HDF5's serial build is not thread-safe: one export at a time per process.
#pragma once

#include <string>

#include "corpus.h"
#include "probe.h"
#include "vocabulary.h"

namespace cellscope {

struct LstmVisInfo {
  std::string name;         // lstm.yml `name:`
  std::string description;  // lstm.yml `description:`
};

// One pass of `probe` over its text (`ids`, the same text). DIR must not exist, or be an empty
// folder. Returns false when `progress` cancelled (nothing written). Throws Error naming the file
// and the cause.
bool export_lstmvis(Probe& probe, const EncodedText& ids, const Vocabulary& vocab,
                    const std::string& dir, const LstmVisInfo& info,
                    const ProgressFn& progress = {});

// The .dict token of a character: the character itself (UTF-8) unless it is whitespace or
// invisible (see above).
std::string lstmvis_token(char32_t cp);

// The file names and HDF5 dataset names used above.
std::string lstmvis_layer_file(int layer);  // "states_layer1.h5" for layer 0
inline constexpr const char* kLstmVisWordsFile = "words.h5";
inline constexpr const char* kLstmVisWordsDataset = "words";
inline constexpr const char* kLstmVisDictFile = "chars.dict";

}  // namespace cellscope
