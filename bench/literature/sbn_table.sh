#!/usr/bin/env bash
# Sigmoid belief nets on stochastically binarized MNIST: SBN 200 and SBN
# 200-200, trained by wake-sleep (ws) and reweighted wake-sleep (rws, K=5),
# then the test log-likelihood estimated by importance sampling with the
# recognition net as proposal (K samples per row) next to the K=1 bound.
#
# Usage: bash bench/literature/sbn_table.sh [EPOCHS] [OUTDIR] [EVAL_K] [EVAL_ROWS]
# Defaults: 50 epochs, out/literature-sbn, K=5000, 1000 test rows.
set -euo pipefail
cd "$(dirname "$0")/../.."
EPOCHS=${1:-50}
OUT=${2:-out/literature-sbn}
K=${3:-5000}
ROWS=${4:-1000}
mkdir -p "$OUT"
go build -o "$OUT/belief" ./cmd/belief
B="$OUT/belief"

run() { # name, layers, method
	local name=$1 layers=$2 method=$3
	if [ ! -f "$OUT/$name.json" ]; then
		local t0=$(date +%s)
		"$B" train sbn -data mnist -layers "$layers" -method "$method" -epochs "$EPOCHS" -seed 1 \
			-monitor-rows 500 -o "$OUT/$name.sbn" > "$OUT/$name.train.log" 2>&1
		local t1=$(date +%s)
		echo "$((t1 - t0))" > "$OUT/$name.seconds"
		"$B" eval -model "$OUT/$name.sbn" -data mnist -split test -k "$K" -rows "$ROWS" -json \
			> "$OUT/$name.json" 2> "$OUT/$name.eval.log"
		"$B" sample -model "$OUT/$name.sbn" -n 100 -o "$OUT/$name-samples.png" >> "$OUT/$name.eval.log" 2>&1
	fi
}

run sbn200-ws 200 ws
run sbn200-rws 200 rws
run sbn200x200-ws 200,200 ws
run sbn200x200-rws 200,200 rws

echo
echo "| model | method | epochs | train time (s) | test LL (IS, K=$K, $ROWS rows) | K=1 bound |"
echo "| --- | --- | --- | --- | --- | --- |"
for name in sbn200-ws sbn200-rws sbn200x200-ws sbn200x200-rws; do
	[ -f "$OUT/$name.json" ] || continue
	python3 - "$OUT/$name.json" "$name" "$EPOCHS" "$(cat "$OUT/$name.seconds")" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
name, epochs, secs = sys.argv[2], sys.argv[3], sys.argv[4]
model, method = name.rsplit("-", 1)
print("| SBN %s | %s | %s | %s | %.2f ± %.2f | %.2f |" % (model[3:].replace("x", "-"), method, epochs, secs,
      d["test_ll"], d["test_ll_stderr"], d["test_bound"]))
PY
done
