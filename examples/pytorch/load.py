#!/usr/bin/python3
"""Load a CellScope export (cellscope-cli export MODEL --format safetensors --out F) into a
PyTorch module with attributes `rnn` (nn.LSTM / nn.GRU / nn.RNN) and `out` (nn.Linear), by
load_state_dict, and check that it reproduces CellScope's numbers on a text:

    /usr/bin/python3 examples/pytorch/load.py model.safetensors --text some.txt \
        [--csm model.csm --cli build/app/cellscope-cli]

Input is one-hot: the rnn's input_size is the vocabulary size. With --csm and --cli it runs
`cellscope-cli probe` (top layer's hidden states) and `cellscope-cli eval` on the same text and
prints the largest differences: hidden states, next-character probabilities, mean loss."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


class CharRNN(nn.Module):
    def __init__(self, cell, vocab_size, hidden_size, num_layers, nonlinearity="tanh"):
        super().__init__()
        kinds = {"lstm": nn.LSTM, "gru": nn.GRU}
        if cell in kinds:
            self.rnn = kinds[cell](vocab_size, hidden_size, num_layers, batch_first=True)
        else:
            self.rnn = nn.RNN(vocab_size, hidden_size, num_layers, nonlinearity=nonlinearity,
                              batch_first=True)
        self.out = nn.Linear(hidden_size, vocab_size)
        self.vocab_size = vocab_size

    def forward(self, ids, state=None):
        x = nn.functional.one_hot(ids, self.vocab_size).float()
        h, state = self.rnn(x, state)
        return self.out(h), h, state


def load(path):
    """Returns (module, vocabulary list) for a CellScope export."""
    tensors, meta = safetensors_io.load_file(path)
    vocab = json.loads(meta["vocab"])
    model = CharRNN(meta["cell"], len(vocab), int(meta["hidden_size"]), int(meta["num_layers"]),
                    meta.get("nonlinearity", "tanh"))
    model.load_state_dict(tensors)  # strict: every name and shape must match
    return model.eval(), vocab


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", help="exported .safetensors")
    ap.add_argument("--text", required=True, help="UTF-8 text to read")
    ap.add_argument("--csm", help="the .csm it was exported from (to compare with)")
    ap.add_argument("--cli", help="cellscope-cli (to compare with)")
    args = ap.parse_args()
    model, vocab = load(args.model)
    with open(args.text, encoding="utf-8") as f:
        text = f.read()
    index = {c: i for i, c in enumerate(vocab)}
    missing = sorted({c for c in text if c not in index})
    if missing:
        sys.exit(f"{args.text}: characters not in the vocabulary: {missing!r}")
    ids = torch.tensor([[index[c] for c in text]])
    with torch.no_grad():
        logits, hidden, _ = model(ids)
        probs = torch.softmax(logits[0].double(), dim=-1)
        loss = -torch.log(probs[torch.arange(len(text) - 1), ids[0, 1:]]).mean().item()
    print(f"PyTorch: {len(text) - 1} predictions, loss {loss:.7f} nats/char")
    if not (args.csm and args.cli):
        return
    layers = int(model.rnn.num_layers)
    with tempfile.TemporaryDirectory() as tmp:
        npy = os.path.join(tmp, "h.npy")
        subprocess.run([args.cli, "probe", args.csm, "--text", args.text, "--layer",
                        str(layers - 1), "--quantity", "hidden", "--out", npy], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ours_h = torch.from_numpy(np.load(npy)).double()
        out = subprocess.run([args.cli, "eval", args.csm, "--corpus", args.text], check=True,
                             capture_output=True, text=True).stdout
    ours_loss = float(out.split("loss_nats=")[1].split()[0])
    with torch.no_grad():
        ours_probs = torch.softmax(model.out.double()(ours_h), dim=-1)
    print(f"max |h_cellscope - h_pytorch|           {(ours_h - hidden[0].double()).abs().max():.2e}")
    print(f"max |p_cellscope - p_pytorch| (next char) {(ours_probs - probs).abs().max():.2e}")
    print(f"|loss cellscope-cli eval - PyTorch|     {abs(ours_loss - loss):.2e}"
          f"  ({ours_loss:.7f} vs {loss:.7f})")


if __name__ == "__main__":
    main()
