package ais

import (
	"errors"
	"fmt"
	"math"

	"github.com/belief-ml/belief/mat32"
)

// Model is a path of distributions p_β(x) = f_β(x) / Z_β for inverse
// temperatures β in [0, 1], from a base distribution p_0 that can be
// sampled exactly and whose normaliser Z_0 is known, to the target p_1
// whose log Z_1 AIS estimates.
type Model interface {
	// LogZBase returns log Z_0, the base distribution's exact log
	// normaliser.
	LogZBase() float64
	// NewState returns a State holding n chains (their contents are set
	// by SampleBase or, for reverse annealing, SetData).
	NewState(n int) State
}

// State holds n chains of a Model: n rows, each one state x_i of the
// model (for an RBM the visible vector; for a DBM it may hold hidden
// layers too). Its methods are called from one goroutine at a time; they
// split their element-wise work and sampling over the blocks of b (see
// Blocks), which has Len() == n, and may run mat32.Gemm on all rows at
// once.
type State interface {
	// SampleBase sets every chain to an independent exact draw from p_0.
	SampleBase(b *Blocks)
	// Step adds the log-weight increment log f_to(x_i) - log f_from(x_i)
	// of each chain's current state to logw[i] (len n); then, if move is
	// true, it replaces each x_i by a draw from a Markov transition that
	// leaves p_to invariant. For reverse annealing (ReverseLogLikelihood)
	// the transition must also be reversible with respect to p_to
	// (satisfy detailed balance), as the block Gibbs step v -> h -> v of an
	// RBM is.
	Step(logw []float64, from, to float64, move bool, b *Blocks)
}

// DataState is a State that can start its chains at observed data, as
// reverse annealing needs.
type DataState interface {
	State
	// SetData sets chain i to row i of data (n rows, in the model's
	// visible layout) and adds log f_1(data_i), the target's unnormalised
	// log-probability of the row, to logw[i]. If the State holds hidden
	// variables besides the data, it draws them from p_1(h | data_i).
	SetData(logw []float64, data *mat32.Dense, b *Blocks)
}

// Settings says how AIS runs. The zero value (and a nil *Settings) means
// Salakhutdinov & Murray's settings: their 14,501 inverse temperatures and
// 100 runs.
type Settings struct {
	// Betas is the schedule of inverse temperatures: 0 = β_0 <= β_1 <= ...
	// <= β_K = 1. If nil, it is SMSchedule() (K = 14,500 steps). Schedule
	// and LinearSchedule make others.
	Betas []float64
	// Runs is the number of independent AIS runs, all run together as
	// the rows of one batch. If 0, it is 100. For ReverseLogLikelihood it
	// is the number of chains run together (the batch holds Runs /
	// ReverseRuns examples, at least one).
	Runs int
	// ReverseRuns is the number of reverse-annealing runs started at each
	// example by ReverseLogLikelihood. If 0, it is 1.
	ReverseRuns int
	// Seed seeds the random streams. The result depends on Seed, Betas and
	// Runs (and the data), not on Workers.
	Seed uint64
	// Workers is the number of goroutines sharing the element-wise work and
	// sampling. If 0, it is runtime.GOMAXPROCS(0).
	Workers int
	// Progress, if not nil, is called from the calling goroutine as the
	// annealing advances, with the number of steps done and the total
	// (about 1000 times per call of LogZ or ReverseLogLikelihood, and at
	// the end), for a progress bar.
	Progress func(done, total int)
}

type resolved struct {
	betas       []float64
	runs        int
	reverseRuns int
	seed        uint64
	workers     int
	progress    func(done, total int)
}

func (s *Settings) resolve() (resolved, error) {
	var r resolved
	if s == nil {
		s = &Settings{}
	}
	r.betas = s.Betas
	if r.betas == nil {
		r.betas = SMSchedule()
	} else if err := checkSchedule(r.betas); err != nil {
		return r, err
	}
	r.runs = s.Runs
	if r.runs < 0 {
		return r, fmt.Errorf("ais: Runs = %d, must not be negative", s.Runs)
	}
	if r.runs == 0 {
		r.runs = 100
	}
	r.reverseRuns = s.ReverseRuns
	if r.reverseRuns < 0 {
		return r, fmt.Errorf("ais: ReverseRuns = %d, must not be negative", s.ReverseRuns)
	}
	if r.reverseRuns == 0 {
		r.reverseRuns = 1
	}
	r.seed, r.workers, r.progress = s.Seed, s.Workers, s.Progress
	return r, nil
}

// Estimate is AIS's estimate of log Z for the target distribution.
type Estimate struct {
	// LogZ is log of the mean importance weight: log Z_0 + log((1/R)
	// sum_r w_r). The mean weight is an unbiased estimate of Z, so by
	// Jensen's inequality E[LogZ] <= log Z: LogZ tends to under-estimate
	// log Z, and a log-likelihood computed with it to over-estimate.
	LogZ float64
	// Low and High are log(mean ∓ 3 standard errors of the mean weight),
	// the standard error computed in the linear domain. Low is -Inf when
	// the mean minus 3 standard errors is not positive.
	Low, High float64
	// LogWeights holds log Z_0 + log w_r for each run r: each exp of it is
	// itself an unbiased estimate of Z.
	LogWeights []float64
	// ESS is the effective sample size of the weights, (sum w)^2 / sum
	// w^2, between 1 and Runs; far below Runs means the weights are
	// dominated by a few runs and the interval is not to be trusted.
	ESS float64
	// Runs and Betas are the number of runs and of inverse temperatures.
	Runs, Betas int
}

// String formats e as "log Z = 123.456 [123.400, 123.500] (ESS 97.3 of 100 runs, 14501 temperatures)".
func (e Estimate) String() string {
	return fmt.Sprintf("log Z = %.3f [%.3f, %.3f] (ESS %.1f of %d runs, %d temperatures)", e.LogZ, e.Low, e.High, e.ESS, e.Runs, e.Betas)
}

// ErrNonFinite is returned when the estimate is NaN or infinite (NaN or
// huge parameters).
var ErrNonFinite = errors.New("ais: non-finite importance weight")

// LogZ estimates log Z of m's target by annealed importance sampling
// (Neal 2001): s.Runs chains start at independent draws from p_0 and pass
// through the distributions p_β of s.Betas, each run accumulating the log
// importance weight sum_k [log f_βk(x_{k-1}) - log f_β(k-1)(x_{k-1})] with
// one transition at each intermediate β. The result holds log Z with
// ±3 standard-error bounds and the effective sample size.
func LogZ(m Model, s *Settings) (Estimate, error) {
	r, err := s.resolve()
	if err != nil {
		return Estimate{}, err
	}
	st := m.NewState(r.runs)
	b := NewBlocks(r.runs, r.seed, r.workers)
	defer b.Close()
	logw := make([]float64, r.runs)
	st.SampleBase(b)
	k := len(r.betas) - 1
	p := newProgress(r.progress, k)
	for i := 1; i <= k; i++ {
		st.Step(logw, r.betas[i-1], r.betas[i], i < k, b)
		p.step(i)
	}
	lz0 := m.LogZBase()
	for i := range logw {
		logw[i] += lz0
	}
	e := estimate(logw, len(r.betas))
	if math.IsNaN(e.LogZ) || math.IsInf(e.LogZ, 0) {
		return e, ErrNonFinite
	}
	return e, nil
}

// estimate summarises log-weights (already including log Z_0).
func estimate(logw []float64, betas int) Estimate {
	e := Estimate{LogWeights: logw, Runs: len(logw), Betas: betas}
	e.LogZ, e.Low, e.High, e.ESS = logMeanInterval(logw, 3)
	return e
}

// logMeanInterval returns log of the mean of exp(x), log(mean ∓ c·se) with
// se the standard error of the mean of exp(x) (sample standard deviation
// over sqrt(n)), and the effective sample size (sum w)^2 / sum w^2. All is
// computed relative to the largest x, so nothing overflows.
func logMeanInterval(x []float64, c float64) (mean, low, high, ess float64) {
	n := len(x)
	if n == 0 {
		return math.NaN(), math.NaN(), math.NaN(), 0
	}
	m := math.Inf(-1)
	for _, v := range x {
		if math.IsNaN(v) {
			return math.NaN(), math.NaN(), math.NaN(), 0
		}
		m = math.Max(m, v)
	}
	if math.IsInf(m, 0) {
		return m, m, m, 0
	}
	var s, s2 float64
	for _, v := range x {
		w := math.Exp(v - m)
		s += w
		s2 += w * w
	}
	mu := s / float64(n)
	var ss float64 // sum of squared deviations, two-pass for accuracy
	for _, v := range x {
		d := math.Exp(v-m) - mu
		ss += d * d
	}
	se := 0.0
	if n > 1 {
		se = math.Sqrt(ss/float64(n-1)) / math.Sqrt(float64(n))
	}
	mean = m + math.Log(mu)
	high = m + math.Log(mu+c*se)
	if lo := mu - c*se; lo > 0 {
		low = m + math.Log(lo)
	} else {
		low = math.Inf(-1)
	}
	return mean, low, high, s * s / s2
}

// progress calls a Progress function about 1000 times over total steps.
type progress struct {
	fn           func(done, total int)
	total, every int
}

func newProgress(fn func(done, total int), total int) progress {
	return progress{fn: fn, total: total, every: max(1, total/1000)}
}

func (p progress) step(done int) {
	if p.fn != nil && (done%p.every == 0 || done == p.total) {
		p.fn(done, p.total)
	}
}
