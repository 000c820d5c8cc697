#!/usr/bin/env bash
# train_prose_model.sh: retrains the bundled prose model resources/models/foldoc.csm from
# ../shared/data/foldoc.txt (FOLDOC, see ../shared/data/README.md; not in this repository).
# Reproducible: training is bit-exact for a given seed and thread count on the same machine kind,
# so keep --seed, --threads and --max-iters as they are. Stopping by iterations (not by
# --max-seconds) is what makes it so. The last 5% of the corpus (--val-frac default) is held out.
#   bash scripts/train_prose_model.sh            uses build/app/cellscope-cli
#   CELLSCOPE_CLI=path/to/cellscope-cli bash scripts/train_prose_model.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CLI=${CELLSCOPE_CLI:-build/app/cellscope-cli}
CORPUS=${FOLDOC:-../shared/data/foldoc.txt}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/prose-model.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

[ -x "$CLI" ] || { echo "train_prose_model: no cellscope-cli at $CLI (build it first)" >&2; exit 1; }
[ -f "$CORPUS" ] || { echo "train_prose_model: no corpus at $CORPUS" >&2; exit 1; }

"$CLI" train --corpus "$CORPUS" --out "$WORK/foldoc-full.csm" \
    --rnn-size 256 --num-layers 2 --seq-length 100 --max-iters 6000 --max-epochs 0 \
    --eval-every 500 --checkpoint-every 500 --sample-every 3000 --seed 7 --threads 2 \
    --learning-rate 0.002
# Weights only: drops the Adam moments and the carried batch state (about a third of the size).
"$CLI" export "$WORK/foldoc-full.csm" --out resources/models/foldoc.csm
echo "wrote resources/models/foldoc.csm"
