#!/usr/bin/env bash
# make_cli_doc.sh: writes docs/cli.md — every cellscope-cli command with an example run on the
# bundled model and demo text, and the output it really printed (nothing typed by hand).
#   bash scripts/make_cli_doc.sh [path/to/cellscope-cli]     (default: build/app/cellscope-cli)
set -euo pipefail
cd "$(dirname "$0")/.."
CLI=${1:-build/app/cellscope-cli}
[ -x "$CLI" ] || { echo "make_cli_doc: no $CLI (build first)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
MODEL=resources/models/linux.csm
TEXT=resources/demo/ring_buffer.c
OUT=docs/cli.md

# A small corpus of our own for the commands that train or count (a few seconds each).
for i in $(seq 1 300); do
  echo "if (x$i > 0) { /* note $i */ y = \"value $i\"; }"
done > "$work/tiny.c"

doc() {  # doc "what it does" command...  — runs it from the repository root, keeps 25 lines
  local title=$1; shift
  {
    echo
    echo "### $title"
    echo
    echo '```sh'
    { printf 'cellscope-cli'
      for arg in "$@"; do
        if [[ $arg =~ [[:space:]] ]]; then printf ' "%s"' "$arg"; else printf ' %s' "$arg"; fi
      done
      echo; } | sed "s|$work/|/tmp/|g"
    echo '```'
    echo '```text'
    "$CLI" "$@" 2>&1 | sed "s|$work/|/tmp/|g" | tr '\r' '\n' | grep -v '^\s*$' | head -n 25
    echo '```'
  } >> "$OUT.tmp"
}

cat > "$OUT.tmp" <<'HEAD'
# cellscope-cli, command by command

Each example below was run on the bundled Linux-kernel model (`resources/models/linux.csm`)
and our demo C file (`resources/demo/ring_buffer.c`), or on a small C-like text the script
writes; the output is what the command printed (cut at 25 lines). Regenerate with
`bash scripts/make_cli_doc.sh`. Every command has `--help` with all its options; the man page
(`man cellscope-cli`, installed by `cmake --install`) holds them all.
HEAD

doc "info: what a model file holds" info "$MODEL"
doc "eval: loss on a text (nats and bits per character)" eval "$MODEL" --corpus "$TEXT"
doc "sample: generate text" sample "$MODEL" --prime "static int " --length 300 --temperature 0.6 --seed 3
doc "find: rank every neuron against a detector" find "$MODEL" --text "$TEXT" --detector c-comment --top 5
doc "match: LSTMVis-style, the neurons on through a span" match "$MODEL" --text "$TEXT" --range 835:872 --top 5
doc "probe: one neuron per character as CSV" probe "$MODEL" --text "$TEXT" --layer 0 --neuron 239 --out "$work/n239.csv"
head -n 6 "$work/n239.csv" | sed 's/^/    /' >> "$OUT.tmp"
doc "probe: surprisal per character" probe "$MODEL" --text "$TEXT" --quantity surprisal --out "$work/s.csv"
doc "probe: an LSTMVis project" probe "$MODEL" --text "$TEXT" --format lstmvis --out "$work/lstmvis"
doc "saturation: gate saturation per neuron" saturation "$MODEL" --text "$TEXT" --out "$work/sat.csv"
doc "train: a small model for 200 iterations, watching two detectors" train --corpus "$work/tiny.c" --out "$work/tiny.csm" --rnn-size 32 --num-layers 1 --seq-length 32 --batch-size 8 --max-iters 200 --max-epochs 0 --eval-every 100 --checkpoint-every 0 --watch c-comment,if-condition --watch-every 100 --seed 1 --threads 1
doc "info --watch: the watched neurons, one line per record" info "$work/tiny.csm" --watch
doc "export: weights only, or safetensors for PyTorch" export "$work/tiny.csm" --format safetensors --out "$work/tiny.safetensors"
doc "import: a PyTorch state_dict in safetensors" import "$work/tiny.safetensors" --out "$work/back.csm"
# The n-gram counts the demo's first 150 lines; compare reads the rest (held out from it).
head -n 150 "$TEXT" > "$work/first.c"
tail -n +151 "$TEXT" > "$work/rest.c"
doc "ngram: a Kneser-Ney baseline" ngram --corpus "$work/first.c" --order 5 --out "$work/first5.ngram"
doc "compare: two models on one text, by detector" compare "$MODEL" "$work/first5.ngram" --text "$work/rest.c"
doc "saliency: what one prediction depends on" saliency "$MODEL" --text "$TEXT" --position 2000 --window 50 --out "$work/sal.csv"
head -n 6 "$work/sal.csv" | sed 's/^/    /' >> "$OUT.tmp"
doc "bench: speed on synthetic data" bench --model lstm --rnn-size 128 --num-layers 2 --seq-length 50 --batch-size 32 --iters 5 --min-seconds 1
mv "$OUT.tmp" "$OUT"
echo "wrote $OUT"
