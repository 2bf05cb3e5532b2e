#!/usr/bin/env bash
# Hinton, Osindero & Teh (2006): a 784-500-500-2000 deep belief net with 10
# label units in the top RBM, trained greedily on MNIST, then fine-tuned
# generatively (up-down) and discriminatively (backprop), with the
# variational bound on log p(v) (Salakhutdinov & Murray 2008; top log Z by
# AIS) and class-conditional samples for every digit.
#
# Two stacks, each with the recipe that suits its use:
#   gen/   the generative stack, for the bound on log p(v): every RBM
#          trained by CD-25 on real-valued activities (the grey levels, then
#          the probabilities of the layer below), learning rate 0.01,
#          momentum 0.5 then 0.9, weight cost 0.0002 -- the recipe of the
#          best RBM in the RBM table (grey levels: -88.4 nats, against -99.4
#          for CD-25 on the binarized images, which it overfits). The bound
#          is measured on the binarized test images. Classified by the label
#          units' free energies, bound, samples.
#   disc/  the stack of Hinton & Salakhutdinov's classifier code, which is
#          also Hinton, Osindero & Teh's greedy recipe (real-valued
#          activities: the grey levels, then the probabilities of the layer
#          below): CD-1, learning rate 0.1, momentum 0.5 then 0.9, weight
#          cost 0.0002; then backprop (SGD, learning rate 0.1, momentum 0.9;
#          the output layer alone for the first 6 epochs, as their code
#          does), plain and with dropout (Hinton et al. 2012: each hidden
#          unit dropped with probability 0.5).
#   ud/    the disc recipe with CD-3 instead of CD-1 in the top RBM, whose
#          label units then classify far better (2.1-2.3% against 3.5% after
#          greedy training, see BENCHMARKS.md), then up-down fine-tuning
#          (learning rate 0.01) with the paper's schedule of Gibbs steps in
#          the top RBM: 3 for the first third of the epochs, then 6, then 10;
#          its error, samples and bound.
#
# Usage: bash bench/literature/dbn_run.sh [LAYER_EPOCHS] [BACKPROP_EPOCHS] [UPDOWN_EPOCHS] [OUTDIR]
# Defaults: 50 epochs per layer (Hinton & Salakhutdinov's code), 100 epochs
# of each backprop, 300 of up-down (the paper's), out/literature-dbn. In the
# environment, AIS_RUNS (default 1000) sets the AIS runs of the bounds and
# STACKS (default "gen disc ud") which stacks to build. Every step resumes
# where it stopped (rerun the same command); each step's output is in
# OUTDIR/{gen,disc,ud}/*.log and its figures in *.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
LE=${1:-50}
BE=${2:-100}
UE=${3:-300}
OUT=${4:-out/literature-dbn}
AIS_RUNS=${AIS_RUNS:-1000}
STACKS=${STACKS:-gen disc ud}
mkdir -p "$OUT/gen" "$OUT/disc" "$OUT/ud"
go build -o "$OUT/belief" ./cmd/belief
B="$(cd "$OUT" && pwd)/belief"
log() { echo "$(date +%H:%M:%S) $*"; }

# greedy DIR FLAGS...: the greedy stack DIR/m.dbn, resumed if it exists.
greedy() {
	local d=$1; shift
	if [ ! -f "$d/greedy.done" ]; then
		if [ -f "$d/m.dbn" ]; then
			"$B" train dbn -resume -o "$d/m.dbn" >> "$d/greedy.log" 2>&1
		else
			"$B" train dbn -data mnist -layers 500,500,2000 -labels -epochs "$LE" -seed 1 -o "$d/m.dbn" "$@" >> "$d/greedy.log" 2>&1
		fi
		touch "$d/greedy.done"
	fi
}

# pictures MODEL PREFIX: class-conditional samples (one row per digit, 1000
# Gibbs steps in the top RBM from noise) and ten free-running chains.
pictures() {
	"$B" sample -model "$1" -label all -n 100 -steps 1000 -o "$2-digits.png" > "$2-sample.log" 2>&1
	"$B" sample -model "$1" -n 10 -steps 1000 -every 50 -o "$2-forming.png" >> "$2-sample.log" 2>&1
}

# evaluate MODEL JSON: test error by the label units' free energies and the
# bound on log p(v) with the top RBM's log Z by AIS (14,501 temperatures,
# AIS_RUNS runs).
evaluate() {
	[ -s "$2" ] || "$B" eval -model "$1" -data mnist -split test -ais-runs "$AIS_RUNS" -json > "$2" 2> "${2%.json}.eval.log"
}

G="$OUT/gen"
if [[ " $STACKS " == *" gen "* ]]; then
log "gen: greedy, CD-25, learning rate 0.01, grey-level images, $LE epochs per layer"
greedy "$G" -binarize none -method cd -k 25 -lr 0.01
"$B" show -model "$G/m.dbn" -o "$G/filters.png" > /dev/null 2>&1
pictures "$G/m.dbn" "$G/greedy"
log "gen: eval greedy"
evaluate "$G/m.dbn" "$G/greedy.json"

fi
D="$OUT/disc"
if [[ " $STACKS " == *" disc "* ]]; then
log "disc: greedy, CD-1, learning rate 0.1, grey-level images, $LE epochs per layer"
greedy "$D" -binarize none
# backprop NAME FLAGS...: fine-tune the disc stack into DIR/NAME.mlp.
backprop() {
	local name=$1; shift
	if [ ! -f "$D/$name.done" ]; then
		if [ -f "$D/$name.mlp" ]; then
			"$B" finetune -resume -epochs "$BE" -o "$D/$name.mlp" >> "$D/$name.log" 2>&1
		else
			"$B" finetune -model "$D/m.dbn" -data mnist -binarize none -epochs "$BE" -top-epochs 6 -seed 1 -o "$D/$name.mlp" "$@" >> "$D/$name.log" 2>&1
		fi
		touch "$D/$name.done"
	fi
	"$B" eval -model "$D/$name.mlp" -data mnist -split test -binarize none -json > "$D/$name.json" 2>> "$D/$name.log"
}
log "disc: backprop, $BE epochs"
backprop backprop
log "disc: backprop with dropout 0.5, $BE epochs"
backprop dropout -dropout 0.5

fi
UD="$OUT/ud"
if [[ " $STACKS " == *" ud "* ]]; then
log "ud: greedy, CD-1, CD-1 then CD-3 in the top RBM, learning rate 0.1, grey-level images, $LE epochs per layer"
greedy "$UD" -binarize none -k 1,1,3
# classify: the test error on the grey-level images the stack was trained on,
# after one mean-field up pass and averaged over 20 stochastic up passes
classify() {
	[ -s "$2.json" ] || "$B" eval -model "$1" -data mnist -split test -binarize none -bound-samples 0 -json > "$2.json" 2> "$2.eval.log"
	[ -s "$2-up20.json" ] || "$B" eval -model "$1" -data mnist -split test -binarize none -bound-samples 0 -up-samples 20 -json > "$2-up20.json" 2>> "$2.eval.log"
}
classify "$UD/m.dbn" "$UD/greedy"
pictures "$UD/m.dbn" "$UD/greedy"
log "ud: up-down, $UE epochs, 3, 6 then 10 Gibbs steps in the top RBM"
U="$UD/m-updown.dbn"
if [ ! -f "$UD/updown.done" ]; then
	for i in 1 2 3; do
		k=$(( i == 1 ? 3 : i == 2 ? 6 : 10 ))
		e=$(( UE * i / 3 > 0 ? UE * i / 3 : 1 ))
		if [ -f "$U" ]; then
			"$B" finetune -resume -epochs "$e" -k "$k" -o "$U" >> "$UD/updown.log" 2>&1
		else
			"$B" finetune -model "$UD/m.dbn" -method updown -data mnist -binarize none -epochs "$e" -k "$k" -seed 1 -o "$U" >> "$UD/updown.log" 2>&1
		fi
		cp "$U" "$UD/m-updown-$e.dbn"
	done
	touch "$UD/updown.done"
fi
pictures "$U" "$UD/updown"
classify "$U" "$UD/updown"
log "ud: eval up-down, the bound on the binarized test images"
evaluate "$U" "$UD/updown-bound.json"
fi
log "done"
for f in "$G/greedy.json" "$D/backprop.json" "$D/dropout.json" "$UD/greedy.json" "$UD/greedy-up20.json" "$UD/updown.json" "$UD/updown-up20.json" "$UD/updown-bound.json"; do [ -f "$f" ] && echo "$f: $(cat "$f")"; done; true
