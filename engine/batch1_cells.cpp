// Fused batch-1 steps. The products are Eigen's column-major GEMV (`y.noalias() += W * h`), the
// kernel gemm() picks for a one-column product, so the sums are accumulated in the same order
// as the cells' forward(). The nonlinearities run tile by tile (16 neurons, one AVX-512
// register of floats): all gates of a tile, then its state and output, while they sit in
// registers. Tiles use the same Eigen functions as the cells (sigmoid of cell.h, Eigen's tanh).
// A split step (batch1_finish_part) only runs the nonlinearities of some neurons on sums made
// elsewhere; with the first neuron a multiple of 16 its tiles are those of the whole pass.
#include "batch1_cells.h"

#include <algorithm>
#include <type_traits>

#include "error.h"

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

// Calls fn(j, n, size) for the tiles [j, j+n) of [j0, j1); size is an integral constant: kTile
// for full tiles, Eigen::Dynamic for the remainder. With j0 a multiple of kTile the tiles are
// those of [0, H), so a part computes its neurons exactly as the whole pass does.
template <typename F>
void for_tiles(int j0, int j1, F&& fn) {
  int j = j0;
  for (; j + kTile <= j1; j += kTile) fn(j, kTile, std::integral_constant<int, kTile>{});
  if (j < j1) fn(j, j1 - j, std::integral_constant<int, Eigen::Dynamic>{});
}

// y[g·H + n0, g·H + n1) += W rows · x for the gates g in [g0, g1): one GEMV when the part is
// all neurons (the rows are contiguous), else one per gate.
template <typename S, typename X>
void add_gate_rows(const ConstMatMap<S>& W, int H, int g0, int g1, int n0, int n1, const X& x,
                   S* y) {
  if (n0 == 0 && n1 == H) {
    Col<S>(y + g0 * H, (g1 - g0) * H).noalias() += W.middleRows(g0 * H, (g1 - g0) * H) * x;
    return;
  }
  for (int g = g0; g < g1; ++g) {
    Col<S>(y + g * H + n0, n1 - n0).noalias() += W.middleRows(g * H + n0, n1 - n0) * x;
  }
}

template <typename S>
void lstm_step(const ConstMatMap<S>* Wh, int H, int t, LayerCache<S>& cache, int n0, int n1) {
  S* pre = cache.gates.col(t).data();  // (4H): i f o g
  if (Wh) add_gate_rows(*Wh, H, 0, 4, n0, n1, ConstCol<S>(cache.h.col(t).data(), H), pre);
  const S* c_prev = cache.c.col(t).data();
  S* c = cache.c.col(t + 1).data();
  S* tanh_c = cache.aux.col(t).data();
  S* h = cache.h.col(t + 1).data();
  for_tiles(n0, n1, [&](int j, int n, auto size) {
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
void rnn_step(const ConstMatMap<S>* Wh, int H, int t, LayerCache<S>& cache, bool relu, int n0,
              int n1) {
  S* pre = cache.gates.col(t).data();  // (H)
  if (Wh) add_gate_rows(*Wh, H, 0, 1, n0, n1, ConstCol<S>(cache.h.col(t).data(), H), pre);
  S* h = cache.h.col(t + 1).data();
  for_tiles(n0, n1, [&](int j, int n, auto size) {
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
void gru_step(const ConstMatMap<S>& Wh, int t, LayerCache<S>& cache, int n0, int n1) {
  const int H = static_cast<int>(Wh.cols());
  S* pre = cache.gates.col(t).data();  // (3H): z r n
  const S* h_prev = cache.h.col(t).data();
  add_gate_rows(Wh, H, 0, 2, n0, n1, ConstCol<S>(h_prev, H), pre);
  S* rh = cache.aux.col(t).data();
  for_tiles(n0, n1, [&](int j, int n, auto size) {
    constexpr int N = decltype(size)::value;
    using Tile = TileOf<S, N>;
    using ConstTile = ConstTileOf<S, N>;
    Tile z(pre + j, n), r(pre + H + j, n);
    z = sigmoid(z);
    r = sigmoid(r);
    Tile(rh + j, n) = r * ConstTile(h_prev + j, n);
  });
  add_gate_rows(Wh, H, 2, 3, n0, n1, ConstCol<S>(rh, H), pre);
  S* h = cache.h.col(t + 1).data();
  for_tiles(n0, n1, [&](int j, int n, auto size) {
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
void gru_reset_after_step(const ConstMatMap<S>& Wh, int t, LayerCache<S>& cache, int n0, int n1) {
  const int H = static_cast<int>(Wh.cols()) - 1;
  const ConstMatMap<S> U(Wh.data(), Wh.rows(), H);  // Wh's first H columns (same stride)
  const S* c_rec = Wh.col(H).data();
  S* pre = cache.gates.col(t).data();  // (3H): z r n
  const S* h_prev = cache.h.col(t).data();
  const ConstCol<S> hp_col(h_prev, H);
  add_gate_rows(U, H, 0, 2, n0, n1, hp_col, pre);
  S* a = cache.aux.col(t).data();
  Col<S>(a + n0, n1 - n0).noalias() = U.middleRows(2 * H + n0, n1 - n0) * hp_col;
  S* h = cache.h.col(t + 1).data();
  for_tiles(n0, n1, [&](int j, int n, auto size) {
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
void batch1_step(const ModelConfig& config, const ConstMatMap<S>& Wh, int t, LayerCache<S>& cache) {
  const int H = config.hidden_size;
  switch (config.cell) {
    case CellType::kLstm:
      return lstm_step(&Wh, H, t, cache, 0, H);
    case CellType::kRnn:
      return rnn_step(&Wh, H, t, cache, config.rnn_relu, 0, H);
    case CellType::kGru:
      return config.gru_reset_after ? gru_reset_after_step(Wh, t, cache, 0, H)
                                    : gru_step(Wh, t, cache, 0, H);
  }
}

template <typename S>
void batch1_finish_part(const ModelConfig& config, int t, LayerCache<S>& cache, int n0, int n1) {
  const int H = config.hidden_size;
  if (config.cell == CellType::kLstm) {
    lstm_step<S>(nullptr, H, t, cache, n0, n1);
  } else if (config.cell == CellType::kRnn) {
    rnn_step<S>(nullptr, H, t, cache, config.rnn_relu, n0, n1);
  } else {
    throw Error("batch1_finish_part: a GRU step has two dependent products");
  }
}

template void batch1_step<float>(const ModelConfig&, const ConstMatMap<float>&, int,
                                 LayerCache<float>&);
template void batch1_step<double>(const ModelConfig&, const ConstMatMap<double>&, int,
                                  LayerCache<double>&);
template void batch1_finish_part<float>(const ModelConfig&, int, LayerCache<float>&, int, int);
template void batch1_finish_part<double>(const ModelConfig&, int, LayerCache<double>&, int, int);

}  // namespace cellscope
