package main

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// breakdown times, in isolation, each kind of work one CD-1 mini-batch of
// rbm.Trainer does, repeated for the batches of an n-row epoch: the four
// products (GEMM, on GOMAXPROCS threads), and on one thread the gather of
// the shuffled rows, sigmoids with biases, Bernoulli draws, column sums and
// the weight update. The update is timed both as the scalar loop the
// trainer runs and as two Axpy calls, to show what a SIMD kernel would
// save. The parts' sum, with the element-wise ones divided by the workers,
// estimates an epoch.
func breakdown(w io.Writer, x *mat32.Dense, threads int) {
	const nb = batchSize
	nv := x.Cols
	batches := (x.Rows + nb - 1) / nb
	r := rng.New(7)
	W := mat32.NewDense(nv, nh, nil)
	r.Normal(W.Data, 0, 0.01)
	winc := mat32.NewDense(nv, nh, nil)
	vv := mat32.NewDense(2*nb, nv, nil)
	hh := mat32.NewDense(2*nb, nh, nil)
	v0, v1 := vv.Slice(0, nb, 0, nv), vv.Slice(nb, 2*nb, 0, nv)
	h0, h1 := hh.Slice(0, nb, 0, nh), hh.Slice(nb, 2*nb, 0, nh)
	hs := mat32.NewDense(nb, nh, nil)
	vb, hb := make([]float32, nv), make([]float32, nh)
	gv, gh := make([]float32, nv), make([]float32, nh)
	perm := make([]int, x.Rows)
	r.Perm(perm)
	for i := 0; i < nb; i++ {
		copy(v0.Row(i), x.Row(i))
	}
	r.Uniform(hs.Data)
	r.Uniform(hh.Data)
	r.Uniform(v1.Data)

	type part struct {
		name  string
		flops float64 // multiply-adds times 2 per batch, for the GEMMs; 0 for the rest
		alt   bool    // an alternative, left out of the sum
		fn    func(b int)
	}
	gf := 2 * float64(nb) * float64(nv) * nh
	parts := []part{
		{"GEMM NN v0*W (100x784)(784x500)", gf, false, func(int) { mat32.Gemm(false, false, 1, v0, W, 0, h0) }},
		{"GEMM NT h*W^T (100x500)(500x784)", gf, false, func(int) { mat32.Gemm(false, true, 1, hs, W, 0, v1) }},
		{"GEMM NN v1*W (100x784)(784x500)", gf, false, func(int) { mat32.Gemm(false, false, 1, v1, W, 0, h1) }},
		{"GEMM TN VV^T*HH (784x200)(200x500)", 2 * gf, false, func(int) { mat32.Gemm(true, false, 1e-6, vv, hh, 0.5, winc) }},
		{"gather 100 shuffled rows", 0, false, func(b int) {
			for i := 0; i < nb; i++ {
				copy(v0.Row(i), x.Row(perm[(b*nb+i)%x.Rows]))
			}
		}},
		{"sigmoid+bias 2x(100x500) + 100x784", 0, false, func(int) {
			mat32.SigmoidBiasTo(h0, h0, hb)
			mat32.SigmoidBiasTo(h1, h1, hb)
			mat32.SigmoidBiasTo(v1, v1, vb)
		}},
		{"Bernoulli 100x500", 0, false, func(int) { r.BernoulliDense(hs, h0) }},
		{"ColSums 2x(100x784) + 200x500", 0, false, func(int) {
			mat32.ColSums(gv, v0)
			mat32.ColSums(gv, v1)
			mat32.ColSums(gh, hh)
		}},
		{"W update, scalar loop (as in rbm)", 0, false, func(int) {
			dec := float32(0.1 * 0.0002)
			var sum float32
			for i := 0; i < nv; i++ {
				wr, ir := W.Row(i), winc.Row(i)
				for j, x := range wr {
					d := ir[j] - dec*x
					ir[j] = d
					wr[j] = x + d
					sum += wr[j]
				}
			}
			if math.IsNaN(float64(sum)) {
				panic("NaN")
			}
		}},
		{"W update as 2 Axpy (for comparison)", 0, true, func(int) {
			mat32.Axpy(-0.1*0.0002, W.Data, winc.Data)
			mat32.Axpy(1, winc.Data, W.Data)
		}},
	}
	fmt.Fprintf(w, "\nBreakdown of a CD-1 epoch of %d batches, each part timed alone (GEMM on %d threads, the rest on 1):\n\n", batches, threads)
	fmt.Fprintf(w, "| part | s/epoch | GFLOP/s |\n| --- | ---: | ---: |\n")
	var total float64
	for _, p := range parts {
		p.fn(0)
		best := math.Inf(1)
		for rep := 0; rep < 3; rep++ {
			start := time.Now()
			for b := 0; b < batches; b++ {
				p.fn(b)
			}
			best = min(best, time.Since(start).Seconds())
		}
		flops := ""
		if p.flops > 0 {
			flops = fmt.Sprintf("%.1f", p.flops*float64(batches)/best/1e9)
		}
		fmt.Fprintf(w, "| %s | %.3f | %s |\n", p.name, best, flops)
		if p.alt {
			continue
		}
		if p.flops > 0 {
			total += best
		} else {
			total += best / float64(threads)
		}
	}
	fmt.Fprintf(w, "\nSum (element-wise parts divided by %d workers, Axpy alternative left out): %.2f s per epoch; best of 3 each.\n", threads, total)
}
