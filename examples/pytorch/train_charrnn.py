#!/usr/bin/python3
"""Train a character-level LSTM / GRU / RNN in PyTorch and save it for CellScope.

One process (CPU or one GPU):
    /usr/bin/python3 examples/pytorch/train_charrnn.py --data input.txt --out model.safetensors
N processes on this machine, DistributedDataParallel over gloo (CPU):
    /usr/bin/python3 examples/pytorch/train_charrnn.py --procs 2 --data input.txt --out model.safetensors
A GPU cluster (torchrun sets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT; nccl):
    torchrun --nnodes 2 --nproc-per-node 8 --rdzv-endpoint HOST:29500 \
        examples/pytorch/train_charrnn.py --data input.txt --out model.safetensors
Then:  cellscope-cli import model.safetensors --out model.csm

The text is cut into a training part and a held-out tail (--val-frac). Every process reads
--batch contiguous streams of its own share of the training part, in chunks of --seq
characters, carrying the state from chunk to chunk (as char-rnn does); gradients are averaged
by DDP, clipped by global norm, and applied by Adam. At the end the first process reads the
held-out tail once, as one stream from a zero state, prints that loss in nats/char (what
`cellscope-cli eval model.csm --corpus HELDOUT` computes) and writes the state_dict as
safetensors, the vocabulary in __metadata__ "vocab" (a JSON array of the characters in index
order)."""
import argparse
import json
import math
import os
import socket
import sys
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn
from torch.nn.parallel import DistributedDataParallel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


class CharRNN(nn.Module):
    """[nn.Embedding or one-hot] -> rnn (nn.LSTM / nn.GRU / nn.RNN) -> out (nn.Linear)."""

    def __init__(self, cell, vocab_size, hidden, layers, embed_dim=0, nonlinearity="tanh",
                 dropout=0.0):
        super().__init__()
        self.vocab_size = vocab_size
        self.embed = nn.Embedding(vocab_size, embed_dim) if embed_dim else None
        size = embed_dim or vocab_size
        if cell == "lstm":
            self.rnn = nn.LSTM(size, hidden, layers, dropout=dropout, batch_first=True)
        elif cell == "gru":
            self.rnn = nn.GRU(size, hidden, layers, dropout=dropout, batch_first=True)
        else:
            self.rnn = nn.RNN(size, hidden, layers, nonlinearity=nonlinearity, dropout=dropout,
                              batch_first=True)
        self.out = nn.Linear(hidden, vocab_size)

    def forward(self, ids, state=None):  # ids: (B, T) -> logits (B, T, V), state
        x = self.embed(ids) if self.embed is not None else \
            nn.functional.one_hot(ids, self.vocab_size).float()
        h, state = self.rnn(x, state)
        return self.out(h), state


def detach(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def read_text(args):
    with open(args.data, encoding="utf-8", newline="") as f:
        text = f.read(args.max_chars) if args.max_chars > 0 else f.read()
    cut = int(len(text) * (1.0 - args.val_frac))
    return text, text[:cut], text[cut:]


def held_out_loss(model, ids, device, chunk=1000):
    """Mean cross-entropy (nats/char) reading `ids` once, in order, from a zero state."""
    model.eval()
    total, state = 0.0, None
    with torch.no_grad():
        for start in range(0, len(ids) - 1, chunk):
            x = ids[start:start + chunk + 1].to(device)
            logits, state = model(x[:-1].unsqueeze(0), state)
            total += nn.functional.cross_entropy(logits[0].double(), x[1:], reduction="sum").item()
    model.train()
    return total / (len(ids) - 1)


def train(rank, world, args, device):
    distributed = world > 1
    torch.manual_seed(args.seed)  # the same initial weights everywhere (DDP also broadcasts)
    text, train_text, held_out = read_text(args)
    vocab = sorted(set(text))
    index = {c: i for i, c in enumerate(vocab)}
    ids = torch.tensor([index[c] for c in train_text], dtype=torch.long)

    # This process's streams: --batch contiguous slices of its share of the training text.
    B, T = args.batch, args.seq
    stream_len = (len(ids) - 1) // (world * B)
    steps_per_epoch = stream_len // T
    if steps_per_epoch < 1:
        sys.exit(f"{args.data}: too little text for {world} x {B} streams of {T} characters")
    starts = [(rank * B + b) * stream_len for b in range(B)]

    model = CharRNN(args.cell, len(vocab), args.hidden, args.layers, args.embed,
                    args.nonlinearity, args.dropout).to(device)
    ddp = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda"
                                  else None) if distributed else model
    optimizer = torch.optim.Adam(ddp.parameters(), lr=args.lr)
    if rank == 0:
        params = sum(p.numel() for p in model.parameters())
        print(f"{args.cell} {args.layers}x{args.hidden}, vocabulary {len(vocab)}, {params} "
              f"parameters; {world} process(es) x {B} streams, {steps_per_epoch} steps/epoch, "
              f"device {device}", flush=True)

    state, step, began = None, 0, time.time()
    for epoch in range(args.epochs):
        state = None  # each epoch starts the streams from a zero state
        for s in range(steps_per_epoch):
            rows = [ids[p + s * T: p + s * T + T + 1] for p in starts]
            batch = torch.stack(rows).to(device)  # (B, T+1)
            logits, state = ddp(batch[:, :-1], state)
            state = detach(state)
            loss = nn.functional.cross_entropy(logits.reshape(-1, len(vocab)),
                                               batch[:, 1:].reshape(-1))
            optimizer.zero_grad()
            loss.backward()  # DDP averages the gradients over processes here
            nn.utils.clip_grad_norm_(ddp.parameters(), args.clip)
            optimizer.step()
            step += 1
            if rank == 0 and (step % args.print_every == 0 or s == steps_per_epoch - 1):
                rate = step * B * T * world / (time.time() - began)
                print(f"epoch {epoch + 1} step {step} loss {loss.item():.4f} "
                      f"({rate:,.0f} chars/s)", flush=True)

    if rank == 0:
        held = torch.tensor([index[c] for c in held_out if c in index], dtype=torch.long)
        if len(held) >= 2:
            print(f"held-out loss {held_out_loss(model, held, device):.6f} nats/char "
                  f"({len(held) - 1} predictions)", flush=True)
        if args.held_out_file:
            with open(args.held_out_file, "w", encoding="utf-8", newline="") as f:
                f.write("".join(c for c in held_out if c in index))
        metadata = {"vocab": json.dumps(vocab), "cell": args.cell,
                    "nonlinearity": args.nonlinearity, "source": "examples/pytorch/train_charrnn.py"}
        weights = {k: v.float() for k, v in model.state_dict().items()}
        safetensors_io.save_file(weights, args.out, metadata)
        print(f"wrote {args.out}", flush=True)


def spawned(rank, world, port, args):
    """One of --procs N processes on this machine (gloo over TCP on localhost)."""
    torch.set_num_threads(max(1, (os.cpu_count() or 1) // world))
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", world_size=world,
                            rank=rank)
    try:
        train(rank, world, args, torch.device("cpu"))
    finally:
        dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n", 1)[1])
    ap.add_argument("--data", required=True, help="UTF-8 text file")
    ap.add_argument("--max-chars", type=int, default=0, help="read only the first N characters")
    ap.add_argument("--val-frac", type=float, default=0.1, help="held-out tail of the text")
    ap.add_argument("--held-out-file", help="write the held-out text here (for cellscope-cli eval)")
    ap.add_argument("--cell", choices=["lstm", "gru", "rnn"], default="lstm")
    ap.add_argument("--nonlinearity", choices=["tanh", "relu"], default="tanh", help="rnn only")
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--embed", type=int, default=0, help="nn.Embedding size (0: one-hot input)")
    ap.add_argument("--dropout", type=float, default=0.0)
    ap.add_argument("--seq", type=int, default=50, help="characters per chunk (BPTT length)")
    ap.add_argument("--batch", type=int, default=32, help="streams per process")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--clip", type=float, default=5.0, help="global gradient-norm clip")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=123)
    ap.add_argument("--print-every", type=int, default=50)
    ap.add_argument("--procs", type=int, default=1, help="spawn N processes (DDP over gloo)")
    ap.add_argument("--out", required=True, help="output .safetensors")
    args = ap.parse_args()

    if "RANK" in os.environ and "WORLD_SIZE" in os.environ:  # launched by torchrun
        rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
        local = int(os.environ.get("LOCAL_RANK", 0))
        cuda = torch.cuda.is_available()
        if cuda:
            torch.cuda.set_device(local)
        dist.init_process_group("nccl" if cuda else "gloo", init_method="env://")
        try:
            train(rank, world, args, torch.device("cuda", local) if cuda else torch.device("cpu"))
        finally:
            dist.destroy_process_group()
    elif args.procs > 1:
        mp.spawn(spawned, args=(args.procs, free_port(), args), nprocs=args.procs, join=True)
    else:
        train(0, 1, args, torch.device("cuda" if torch.cuda.is_available() else "cpu"))


if __name__ == "__main__":
    main()
