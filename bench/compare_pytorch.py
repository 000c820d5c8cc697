#!/usr/bin/python3
"""Side-by-side training speed: CellScope vs PyTorch on the char-rnn setup.

For each configuration, trains the same LSTM (one-hot input, Adam, gradient clipping, state
carried between chunks) with Debian's python3-torch and with `cellscope-cli bench`, on the same
machine in the same run, and prints chars/s and the ratio. Not part of the test suite.

    sudo apt-get install python3-torch libopenblas0-pthread   # PyTorch 1.13 + a real BLAS
    /usr/bin/python3 bench/compare_pytorch.py [--cli build/app/cellscope-cli] [--threads 2]
"""
import argparse
import subprocess
import sys
import time

CONFIGS = [  # (layers, hidden, seq, batch)
    (2, 128, 50, 50),
    (2, 512, 100, 64),
    (3, 512, 100, 64),
]
VOCAB = 65


def torch_chars_per_sec(layers, hidden, seq, batch, threads, min_seconds):
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(VOCAB, hidden, layers)
    head = torch.nn.Linear(hidden, VOCAB)
    params = list(lstm.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=2e-3)
    ids = torch.randint(0, VOCAB, (seq + 1, batch))
    x = F.one_hot(ids[:-1], VOCAB).float()
    y = ids[1:]
    state = None

    def step():
        nonlocal state
        out, state = lstm(x, state)
        state = tuple(s.detach() for s in state)
        loss = F.cross_entropy(head(out).reshape(-1, VOCAB), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 5.0)
        opt.step()

    step()
    n, t0 = 0, time.perf_counter()
    while n < 3 or time.perf_counter() - t0 < min_seconds:
        step()
        n += 1
    return seq * batch * n / (time.perf_counter() - t0)


def cellscope_bench(cli, layers, hidden, seq, batch, threads, min_seconds):
    out = subprocess.run(
        [cli, "bench", "--model", "lstm", "--num-layers", str(layers), "--rnn-size", str(hidden),
         "--seq-length", str(seq), "--batch-size", str(batch), "--threads", str(threads),
         "--vocab", str(VOCAB), "--min-seconds", str(min_seconds), "--iters", "3"],
        check=True, capture_output=True, text=True).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", default="build/app/cellscope-cli")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--min-seconds", type=float, default=5.0)
    args = ap.parse_args()
    try:
        import torch  # noqa: F401
    except ImportError:
        sys.exit("PyTorch is missing: sudo apt-get install python3-torch (and run /usr/bin/python3)")
    print(f"{'config':<28}{'pytorch c/s':>12}{'cellscope c/s':>15}{'ratio':>8}"
          f"{'cs GFLOP/s':>12}{'sgemm GFLOP/s':>15}")
    for layers, hidden, seq, batch in CONFIGS:
        torch_cps = torch_chars_per_sec(layers, hidden, seq, batch, args.threads, args.min_seconds)
        cs = cellscope_bench(args.cli, layers, hidden, seq, batch, args.threads, args.min_seconds)
        cs_cps = float(cs["train_chars_per_sec"])
        name = f"LSTM {layers}x{hidden} seq {seq} batch {batch}"
        print(f"{name:<28}{torch_cps:>12,.0f}{cs_cps:>15,.0f}{cs_cps / torch_cps:>7.1f}x"
              f"{float(cs['train_gflops']):>12.1f}{float(cs['sgemm_gflops']):>15.1f}", flush=True)


if __name__ == "__main__":
    main()
