#!/usr/bin/env bash
# Hinton, Osindero & Teh (2006): a 784-500-500-2000 DBN with 10 label units in
# the top RBM, trained greedily on stochastically binarized MNIST, then
#   - classified by the label units' free energies (greedy only),
#   - fine-tuned by backprop (on the grey-level images) and by up-down,
# with the variational bound on log p(v) of the greedy DBN (top log Z by AIS)
# and class-conditional samples for every digit.
#
# Usage: bash bench/literature/dbn_run.sh [LAYER_EPOCHS] [BACKPROP_EPOCHS] [UPDOWN_EPOCHS] [OUTDIR]
# Defaults: 50 epochs per layer (Hinton & Salakhutdinov's code), 200 epochs of
# backprop, 300 of up-down, out/literature-dbn. Every step resumes where it stopped.
set -euo pipefail
cd "$(dirname "$0")/../.."
LE=${1:-50}
BE=${2:-200}
UE=${3:-300}
OUT=${4:-out/literature-dbn}
mkdir -p "$OUT"
go build -o "$OUT/belief" ./cmd/belief
B="$OUT/belief"
log() { echo "$(date +%H:%M:%S) $*"; }

log "greedy: belief train dbn -layers 500,500,2000 -labels -epochs $LE"
if [ ! -f "$OUT/greedy.done" ]; then
	resume=""; [ -f "$OUT/m.dbn" ] && resume="-resume"
	"$B" train dbn -data mnist -layers 500,500,2000 -labels -epochs "$LE" -seed 1 -o "$OUT/m.dbn" $resume >> "$OUT/greedy.log" 2>&1
	touch "$OUT/greedy.done"
fi
log "pictures"
"$B" sample -model "$OUT/m.dbn" -label all -n 100 -steps 1000 -o "$OUT/digits.png" > "$OUT/sample.log" 2>&1
"$B" sample -model "$OUT/m.dbn" -n 10 -steps 1000 -every 50 -o "$OUT/forming.png" >> "$OUT/sample.log" 2>&1
"$B" show -model "$OUT/m.dbn" -o "$OUT/filters.png" >> "$OUT/sample.log" 2>&1
log "eval greedy (label free energies, bound with AIS)"
[ -s "$OUT/greedy.json" ] || "$B" eval -model "$OUT/m.dbn" -data mnist -split test -json > "$OUT/greedy.json" 2> "$OUT/greedy.eval.log"

log "backprop: belief finetune -epochs $BE (grey-level images)"
if [ ! -f "$OUT/backprop.done" ]; then
	if [ -f "$OUT/m.mlp" ]; then
		"$B" finetune -resume -epochs "$BE" -o "$OUT/m.mlp" >> "$OUT/backprop.log" 2>&1
	else
		"$B" finetune -model "$OUT/m.dbn" -data mnist -binarize none -epochs "$BE" -seed 1 -o "$OUT/m.mlp" >> "$OUT/backprop.log" 2>&1
	fi
	touch "$OUT/backprop.done"
fi
"$B" eval -model "$OUT/m.mlp" -data mnist -split test -binarize none -json > "$OUT/backprop.json" 2>> "$OUT/backprop.log"

log "up-down: belief finetune -method updown -epochs $UE"
if [ ! -f "$OUT/updown.done" ]; then
	if [ -f "$OUT/m-updown.dbn" ]; then
		"$B" finetune -resume -epochs "$UE" -o "$OUT/m-updown.dbn" >> "$OUT/updown.log" 2>&1
	else
		"$B" finetune -model "$OUT/m.dbn" -method updown -data mnist -epochs "$UE" -seed 1 -o "$OUT/m-updown.dbn" >> "$OUT/updown.log" 2>&1
	fi
	touch "$OUT/updown.done"
fi
"$B" eval -model "$OUT/m-updown.dbn" -data mnist -split test -json > "$OUT/updown.json" 2>> "$OUT/updown.log"
log "done"
cat "$OUT"/*.json
