// Fused batch-1 steps. The products are Eigen's column-major GEMV (`y.noalias() += W * h`), the
// kernel gemm() picks for a one-column product, so the sums are accumulated in the same order
// as the cells' forward(). The nonlinearities run tile by tile (16 neurons, one AVX-512
// register of floats): all gates of a tile, then its state and output, while they sit in
// registers. Tiles use the same Eigen functions as the cells (sigmoid of cell.h, Eigen's tanh).
#include "batch1_cells.h"

#include <algorithm>
#include <type_traits>

namespace cellscope {
namespace {

constexpr int kTile = 16;

template <typename S>
using Col = Eigen::Map<Vec<S>>;
template <typename S>
using ConstCol = Eigen::Map<const Vec<S>>;
// A tile of n neurons: fixed-size (kTile, fully unrolled packets) or the dynamic remainder.
template <typename S, int N>
using TileOf = Eigen::Map<Eigen::Array<S, N, 1>>;
template <typename S, int N>
using ConstTileOf = Eigen::Map<const Eigen::Array<S, N, 1>>;

// Calls fn(j, n, size) for the tiles [j, j+n) of [0, H); size is an integral constant: kTile
// for full tiles, Eigen::Dynamic for the remainder.
template <typename F>
void for_tiles(int H, F&& fn) {
  int j = 0;
  for (; j + kTile <= H; j += kTile) fn(j, kTile, std::integral_constant<int, kTile>{});
  if (j < H) fn(j, H - j, std::integral_constant<int, Eigen::Dynamic>{});
}

template <typename S>
void lstm_step(const ConstMatMap<S>& Wh, int t, LayerCache<S>& cache) {
  const int H = static_cast<int>(Wh.cols());
  S* pre = cache.gates.col(t).data();  // (4H): i f o g
  Col<S>(pre, 4 * H).noalias() += Wh * ConstCol<S>(cache.h.col(t).data(), H);
  const S* c_prev = cache.c.col(t).data();
  S* c = cache.c.col(t + 1).data();
  S* tanh_c = cache.aux.col(t).data();
  S* h = cache.h.col(t + 1).data();
  for_tiles(H, [&](int j, int n, auto size) {
    constexpr int N = decltype(size)::value;
    using Tile = TileOf<S, N>;
    using ConstTile = ConstTileOf<S, N>;
    Tile i(pre + j, n), f(pre + H + j, n), o(pre + 2 * H + j, n), g(pre + 3 * H + j, n);
    i = sigmoid(i);
    f = sigmoid(f);
    o = sigmoid(o);
    g = g.tanh();
    Tile cj(c + j, n), tc(tanh_c + j, n);
    cj = f * ConstTile(c_prev + j, n) + i * g;
    tc = cj.tanh();
    Tile(h + j, n) = o * tc;
  });
}

template <typename S>
void rnn_step(const ConstMatMap<S>& Wh, int t, LayerCache<S>& cache, bool relu) {
  const int H = static_cast<int>(Wh.cols());
  S* pre = cache.gates.col(t).data();  // (H)
  Col<S>(pre, H).noalias() += Wh * ConstCol<S>(cache.h.col(t).data(), H);
  S* h = cache.h.col(t + 1).data();
  for_tiles(H, [&](int j, int n, auto size) {
    constexpr int N = decltype(size)::value;
    using Tile = TileOf<S, N>;
    Tile p(pre + j, n);
    if (relu) {
      p = p.max(S(0));
    } else {
      p = p.tanh();
    }
    Tile(h + j, n) = p;
  });
}

// Reset-before: z, r = sigmoid(pre + U_zr h); n = tanh(pre + U_n (r∘h)): two dependent GEMVs.
template <typename S>
void gru_step(const ConstMatMap<S>& Wh, int t, LayerCache<S>& cache) {
  const int H = static_cast<int>(Wh.cols());
  S* pre = cache.gates.col(t).data();  // (3H): z r n
  const S* h_prev = cache.h.col(t).data();
  Col<S>(pre, 2 * H).noalias() += Wh.topRows(2 * H) * ConstCol<S>(h_prev, H);
  S* rh = cache.aux.col(t).data();
  for_tiles(H, [&](int j, int n, auto size) {
    constexpr int N = decltype(size)::value;
    using Tile = TileOf<S, N>;
    using ConstTile = ConstTileOf<S, N>;
    Tile z(pre + j, n), r(pre + H + j, n);
    z = sigmoid(z);
    r = sigmoid(r);
    Tile(rh + j, n) = r * ConstTile(h_prev + j, n);
  });
  Col<S>(pre + 2 * H, H).noalias() += Wh.bottomRows(H) * ConstCol<S>(rh, H);
  S* h = cache.h.col(t + 1).data();
  for_tiles(H, [&](int j, int n, auto size) {
    constexpr int N = decltype(size)::value;
    using Tile = TileOf<S, N>;
    using ConstTile = ConstTileOf<S, N>;
    Tile hh(pre + 2 * H + j, n);
    hh = hh.tanh();
    const ConstTile hp(h_prev + j, n);
    Tile(h + j, n) = hp + ConstTile(pre + j, n) * (hh - hp);
  });
}

// Reset-after: a = U_n h + c_n; n = tanh(pre_n + r∘a); Wh's last column is c.
template <typename S>
void gru_reset_after_step(const ConstMatMap<S>& Wh, int t, LayerCache<S>& cache) {
  const int H = static_cast<int>(Wh.cols()) - 1;
  const auto U = Wh.leftCols(H);
  const S* c_rec = Wh.col(H).data();
  S* pre = cache.gates.col(t).data();  // (3H): z r n
  const S* h_prev = cache.h.col(t).data();
  const ConstCol<S> hp_col(h_prev, H);
  Col<S>(pre, 2 * H).noalias() += U.topRows(2 * H) * hp_col;
  S* a = cache.aux.col(t).data();
  Col<S>(a, H).noalias() = U.bottomRows(H) * hp_col;
  S* h = cache.h.col(t + 1).data();
  for_tiles(H, [&](int j, int n, auto size) {
    constexpr int N = decltype(size)::value;
    using Tile = TileOf<S, N>;
    using ConstTile = ConstTileOf<S, N>;
    Tile z(pre + j, n), r(pre + H + j, n), nn(pre + 2 * H + j, n), aj(a + j, n);
    z += ConstTile(c_rec + j, n);
    r += ConstTile(c_rec + H + j, n);
    z = sigmoid(z);
    r = sigmoid(r);
    aj += ConstTile(c_rec + 2 * H + j, n);
    nn = (nn + r * aj).tanh();
    const ConstTile hp(h_prev + j, n);
    Tile(h + j, n) = hp + z * (nn - hp);
  });
}

}  // namespace

template <typename S>
void batch1_step(const ModelConfig& config, const ConstMatMap<S>& Wh, int t,
                 LayerCache<S>& cache) {
  switch (config.cell) {
    case CellType::kLstm:
      return lstm_step(Wh, t, cache);
    case CellType::kRnn:
      return rnn_step(Wh, t, cache, config.rnn_relu);
    case CellType::kGru:
      return config.gru_reset_after ? gru_reset_after_step(Wh, t, cache) : gru_step(Wh, t, cache);
  }
}

template void batch1_step<float>(const ModelConfig&, const ConstMatMap<float>&, int,
                                 LayerCache<float>&);
template void batch1_step<double>(const ModelConfig&, const ConstMatMap<double>&, int,
                                  LayerCache<double>&);

}  // namespace cellscope
