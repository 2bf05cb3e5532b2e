#!/usr/bin/env bash
# The small-model check of REFERENCES.md (quoted from PyDeep): 16 hidden units,
# PCD-1 with 100 chains, learning rate 0.01, batch 100, 50 epochs on the 60k
# training images, then the exact log Z (2^16 hidden states) and the exact
# average test log-likelihood. No momentum and no weight cost (PyDeep's
# example uses neither); both binarizations are run.
# Usage: bash bench/literature/rbm16.sh [OUTDIR]   (default out/literature-rbm16)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-out/literature-rbm16}
mkdir -p "$OUT"
go build -o "$OUT/belief" ./cmd/belief
for bin in stochastic threshold; do
	"$OUT/belief" train rbm -data mnist -binarize $bin -hidden 16 -method pcd -chains 100 -lr 0.01 \
		-momentum 0 -initial-momentum 0 -weight-cost 0 -epochs 50 -exact never -seed 1 \
		-o "$OUT/rbm16-$bin.belief" > "$OUT/rbm16-$bin.log" 2>&1
	echo "$bin: $("$OUT/belief" eval -model "$OUT/rbm16-$bin.belief" -data mnist -binarize $bin -split test -exact -json)"
done
