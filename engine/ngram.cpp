// Interpolated Kneser-Ney over characters. With c_n the raw counts (n = N) or continuation
// counts N1+(• g) (n < N), for a context h of length n-1 seen as a context (total > 0):
//   p_n(w | h) = max(c_n(h w) - D_n, 0) / total(h) + D_n · types(h) / total(h) · p_{n-1}(w | h')
// with h' = h minus its first id, p_0 = uniform over V + 1 symbols; an unseen context passes
// p_{n-1} through (and so does every longer one). total(h) = Σ_w c_n(h w) and types(h) =
// #{w : c_n(h w) > 0} are counted alongside, so every p_n sums to 1 exactly (up to rounding).
#include "ngram.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "error.h"
#include "utf8.h"

namespace cellscope {

namespace {

constexpr double kMaxLoad = 0.7;

uint64_t mix64(uint64_t x) {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace

uint64_t ngram_key_extend(uint64_t key_of_rest, int32_t id) {
  const uint64_t k = mix64(
      key_of_rest + 0x9e3779b97f4a7c15ULL * (static_cast<uint64_t>(static_cast<uint32_t>(id)) + 1));
  return k == 0 ? 1 : k;
}

// ---- NgramTable ------------------------------------------------------------------------------

void NgramTable::rehash(std::size_t capacity) {
  std::vector<uint64_t> old_keys(capacity, 0);
  std::vector<Counts> old_counts(capacity);
  old_keys.swap(keys_);
  old_counts.swap(counts_);
  const std::size_t mask = capacity - 1;
  for (std::size_t i = 0; i < old_keys.size(); ++i) {
    if (old_keys[i] == 0) continue;
    std::size_t s = static_cast<std::size_t>(old_keys[i]) & mask;
    while (keys_[s] != 0) s = (s + 1) & mask;
    keys_[s] = old_keys[i];
    counts_[s] = old_counts[i];
  }
}

void NgramTable::reserve(std::size_t entries) {
  std::size_t capacity = 16;
  while (static_cast<double>(entries) > kMaxLoad * static_cast<double>(capacity)) capacity *= 2;
  if (capacity > keys_.size()) rehash(capacity);
}

NgramTable::Counts& NgramTable::find_or_insert(uint64_t key, bool* inserted) {
  if (static_cast<double>(size_ + 1) > kMaxLoad * static_cast<double>(keys_.size())) {
    rehash(keys_.size() * 2);
  }
  const std::size_t mask = keys_.size() - 1;
  std::size_t s = static_cast<std::size_t>(key) & mask;
  while (keys_[s] != 0 && keys_[s] != key) s = (s + 1) & mask;
  *inserted = keys_[s] == 0;
  if (*inserted) {
    keys_[s] = key;
    ++size_;
  }
  return counts_[s];
}

const NgramTable::Counts* NgramTable::find(uint64_t key) const {
  const std::size_t mask = keys_.size() - 1;
  std::size_t s = static_cast<std::size_t>(key) & mask;
  while (keys_[s] != 0) {
    if (keys_[s] == key) return &counts_[s];
    s = (s + 1) & mask;
  }
  return nullptr;
}

void NgramTable::for_each(const std::function<void(uint64_t, const Counts&)>& fn) const {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] != 0) fn(keys_[i], counts_[i]);
  }
}

// ---- building --------------------------------------------------------------------------------

NgramModel NgramModel::build(const Vocabulary& vocab, const EncodedText& text, int order,
                             const std::function<bool(double)>& progress) {
  if (order < 1 || order > kMaxOrder) {
    throw Error("n-gram order " + std::to_string(order) + " is out of range (1.." +
                std::to_string(kMaxOrder) + ")");
  }
  const int64_t n = static_cast<int64_t>(text.size());
  if (n < 2) throw Error("the corpus is too short for an n-gram model (needs 2 characters)");
  if (n > int64_t{std::numeric_limits<uint32_t>::max()}) {
    throw Error("the corpus is too large for an n-gram model (at most 4 G characters)");
  }
  NgramModel m;
  m.vocab_ = vocab;
  m.order_ = order;
  m.corpus_chars_ = n;
  m.tables_.assign(static_cast<std::size_t>(order) + 1, NgramTable());
  const std::size_t N = static_cast<std::size_t>(order);
  // keys[k]: the k-gram ending at the current position; prev[k]: ending at the previous one.
  std::vector<uint64_t> keys(N + 1, kNgramEmptyKey), prev(N + 1, kNgramEmptyKey);
  std::vector<char> fresh(N + 2, 0);  // fresh[k]: the k-gram ending here was new
  bool inserted;
  m.tables_[0].find_or_insert(kNgramEmptyKey, &inserted);
  for (int64_t i = 0; i < n; ++i) {
    const std::size_t longest = static_cast<std::size_t>(std::min<int64_t>(order, i + 1));
    for (std::size_t k = 1; k <= longest; ++k) {
      keys[k] = ngram_key_extend(keys[k - 1], text[static_cast<std::size_t>(i + 1 - int64_t(k))]);
    }
    fresh[longest + 1] = 0;
    for (std::size_t k = longest; k >= 1; --k) {
      NgramTable::Counts& g = m.tables_[k].find_or_insert(keys[k], &inserted);
      fresh[k] = inserted;
      // The raw count at the top order; below, one per distinct left extension (fresh k+1).
      const bool counts = k == N || fresh[k + 1];
      if (!counts) continue;
      ++g.count;
      NgramTable::Counts& ctx = m.tables_[k - 1].find_or_insert(prev[k - 1], &inserted);
      ++ctx.total;
      if (g.count == 1) ++ctx.types;
    }
    std::swap(keys, prev);
    keys[0] = kNgramEmptyKey;
    if (progress && (i & 0xFFFF) == 0xFFFF && !progress(static_cast<double>(i + 1) / n)) {
      return NgramModel();
    }
  }
  if (progress) progress(1.0);
  m.discounts_.assign(N + 1, 0.5);
  for (std::size_t k = 1; k <= N; ++k) {
    double n1 = 0, n2 = 0;
    m.tables_[k].for_each([&](uint64_t, const NgramTable::Counts& c) {
      n1 += c.count == 1;
      n2 += c.count == 2;
    });
    if (n1 > 0 && n2 > 0) m.discounts_[k] = n1 / (n1 + 2 * n2);
  }
  return m;
}

std::size_t NgramModel::grams() const {
  std::size_t total = 0;
  for (const auto& t : tables_) total += t.size();
  return total;
}

std::size_t NgramModel::memory_bytes() const {
  std::size_t total = 0;
  for (const auto& t : tables_) total += t.memory_bytes();
  return total;
}

std::vector<int32_t> NgramModel::encode(std::u32string_view text, int64_t* unknown) const {
  std::vector<int32_t> ids(text.size());
  int64_t missing = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int id = vocab_.id_of(text[i]);
    ids[i] = id >= 0 ? id : unknown_id();
    missing += id < 0;
  }
  if (unknown) *unknown = missing;
  return ids;
}

// ---- querying --------------------------------------------------------------------------------

double NgramModel::probability(const int32_t* history, int64_t length, int32_t next) const {
  double p = 1.0 / static_cast<double>(symbols());
  uint64_t ctx_key = kNgramEmptyKey;  // the context h of order n: last n-1 ids
  uint64_t gram_key = ngram_key_extend(kNgramEmptyKey, next);  // h·next
  bool seen = next < vocab_size();  // an unseen gram stays unseen at longer orders
  for (int n = 1; n <= order_; ++n) {
    if (n > 1) {
      if (n - 1 > length) break;
      const int32_t id = history[length - (n - 1)];
      ctx_key = ngram_key_extend(ctx_key, id);
      gram_key = ngram_key_extend(gram_key, id);
    }
    const NgramTable::Counts* ctx = tables_[static_cast<std::size_t>(n - 1)].find(ctx_key);
    if (ctx == nullptr || ctx->total == 0) break;
    const double D = discounts_[static_cast<std::size_t>(n)];
    const double total = ctx->total;
    double c = 0.0;
    if (seen) {
      const NgramTable::Counts* g = tables_[static_cast<std::size_t>(n)].find(gram_key);
      c = g ? g->count : 0.0;
      seen = c > 0;
    }
    p = D * ctx->types / total * p + std::max(c - D, 0.0) / total;
  }
  return p;
}

void NgramModel::distribution(const int32_t* history, int64_t length,
                              std::vector<double>* probs) const {
  const int S = symbols();
  probs->assign(static_cast<std::size_t>(S), 1.0 / S);
  std::vector<int32_t> followers(static_cast<std::size_t>(vocab_size()));
  for (int v = 0; v < vocab_size(); ++v) followers[static_cast<std::size_t>(v)] = v;
  std::vector<int32_t> next_followers;
  std::vector<double> counts;
  uint64_t ctx_key = kNgramEmptyKey;
  for (int n = 1; n <= order_ && !followers.empty(); ++n) {
    if (n - 1 > length) break;
    if (n > 1) ctx_key = ngram_key_extend(ctx_key, history[length - (n - 1)]);
    const NgramTable::Counts* ctx = tables_[static_cast<std::size_t>(n - 1)].find(ctx_key);
    if (ctx == nullptr || ctx->total == 0) break;
    const double D = discounts_[static_cast<std::size_t>(n)];
    const double total = ctx->total;
    next_followers.clear();
    counts.clear();
    for (int32_t w : followers) {  // only grams seen at order n-1 can be seen at order n
      uint64_t key = ngram_key_extend(kNgramEmptyKey, w);
      for (int j = 1; j < n; ++j) key = ngram_key_extend(key, history[length - j]);
      const NgramTable::Counts* g = tables_[static_cast<std::size_t>(n)].find(key);
      if (g != nullptr && g->count > 0) {
        next_followers.push_back(w);
        counts.push_back(g->count);
      }
    }
    const double gamma = D * ctx->types / total;
    for (double& p : *probs) p *= gamma;
    for (std::size_t j = 0; j < next_followers.size(); ++j) {
      (*probs)[static_cast<std::size_t>(next_followers[j])] += std::max(counts[j] - D, 0.0) / total;
    }
    followers.swap(next_followers);
  }
}

CharScores NgramModel::score(const std::vector<int32_t>& ids, bool with_entropy,
                             const std::function<bool(double)>& progress) const {
  const int64_t n = static_cast<int64_t>(ids.size());
  CharScores out = empty_scores(n);
  std::vector<double> probs;
  for (int64_t p = 1; p < n; ++p) {
    const int64_t from = std::max<int64_t>(0, p - (order_ - 1));
    const int32_t* history = ids.data() + from;
    const int64_t length = p - from;
    const int32_t next = ids[static_cast<std::size_t>(p)];
    if (with_entropy) {
      distribution(history, length, &probs);
      double h = 0.0;
      for (double q : probs) h -= q > 0 ? q * std::log(q) : 0.0;
      out.entropy[static_cast<std::size_t>(p)] = static_cast<float>(h);
      out.surprisal[static_cast<std::size_t>(p)] =
          static_cast<float>(-std::log(probs[static_cast<std::size_t>(next)]));
    } else {
      out.surprisal[static_cast<std::size_t>(p)] =
          static_cast<float>(-std::log(probability(history, length, next)));
    }
    if (progress && (p & 0x3FFF) == 0 && !progress(static_cast<double>(p) / n)) return {};
  }
  if (progress) progress(1.0);
  return out;
}

// ---- sampling --------------------------------------------------------------------------------

std::string NgramModel::generate(std::string_view prime, int64_t length,
                                 const SampleOptions& options,
                                 const std::function<bool(std::string_view)>& on_char) const {
  std::vector<int32_t> history;
  const int newline = vocab_.id_of(U'\n');
  if (newline >= 0) history.push_back(newline);
  const std::vector<int32_t> primed = encode(utf8_decode(std::string(prime), true));
  history.insert(history.end(), primed.begin(), primed.end());
  std::mt19937_64 rng(options.seed);
  std::vector<double> probs, weights(static_cast<std::size_t>(vocab_size()));
  std::vector<int32_t> order(weights.size());
  std::string out;
  for (int64_t i = 0; i < length; ++i) {
    const int64_t from = std::max<int64_t>(0, static_cast<int64_t>(history.size()) - (order_ - 1));
    distribution(history.data() + from, static_cast<int64_t>(history.size()) - from, &probs);
    // Drop the unknown symbol; temperature as the sampler: p^(1/τ), renormalised by the draw.
    for (std::size_t v = 0; v < weights.size(); ++v) {
      weights[v] = options.argmax ? probs[v] : std::pow(probs[v], 1.0 / options.temperature);
    }
    int32_t next = 0;
    if (options.argmax) {
      next =
          static_cast<int32_t>(std::max_element(weights.begin(), weights.end()) - weights.begin());
    } else {
      if (options.top_k > 0 && options.top_k < vocab_size()) {
        for (std::size_t v = 0; v < order.size(); ++v) order[v] = static_cast<int32_t>(v);
        std::nth_element(order.begin(), order.begin() + options.top_k, order.end(),
                         [&](int32_t a, int32_t b) { return weights[a] > weights[b]; });
        for (auto it = order.begin() + options.top_k; it != order.end(); ++it) weights[*it] = 0;
      }
      std::discrete_distribution<int32_t> draw(weights.begin(), weights.end());
      next = draw(rng);
    }
    history.push_back(next);
    const std::string ch = vocab_.decode(next);
    out += ch;
    if (on_char && !on_char(ch)) break;
  }
  return out;
}

}  // namespace cellscope
