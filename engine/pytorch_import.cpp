// safetensors state_dict -> ModelFile. Order of work: classify every key (recurrent layer,
// head, embedding; anything else is refused), check every shape, read the vocabulary, then
// fill the model's flat buffer through its named views, permuting gates (pytorch_gate_map)
// and characters (ours are sorted by code point) in one pass. Sums and the embedding fold are
// computed in double and rounded once.
#include "pytorch_import.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "error.h"
#include "gru_cell.h"
#include "model.h"
#include "utf8.h"

namespace cellscope {

std::vector<GateSource> pytorch_gate_map(CellType cell) {
  switch (cell) {
    case CellType::kLstm:
      return {{0, 1.0f}, {1, 1.0f}, {3, 1.0f}, {2, 1.0f}};
    case CellType::kGru:
      return {{1, -1.0f}, {0, 1.0f}, {2, 1.0f}};
    case CellType::kRnn:
      return {{0, 1.0f}};
  }
  return {{0, 1.0f}};
}

std::vector<char32_t> parse_vocab_json(const std::string& json_text, const std::string& source) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(source + ": vocabulary is not valid JSON (" + e.what() + ")");
  }
  if (!j.is_array()) throw Error(source + ": vocabulary is not a JSON array of characters");
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_string()) throw Error(source + ": vocabulary entry " + std::to_string(i) + " is not a string");
    std::u32string cps;
    try {
      cps = utf8_decode(j[i].get<std::string>(), false, source);
    } catch (const std::exception& e) {
      throw Error(source + ": vocabulary entry " + std::to_string(i) + ": " + e.what());
    }
    if (cps.size() != 1) {
      throw Error(source + ": vocabulary entry " + std::to_string(i) + " holds " +
                  std::to_string(cps.size()) + " characters (one per entry)");
    }
    if (std::find(out.begin(), out.end(), cps[0]) != out.end()) {
      throw Error(source + ": vocabulary character " + format_code_point(cps[0]) + " repeats (entry " +
                  std::to_string(i) + ")");
    }
    out.push_back(cps[0]);
  }
  if (out.empty()) throw Error(source + ": vocabulary is empty");
  return out;
}

std::string vocab_to_json(const std::vector<char32_t>& vocab) {
  nlohmann::json j = nlohmann::json::array();
  for (char32_t cp : vocab) j.push_back(utf8_encode(std::u32string(1, cp)));
  return j.dump();
}

namespace {

// A tensor read as a row-major matrix (a vector is one column).
struct Matrix {
  int64_t rows = 0, cols = 0;
  std::vector<float> v;
  double at(int64_t r, int64_t c) const { return v[static_cast<std::size_t>(r * cols + c)]; }
};

std::string shape_text(const std::vector<int64_t>& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

class Reader {
 public:
  explicit Reader(const SafetensorsFile& st) : st_(st) {}
  [[noreturn]] void fail(const std::string& key, const std::string& why) const {
    throw Error(st_.path() + ": tensor '" + key + "': " + why);
  }
  // rows × cols (cols < 0: a vector of `rows`); -1 for rows accepts any.
  void check_shape(const SafeTensor& t, int64_t rows, int64_t cols, const std::string& role) const {
    const bool vector = cols < 0;
    const std::vector<int64_t> want = vector ? std::vector<int64_t>{rows}
                                             : std::vector<int64_t>{rows, cols};
    if (t.shape.size() != want.size() || t.shape[0] != rows || (!vector && t.shape[1] != cols)) {
      fail(t.name, "shape " + shape_text(t.shape) + ", expected " + shape_text(want) + " (" +
                       role + ")");
    }
  }
  Matrix get(const SafeTensor& t, int64_t rows, int64_t cols, const std::string& role) const {
    check_shape(t, rows, cols, role);
    const bool vector = cols < 0;
    Matrix m;
    m.rows = rows;
    m.cols = vector ? 1 : cols;
    m.v = st_.floats(t);
    for (float x : m.v) {
      if (!std::isfinite(x)) fail(t.name, "holds a non-finite value (NaN or infinity)");
    }
    return m;
  }

 private:
  const SafetensorsFile& st_;
};

// The limits of a .csm model (checkpoint.cpp), checked before anything is allocated.
constexpr int kMaxLayers = 64;
constexpr int64_t kMaxHidden = 16384;
constexpr std::size_t kMaxKeyBytes = 1024;

struct LayerKeys {
  const SafeTensor* w_ih = nullptr;
  const SafeTensor* w_hh = nullptr;
  const SafeTensor* b_ih = nullptr;
  const SafeTensor* b_hh = nullptr;
};

}  // namespace

ImportedModel import_pytorch(const SafetensorsFile& st, const ImportOptions& options) {
  const std::string& path = st.path();
  const Reader reader(st);
  ImportedModel result;

  // 1. Classify the keys of the recurrent module.
  static const std::regex rec_key(R"(^(.*)(weight|bias)_(ih|hh|hr)_l([0-9]+)(_reverse)?$)");
  std::map<int, LayerKeys> layers;
  std::string prefix;
  bool have_prefix = false;
  std::vector<const SafeTensor*> others;
  for (const SafeTensor& t : st.tensors()) {
    // std::regex recurses per character: a hostile name must not exhaust the stack.
    if (t.name.size() > kMaxKeyBytes) {
      throw Error(path + ": a tensor name of " + std::to_string(t.name.size()) +
                  " bytes (state_dict keys have at most " + std::to_string(kMaxKeyBytes) + ")");
    }
    std::smatch m;
    if (!std::regex_match(t.name, m, rec_key)) {
      others.push_back(&t);
      continue;
    }
    if (m[5].matched) {
      reader.fail(t.name, "bidirectional recurrent layers cannot be mapped (CellScope's layers "
                          "read left to right only)");
    }
    if (m[3] == "hr") {
      reader.fail(t.name, "an LSTM with proj_size cannot be mapped (CellScope's h is not projected)");
    }
    if (have_prefix && m[1] != prefix) {
      reader.fail(t.name, "a second recurrent module (prefix '" + m[1].str() + "' besides '" +
                              prefix + "'); CellScope maps one stack");
    }
    prefix = m[1];
    have_prefix = true;
    if (m[4].length() > 4) reader.fail(t.name, "layer number out of range");
    LayerKeys& lk = layers[std::stoi(m[4])];
    const bool weight = m[2] == "weight", ih = m[3] == "ih";
    (weight ? (ih ? lk.w_ih : lk.w_hh) : (ih ? lk.b_ih : lk.b_hh)) = &t;
  }
  if (layers.empty()) {
    throw Error(path + ": no recurrent layer (no '<prefix>weight_ih_l0' key of an nn.LSTM, nn.GRU "
                       "or nn.RNN)");
  }
  const int L = static_cast<int>(layers.size());
  if (L > kMaxLayers) {
    throw Error(path + ": " + std::to_string(L) + " recurrent layers (a CellScope model has at most " +
                std::to_string(kMaxLayers) + ")");
  }
  bool any_bias = false;
  for (int l = 0; l < L; ++l) {
    const std::string k = prefix + "weight_ih_l" + std::to_string(l);
    auto it = layers.find(l);
    if (it == layers.end()) throw Error(path + ": tensor '" + k + "' is missing (layers are not numbered 0.." + std::to_string(L - 1) + ")");
    if (!it->second.w_ih) throw Error(path + ": tensor '" + k + "' is missing");
    if (!it->second.w_hh) {
      throw Error(path + ": tensor '" + prefix + "weight_hh_l" + std::to_string(l) + "' is missing");
    }
    any_bias = any_bias || it->second.b_ih || it->second.b_hh;
  }
  for (int l = 0; l < L && any_bias; ++l) {  // bias=False drops all four; otherwise all needed
    const LayerKeys& lk = layers[l];
    for (const char* which : {"ih", "hh"}) {
      if (!(std::string(which) == "ih" ? lk.b_ih : lk.b_hh)) {
        throw Error(path + ": tensor '" + prefix + "bias_" + which + "_l" + std::to_string(l) +
                    "' is missing (the other layers have biases)");
      }
    }
  }

  // 2. The cell and sizes from layer 0's recurrent matrix (G·H × H).
  const SafeTensor& whh0 = *layers[0].w_hh;
  if (whh0.shape.size() != 2 || whh0.shape[1] < 1 || whh0.shape[0] % whh0.shape[1] != 0) {
    reader.fail(whh0.name, "shape " + shape_text(whh0.shape) + " is not (G·H × H)");
  }
  const int64_t G = whh0.shape[0] / whh0.shape[1];
  const int64_t H = whh0.shape[1];
  if (G != 1 && G != 3 && G != 4) {
    reader.fail(whh0.name, "shape " + shape_text(whh0.shape) + ": " + std::to_string(G) +
                               " gate blocks is none of RNN (1), GRU (3), LSTM (4)");
  }
  if (H > kMaxHidden) {
    reader.fail(whh0.name, "hidden size " + std::to_string(H) + " is out of range (a CellScope "
                           "model has at most " + std::to_string(kMaxHidden) + ")");
  }
  ModelConfig config;
  config.cell = G == 4 ? CellType::kLstm : G == 3 ? CellType::kGru : CellType::kRnn;
  config.hidden_size = static_cast<int32_t>(H);
  config.num_layers = L;
  config.gru_reset_after = config.cell == CellType::kGru;  // PyTorch's GRU is always reset-after
  if (config.cell == CellType::kRnn) {
    std::string nl = options.nonlinearity;
    std::string from = "--nonlinearity";
    if (nl.empty() && st.metadata().count("nonlinearity")) {
      nl = st.metadata().at("nonlinearity");
      from = "the file's metadata";
    }
    if (nl.empty()) {
      nl = "tanh";
      from = "nn.RNN's default; none given";
    }
    if (nl != "tanh" && nl != "relu") {
      throw Error(path + ": nonlinearity '" + nl + "' (" + from + ") is neither tanh nor relu");
    }
    config.rnn_relu = nl == "relu";
    result.notes.push_back("nn.RNN nonlinearity: " + nl + " (" + from + ")");
  }
  const SafeTensor& wih0 = *layers[0].w_ih;
  if (wih0.shape.size() != 2 || wih0.shape[0] != G * H || wih0.shape[1] < 1) {
    reader.fail(wih0.name, "shape " + shape_text(wih0.shape) + ", expected [" +
                               std::to_string(G * H) + ", input size]");
  }
  const int64_t D0 = wih0.shape[1];

  // 3. The head (a 2-D weight of H columns with a bias) and an optional embedding (a 2-D
  // weight of D0 columns without one). Anything else is a module CellScope has no place for.
  const SafeTensor* head_w = nullptr;
  const SafeTensor* head_b = nullptr;
  const SafeTensor* embed = nullptr;
  for (const SafeTensor* t : others) {
    const std::string& n = t->name;
    const bool is_weight = n.size() >= 6 && n.compare(n.size() - 6, 6, "weight") == 0;
    const bool is_bias = n.size() >= 4 && n.compare(n.size() - 4, 4, "bias") == 0;
    if (is_bias) {
      const SafeTensor* w = st.find(n.substr(0, n.size() - 4) + "weight");
      if (w && w->shape.size() == 2 && w->shape[1] == H) continue;  // the head's, checked below
    }
    if (is_weight && t->shape.size() == 2) {
      const SafeTensor* b = st.find(n.substr(0, n.size() - 6) + "bias");
      if (b && t->shape[1] == H) {
        if (head_w) {
          reader.fail(n, "a second output head (besides '" + head_w->name + "'); expected one nn.Linear");
        }
        head_w = t;
        head_b = b;
        continue;
      }
      if (!b && t->shape[1] == D0) {
        if (embed) reader.fail(n, "a second embedding (besides '" + embed->name + "')");
        embed = t;
        continue;
      }
    }
    reader.fail(n, "shape " + shape_text(t->shape) + " is not part of the recurrent layers, an "
                   "nn.Embedding (V × " + std::to_string(D0) + ") or an nn.Linear head (V × " +
                   std::to_string(H) + " and bias); layer norm and other modules cannot be mapped");
  }
  if (!head_w) {
    throw Error(path + ": no output head: expected an nn.Linear's '<name>.weight' (V × " +
                std::to_string(H) + ") and '<name>.bias' (V)");
  }
  const int64_t V = head_w->shape[0];
  if (V < 1 || V > (1 << 21)) reader.fail(head_w->name, "vocabulary size " + std::to_string(V) + " is absurd");
  config.vocab_size = static_cast<int32_t>(V);
  const Matrix Wy = reader.get(*head_w, V, H, "output head weight, V × H");
  const Matrix by = reader.get(*head_b, V, -1, "output head bias, V");
  if (!embed && D0 != V) {
    reader.fail(wih0.name, "input size " + std::to_string(D0) + " but the head '" + head_w->name +
                               "' predicts " + std::to_string(V) + " characters: one-hot input needs " +
                               std::to_string(V) + " columns (or an nn.Embedding in front)");
  }
  if (embed && embed->shape[0] != V) {
    reader.fail(embed->name, "embedding of " + std::to_string(embed->shape[0]) +
                                 " characters but the head predicts " + std::to_string(V));
  }

  // 4. The vocabulary, PyTorch's index order; ours is sorted, perm[j] = PyTorch's index of our j.
  std::vector<char32_t> pt_vocab;
  if (!options.vocab_json.empty()) {
    pt_vocab = parse_vocab_json(options.vocab_json, options.vocab_source);
  } else if (st.metadata().count("vocab")) {
    pt_vocab = parse_vocab_json(st.metadata().at("vocab"), path + ": __metadata__ 'vocab'");
  } else {
    throw Error(path + ": no vocabulary: the file's __metadata__ has no 'vocab' (a JSON array of "
                       "the characters in index order); give one with --vocab FILE");
  }
  if (static_cast<int64_t>(pt_vocab.size()) != V) {
    throw Error(path + ": the vocabulary has " + std::to_string(pt_vocab.size()) +
                " characters but the head '" + head_w->name + "' predicts " + std::to_string(V));
  }
  std::vector<int64_t> perm(static_cast<std::size_t>(V));
  for (int64_t i = 0; i < V; ++i) perm[static_cast<std::size_t>(i)] = i;
  std::sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) {
    return pt_vocab[static_cast<std::size_t>(a)] < pt_vocab[static_cast<std::size_t>(b)];
  });

  // 5. Every layer's shapes before the model is built: a header may name layers whose tensors
  // are empty, and no memory is spent on a model the file does not hold.
  for (int l = 0; l < L; ++l) {
    const LayerKeys& lk = layers[l];
    reader.check_shape(*lk.w_ih, G * H, l == 0 ? D0 : H, "input weights, G·H × input size");
    reader.check_shape(*lk.w_hh, G * H, H, "recurrent weights, G·H × H");
    if (any_bias) {
      reader.check_shape(*lk.b_ih, G * H, -1, "input bias, G·H");
      reader.check_shape(*lk.b_hh, G * H, -1, "recurrent bias, G·H");
    }
  }
  if (embed) reader.check_shape(*embed, V, D0, "embedding, V × E");

  // 6. Fill the model's parameters through its named views.
  Model<float> model(config);
  auto view = [&](const std::string& name) {
    return model.params().view(model.layout().block(model.layout().find(name)));
  };
  const std::vector<GateSource> gates = pytorch_gate_map(config.cell);
  for (int l = 0; l < L; ++l) {
    const LayerKeys& lk = layers[l];
    const int64_t D = l == 0 ? D0 : H;
    Matrix Wi = reader.get(*lk.w_ih, G * H, D, "input weights, G·H × input size");
    const Matrix Wr = reader.get(*lk.w_hh, G * H, H, "recurrent weights, G·H × H");
    Matrix bi{G * H, 1, std::vector<float>(static_cast<std::size_t>(G * H), 0.0f)};
    Matrix br = bi;
    if (any_bias) {
      bi = reader.get(*lk.b_ih, G * H, -1, "input bias, G·H");
      br = reader.get(*lk.b_hh, G * H, -1, "recurrent bias, G·H");
    }
    if (l == 0 && embed) {  // fold: Wx = W_ih · Eᵀ, one column per character
      const Matrix E = reader.get(*embed, V, D0, "embedding, V × E");
      Matrix folded{G * H, V, std::vector<float>(static_cast<std::size_t>(G * H * V))};
      for (int64_t r = 0; r < G * H; ++r) {
        for (int64_t v = 0; v < V; ++v) {
          double s = 0.0;
          for (int64_t e = 0; e < D0; ++e) s += Wi.at(r, e) * E.at(v, e);
          folded.v[static_cast<std::size_t>(r * V + v)] = static_cast<float>(s);
        }
      }
      Wi = std::move(folded);
      result.notes.push_back("nn.Embedding '" + embed->name + "' (" + std::to_string(V) + " × " +
                             std::to_string(D0) + ") folded into layer 0's input matrix (W_ih · Eᵀ, " +
                             std::to_string(V) + " columns)");
    }
    auto Wx = view("l" + std::to_string(l) + ".Wx");
    auto Wh = view("l" + std::to_string(l) + ".Wh");
    auto b = view("l" + std::to_string(l) + ".b");
    for (int64_t k = 0; k < G; ++k) {
      const GateSource g = gates[static_cast<std::size_t>(k)];
      for (int64_t i = 0; i < H; ++i) {
        const int64_t ours = k * H + i, theirs = g.source * H + i;
        for (int64_t j = 0; j < Wx.cols(); ++j) {
          const int64_t src_col = l == 0 ? perm[static_cast<std::size_t>(j)] : j;
          Wx(ours, j) = g.sign * static_cast<float>(Wi.at(theirs, src_col));
        }
        for (int64_t j = 0; j < H; ++j) Wh(ours, j) = g.sign * static_cast<float>(Wr.at(theirs, j));
        if (config.gru_reset_after) {
          b(ours, 0) = g.sign * static_cast<float>(bi.at(theirs, 0));
          Wh(ours, H) = g.sign * static_cast<float>(br.at(theirs, 0));
        } else {
          b(ours, 0) = g.sign * static_cast<float>(bi.at(theirs, 0) + br.at(theirs, 0));
        }
      }
    }
  }
  auto out_W = view("out.W");
  auto out_b = view("out.b");
  for (int64_t j = 0; j < V; ++j) {
    const int64_t src = perm[static_cast<std::size_t>(j)];
    for (int64_t c = 0; c < H; ++c) out_W(j, c) = static_cast<float>(Wy.at(src, c));
    out_b(j, 0) = static_cast<float>(by.at(src, 0));
  }

  result.file.model = config;
  result.file.vocabulary = pt_vocab;
  std::sort(result.file.vocabulary.begin(), result.file.vocabulary.end());
  result.file.parameters = model.params().to_vector();
  return result;
}

}  // namespace cellscope
