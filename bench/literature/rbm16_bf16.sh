#!/usr/bin/env bash
# Does training with the products in bfloat16 parts on AMX tiles
# (rbm.ProductsBF16, belief train -products bf16) change what an RBM learns?
# The small-model check of rbm16.sh (16 hidden units, PCD-1 with 100
# chains, learning rate 0.01, batch 100, 50 epochs, no momentum or weight
# cost, stochastically binarized MNIST), trained from the same seeds with
# float32 and with bf16 products; the exact test log-likelihood of each and
# their paired difference. Needs a CPU with AMX (else both runs are float32).
# METHOD=cd in the environment trains by CD-1 instead (default pcd).
# Usage: bash bench/literature/rbm16_bf16.sh [SEEDS] [OUTDIR]   (default 10, out/literature-rbm16-bf16[-cd])
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-10}
METHOD=${METHOD:-pcd}
OUT=${2:-out/literature-rbm16-bf16$([ "$METHOD" = pcd ] || echo "-$METHOD")}
mkdir -p "$OUT"
go build -o "$OUT/belief" ./cmd/belief
for seed in $(seq 1 "$N"); do
	for bf in float32 bf16; do
		m="$OUT/rbm16-$seed-$bf.belief"
		[ -s "$m" ] || "$OUT/belief" train rbm -data mnist -hidden 16 -method "$METHOD" -chains 100 -lr 0.01 \
			-momentum 0 -initial-momentum 0 -weight-cost 0 -epochs 50 -exact never -seed "$seed" \
			-products "$bf" -o "$m" > "$OUT/rbm16-$seed-$bf.log" 2>&1
		[ -s "$m.json" ] || "$OUT/belief" eval -model "$m" -data mnist -split test -exact -json > "$m.json"
	done
	f=$(grep -o '"test_ll":[-0-9.e]*' "$OUT/rbm16-$seed-float32.belief.json" | cut -d: -f2)
	b=$(grep -o '"test_ll":[-0-9.e]*' "$OUT/rbm16-$seed-bf16.belief.json" | cut -d: -f2)
	echo "$seed $f $b"
done | awk '{d=$3-$2; s+=d; ss+=d*d; n++; printf "seed %d: float32 %.3f  bf16 %.3f  difference %+.3f\n", $1, $2, $3, d}
	END {m=s/n; sd=sqrt((ss-n*m*m)/(n-1)); printf "mean difference (bf16 - float32) %+.3f nats, standard error %.3f over %d seeds\n", m, sd/sqrt(n), n}'
