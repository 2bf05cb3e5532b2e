package sbn

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// The trainer's gradients are those of (a) the K-sample importance-weighted
// bound (1/m) sum_i log (1/K) sum_k p(v_i, h_ik)/q(h_ik|v_i) with respect
// to the generative parameters, the samples held fixed; (b) for the
// recognition net (QBoth), sum_k omega_ik log q(h_ik|v_i) with the weights
// held fixed, plus log q(h|v) on the dreams. Checked against central
// differences computed in float64.
func TestGradientsMatchFiniteDifferences(t *testing.T) {
	r := rng.New(9)
	n := randomNet(r, 1, 5, 4, 3)
	q := randomRec(r, n, 1)
	const m, K = 3, 4
	data := mat32.NewDense(m, 5, nil)
	n.Sample(data, r)
	tr := NewTrainer(n, q, &Settings{K: K, Q: QBoth, BatchSize: m, Workers: 2}, r)
	tr.p.streams = r.Split(2)
	tr.p.pool.start(2, tr.work)
	tr.gradients(data, nil, 0, m)
	tr.p.pool.stop()
	p := tr.p
	L := len(n.Layers)
	sample := func(rows []*mat32.Dense, i int) [][]float32 {
		x := make([][]float32, L)
		for l := range x {
			x[l] = append([]float32(nil), rows[l].Row(i)...)
		}
		return x
	}
	xs := make([]*mat32.Dense, L)
	ds := make([]*mat32.Dense, L)
	for l := range xs {
		xs[l], ds[l] = &p.xv[l], &tr.dv[l]
	}
	var samples, dreams [][][]float32
	logq := make([]float64, m*K)
	omega := make([]float64, m*K)
	for i := 0; i < m*K; i++ {
		samples = append(samples, sample(xs, i))
		logq[i] = logQ64(q, samples[i])
		omega[i] = float64(p.omega[i])
	}
	for i := 0; i < m; i++ {
		dreams = append(dreams, sample(ds, i))
	}
	genObj := func() float64 {
		var s float64
		for i := 0; i < m; i++ {
			lw := make([]float64, K)
			for k := range lw {
				lw[k] = logJoint64(n, samples[i*K+k]) - logq[i*K+k]
			}
			s += mat32.LogSumExp64(lw) - math.Log(K)
		}
		return s / m
	}
	recObj := func() float64 {
		var s float64
		for i := range samples {
			s += omega[i] * logQ64(q, samples[i])
		}
		for _, d := range dreams {
			s += logQ64(q, d)
		}
		return s / m
	}
	nGen := 2*L - 1 // blocks of the generative net
	checked := 0
	for b, x := range tr.Params() {
		obj := genObj
		if b >= nGen {
			obj = recObj
		}
		for j := range x {
			old := x[j]
			x[j] = old + 1e-2
			up, hu := obj(), float64(x[j]-old)
			x[j] = old - 1e-2
			dn, hd := obj(), float64(old-x[j])
			x[j] = old
			fd := (up - dn) / (hu + hd)
			g := float64(tr.grads[b][j])
			if math.Abs(fd-g) > 2e-4+1e-3*math.Abs(fd) {
				t.Errorf("block %d entry %d: gradient %.6f, finite difference %.6f", b, j, g, fd)
			}
			checked++
		}
	}
	if checked != 20+12+5+4+3+20+12+4+3 {
		t.Errorf("checked %d parameters", checked)
	}
}

// toyNet is a three-layer net with structure a factorial model cannot
// capture: one top cause switches on two middle causes, each of which
// switches on its own half of 8 visible units.
func toyNet() *Net {
	n := New(8, 2, 1)
	for i := 0; i < 8; i++ {
		n.Layers[0].Bias[i] = -3
		n.Layers[0].W.Set(i/4, i, 6)
	}
	for j := 0; j < 2; j++ {
		n.Layers[1].Bias[j] = -2
		n.Layers[1].W.Set(0, j, 4)
	}
	return n
}

// toyData returns N samples of the visible layer of toyNet.
func toyData(N int) (*Net, *mat32.Dense) {
	truth := toyNet()
	data := mat32.NewDense(N, 8, nil)
	truth.Sample(data, rng.New(10))
	return truth, data
}

func trainToy(t *testing.T, data *mat32.Dense, sizes []int, s Settings) (*Net, []EpochStats) {
	t.Helper()
	r := rng.New(11)
	n := New(sizes...)
	n.Init(data, r)
	q := NewRecognition(n)
	q.Init(r)
	if s.MonitorRows == 0 {
		s.MonitorRows = -1
	}
	res, err := Train(n, q, data, &s, r)
	if err != nil {
		t.Fatal(err)
	}
	return n, res.Stats
}

func TestWakeSleepRaisesExactLikelihood(t *testing.T) {
	truth, data := toyData(2000)
	want, _ := truth.LogLikelihoodExact(data)
	_, st := trainToy(t, data, []int{8, 4, 2}, Settings{LearningRate: 0.01, Epochs: 30, BatchSize: 20})
	first, last := st[0].ExactLL, st[len(st)-1].ExactLL
	t.Logf("wake-sleep: exact LL %.4f after 1 epoch, %.4f after %d; generating net %.4f", first, last, len(st), want)
	// the factorial (base-rate) model scores about -5.5 nats; the structure
	// is worth almost 3
	if !(last > first+2) {
		t.Errorf("wake-sleep raised the exact log-likelihood from %.4f to %.4f only", first, last)
	}
}

func TestReweightedWakeSleepBeatsWakeSleep(t *testing.T) {
	truth, data := toyData(2000)
	want, _ := truth.LogLikelihoodExact(data)
	s := Settings{LearningRate: 0.01, Epochs: 40, BatchSize: 20}
	_, ws := trainToy(t, data, []int{8, 4, 2}, s)
	s.K = 5
	_, rws5 := trainToy(t, data, []int{8, 4, 2}, s)
	s.K = 20
	_, rws20 := trainToy(t, data, []int{8, 4, 2}, s)
	a, b, c := ws[len(ws)-1].ExactLL, rws5[len(rws5)-1].ExactLL, rws20[len(rws20)-1].ExactLL
	t.Logf("40 epochs: exact LL wake-sleep %.4f, RWS K=5 %.4f, K=20 %.4f; generating net %.4f", a, b, c, want)
	if !(b > a+0.1) {
		t.Errorf("RWS K=5 (%.4f) does not beat wake-sleep (%.4f) on the same budget", b, a)
	}
	// the maximum likelihood on 2000 samples is within a few hundredths of
	// the generating net's score
	if math.Abs(c-want) > 0.05 {
		t.Errorf("RWS K=20 reaches %.4f, the generating net scores %.4f", c, want)
	}
}

func TestResumeIsExact(t *testing.T) {
	_, data := toyData(300)
	s := &Settings{K: 3, Epochs: 4, BatchSize: 32, MonitorRows: 50, MonitorK: 5, Workers: 2}
	r := rng.New(12)
	n := New(8, 4, 2)
	n.Init(data, r)
	q := NewRecognition(n)
	q.Init(r)
	n2, q2 := n.Clone(), q.Clone()
	if _, err := Train(n, q, data, s, rng.New(13)); err != nil {
		t.Fatal(err)
	}
	half := *s
	half.Epochs = 2
	res, err := Train(n2, q2, data, &half, rng.New(13))
	if err != nil {
		t.Fatal(err)
	}
	saved := res.Trainer.State
	tr := NewTrainer(n2, q2, s, rng.New(99))
	tr.State = saved
	for tr.State.Epoch < 4 {
		if _, err := tr.Epoch(data); err != nil {
			t.Fatal(err)
		}
	}
	for l := range n.Layers {
		if n.Layers[l].W != nil && !equal(n.Layers[l].W.Data, n2.Layers[l].W.Data) || !equal(n.Layers[l].Bias, n2.Layers[l].Bias) {
			t.Fatalf("layer %d differs after resuming", l)
		}
	}
	for l := range q.W {
		if !equal(q.W[l].Data, q2.W[l].Data) || !equal(q.Bias[l], q2.Bias[l]) {
			t.Fatalf("recognition layer %d differs after resuming", l)
		}
	}
}

func equal(a, b []float32) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

func TestTrainRejectsBadData(t *testing.T) {
	data := rowsOf([]float32{0, 1}, []float32{1, 2})
	n := New(2, 2)
	_, err := Train(n, NewRecognition(n), data, nil, rng.New(1))
	de, ok := err.(*DataError)
	if !ok || de.Row != 1 || de.Col != 1 {
		t.Fatalf("error %v, want a DataError at row 1, column 1", err)
	}
}

func TestBatchAllocatesNothing(t *testing.T) {
	_, data := toyData(200)
	n := New(8, 4, 2)
	r := rng.New(14)
	n.Init(data, r)
	q := NewRecognition(n)
	q.Init(r)
	tr := NewTrainer(n, q, &Settings{K: 5, Q: QBoth, BatchSize: 50, Workers: 2}, r)
	tr.p.streams = r.Split(2)
	tr.p.pool.start(2, tr.work)
	defer tr.p.pool.stop()
	allocs := testing.AllocsPerRun(10, func() {
		tr.gradients(data, nil, 0, 50)
		tr.adam()
	})
	if allocs != 0 {
		t.Errorf("a mini-batch allocates %.1f times", allocs)
	}
}
