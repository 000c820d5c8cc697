#!/usr/bin/python3
"""Regenerates tests/fixtures/pytorch/: small seeded PyTorch character models and PyTorch's
own outputs on a fixed text, so the C++ suite can check the import to 1e-5 without PyTorch.

For each model NAME it writes
  NAME.safetensors           the state_dict (vocabulary in __metadata__ "vocab")
  NAME.expected.safetensors  log_probs (T x V, PyTorch's vocabulary order), h_n (L x H) and,
                             for the LSTM, c_n; metadata "text" (the input, T+1 characters)
Models: a 2-layer LSTM on one-hot input; a 2-layer GRU behind an nn.Embedding with a shuffled
vocabulary; 2-layer RNNs with tanh (nonlinearity left to the default) and relu.

    /usr/bin/python3 examples/pytorch/make_fixtures.py [--out DIR] [--cli build/app/cellscope-cli]

With --cli it also imports each model with cellscope-cli and compares `cellscope-cli eval`
with PyTorch's mean loss on the text (the C++ test compares every log-probability)."""
import argparse
import os
import random
import subprocess
import sys
import tempfile

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

TEXT = 'the cat sat on the mat.\n"hello", she said; (a, b)!\n'
HIDDEN = 8


class CharModel(nn.Module):
    """Embedding (optional) -> recurrent stack -> linear head, batch-first."""

    def __init__(self, kind, vocab_size, embed_dim=0, nonlinearity="tanh", names=("rnn", "out")):
        super().__init__()
        self.rnn_name, self.head_name = names
        input_size = embed_dim or vocab_size
        self.embed = nn.Embedding(vocab_size, embed_dim) if embed_dim else None
        if kind == "lstm":
            rnn = nn.LSTM(input_size, HIDDEN, num_layers=2, batch_first=True)
        elif kind == "gru":
            rnn = nn.GRU(input_size, HIDDEN, num_layers=2, batch_first=True)
        else:
            rnn = nn.RNN(input_size, HIDDEN, num_layers=2, nonlinearity=nonlinearity,
                         batch_first=True)
        setattr(self, self.rnn_name, rnn)
        setattr(self, self.head_name, nn.Linear(HIDDEN, vocab_size))
        self.vocab_size = vocab_size

    def forward(self, ids):
        x = self.embed(ids) if self.embed is not None else \
            nn.functional.one_hot(ids, self.vocab_size).float()
        y, state = getattr(self, self.rnn_name)(x)
        return getattr(self, self.head_name)(y), state


def build(name, seed):
    torch.manual_seed(seed)
    chars = sorted(set(TEXT))
    metadata = {}
    if name == "lstm":
        model = CharModel("lstm", len(chars), names=("lstm", "out"))
        scale = 2.5
    elif name == "gru_embedding":
        random.Random(seed).shuffle(chars)  # exercises the vocabulary permutation
        model = CharModel("gru", len(chars), embed_dim=8, names=("rnn", "decoder"))
        scale = 2.5
    elif name == "rnn_tanh":
        model = CharModel("rnn", len(chars), nonlinearity="tanh", names=("rnn", "fc"))
        scale = 2.0
    else:
        model = CharModel("rnn", len(chars), nonlinearity="relu", names=("rnn", "out"))
        metadata["nonlinearity"] = "relu"
        scale = 1.2
    with torch.no_grad():  # weights away from zero, so every gate and sign matters
        for p in model.parameters():
            p.mul_(scale)
    return model, chars, metadata


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(here, "..", "..", "tests", "fixtures", "pytorch"))
    ap.add_argument("--cli", help="cellscope-cli to cross-check with (optional)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    import json
    for seed, name in enumerate(["lstm", "gru_embedding", "rnn_tanh", "rnn_relu"], start=11):
        model, chars, metadata = build(name, seed)
        index = {c: i for i, c in enumerate(chars)}
        ids = torch.tensor([[index[c] for c in TEXT[:-1]]])
        with torch.no_grad():
            logits, state = model(ids)
            log_probs = torch.log_softmax(logits[0], dim=-1)
        expected = {"log_probs": log_probs}
        if isinstance(state, tuple):
            expected["h_n"], expected["c_n"] = state[0][:, 0, :], state[1][:, 0, :]
        else:
            expected["h_n"] = state[:, 0, :]
        metadata["vocab"] = json.dumps(chars)
        weights = {k: v for k, v in model.state_dict().items()}
        path = os.path.join(args.out, name + ".safetensors")
        safetensors_io.save_file(weights, path, metadata)
        safetensors_io.save_file(expected, os.path.join(args.out, name + ".expected.safetensors"),
                                 {"text": TEXT, "vocab": json.dumps(chars)})
        targets = torch.tensor([index[c] for c in TEXT[1:]])
        loss = -log_probs[torch.arange(len(targets)), targets].double().mean().item()
        line = f"{name}: {os.path.getsize(path)} bytes, PyTorch loss {loss:.7f} nats/char"
        if args.cli:
            with tempfile.TemporaryDirectory() as tmp:
                csm, txt = os.path.join(tmp, "m.csm"), os.path.join(tmp, "text.txt")
                with open(txt, "w", encoding="utf-8") as f:
                    f.write(TEXT)
                subprocess.run([args.cli, "import", path, "--out", csm], check=True,
                               stdout=subprocess.DEVNULL)
                out = subprocess.run([args.cli, "eval", csm, "--corpus", txt], check=True,
                                     capture_output=True, text=True).stdout
                ours = float(out.split("loss_nats=")[1].split()[0])
                line += f", cellscope-cli eval {ours:.7f}, |difference| {abs(ours - loss):.2e}"
        print(line)


if __name__ == "__main__":
    main()
