package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"strings"

	"github.com/belief-ml/belief/rng"
	"github.com/belief-ml/belief/sbn"
)

// explicit reports whether the flag name was given on the command line.
func explicit(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// sbnEvalResult is what eval prints with -json for a belief net.
type sbnEvalResult struct {
	TestLL       jsonFloat `json:"test_ll"`
	TestLLStdErr jsonFloat `json:"test_ll_stderr"`
	TestBound    jsonFloat `json:"test_bound"`
	K            int       `json:"k"`
	Rows         int       `json:"rows"`
	TestLLExact  jsonFloat `json:"test_ll_exact"`
}

// sbnExactEvalCost bounds the work of the exact log-likelihood in eval:
// sbn's ExactCost times the number of rows.
const sbnExactEvalCost = 1 << 34

// runSBN evaluates a sigmoid belief net by importance sampling.
func (e *evalCmd) runSBN(fs *flag.FlagSet, model *sbnModel) error {
	var bad []string
	for _, name := range []string{"exact", "ais", "ais-runs", "ais-betas", "ais-seed", "raise-rows", "train-data", "train-rows"} {
		if explicit(fs, name) {
			bad = append(bad, "-"+name)
		}
	}
	if len(bad) > 0 {
		return usagef("%s: %s holds a sigmoid belief net (these flags are for RBMs)", strings.Join(bad, ", "), e.model)
	}
	if e.k < 1 || e.k > 1<<20 {
		return usagef("-k must be in [1, 2^20]")
	}
	n := model.Net
	set, err := openRows(&e.df, e.limit)
	if err != nil {
		return err
	}
	x, err := fitSBNData(set, n.Sizes()[0])
	if err != nil {
		return err
	}
	// Evaluate in chunks for the progress bar, merging the chunks' means
	// and sums of squared deviations (Chan et al.).
	r := rng.New(e.seed)
	chunk := max(2, min(x.Rows, (1<<20)/e.k))
	bar := newProgress(int64(x.Rows), "rows")
	var rows int
	var mean, m2, bound float64
	for b0 := 0; b0 < x.Rows; b0 += chunk {
		m := min(chunk, x.Rows-b0)
		if x.Rows-(b0+m) == 1 {
			m++ // no chunk of one row, whose variance is unknown
		}
		est := sbn.Evaluate(n, model.Rec, x.Slice(b0, b0+m, 0, x.Cols), e.k, r)
		cm2 := 0.0
		if m > 1 {
			cm2 = est.StdErr * est.StdErr * float64(m) * float64(m-1)
		}
		tot := rows + m
		d := est.LogLik - mean
		m2 += cm2 + d*d*float64(rows)*float64(m)/float64(tot)
		mean += d * float64(m) / float64(tot)
		bound += (est.Bound - bound) * float64(m) / float64(tot)
		rows = tot
		bar.Add(m)
		if m > chunk {
			break
		}
	}
	bar.Finish()
	res := sbnEvalResult{TestLL: jsonFloat(mean), TestLLStdErr: jsonFloat(math.NaN()), TestBound: jsonFloat(bound), K: e.k, Rows: rows, TestLLExact: jsonFloat(math.NaN())}
	if rows > 1 {
		res.TestLLStdErr = jsonFloat(math.Sqrt(m2 / float64(rows-1) / float64(rows)))
	}
	if cost, ok := n.ExactCost(); ok && cost*float64(rows) <= sbnExactEvalCost {
		ll, err := n.LogLikelihoodExact(x)
		if err != nil {
			return err
		}
		res.TestLLExact = jsonFloat(ll)
	}
	if e.asJSON {
		b, err := json.Marshal(res)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", b)
		return nil
	}
	fmt.Fprintf(stdout, "test log-likelihood: %.4f ± %.4f nats per example (importance sampling, K = %d, %d rows of %s)\n",
		mean, float64(res.TestLLStdErr), e.k, rows, set.Name)
	fmt.Fprintf(stdout, "test variational bound (K = 1): %.4f\n", bound)
	if !math.IsNaN(float64(res.TestLLExact)) {
		fmt.Fprintf(stdout, "test log-likelihood, exact: %.4f\n", float64(res.TestLLExact))
	}
	return nil
}
