package rbm

import (
	"math"
	"slices"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// sparseData returns n rows of nv binary units, each on with probability p.
func sparseData(n, nv int, p float32, seed uint64) *mat32.Dense {
	r := rng.New(seed)
	d := mat32.NewDense(n, nv, nil)
	for i := range d.Data {
		if r.Float32() < p {
			d.Data[i] = 1
		}
	}
	return d
}

// The sparse products (sums of rows of W at the ones of binary visible
// states) compute what the dense ones do: trained from the same seed, with
// the same random draws, the parameters agree to float32 rounding, for CD,
// CD-k with sampled visible states, and PCD, with a partial last batch.
func TestSparseMatchesDense(t *testing.T) {
	if !mat32.AddRowsSIMD() {
		t.Skip("no vector AddRows on this machine: the trainer never takes the sparse path")
	}
	data := sparseData(95, 230, 0.12, 1) // 230 visible: three gradient tasks
	cases := []struct {
		name string
		s    Settings
	}{
		{"CD-1", Settings{}},
		{"CD-3 sampled", Settings{K: 3, SampleVisible: true}},
		{"CD-2", Settings{K: 2}},
		{"PCD-1", Settings{Method: PCD, Chains: 7}},
		{"PCD-2 sparsity", Settings{Method: PCD, K: 2, SparsityTarget: 0.1}},
	}
	for _, c := range cases {
		var models [2]*RBM
		for d, dense := range []bool{true, false} {
			m := New(230, 23, Bernoulli)
			m.Init(data, rng.New(2))
			s := c.s
			s.BatchSize, s.Epochs, s.LearningRate, s.Workers = 10, 3, 0.05, 2
			s.MonitorRows, s.ExactLL = -1, ExactNever
			s.DenseProducts = dense
			s.Products = ProductsFloat32 // the same arithmetic on both paths
			res, err := Train(m, data, &s, rng.New(3))
			if err != nil {
				t.Fatal(err)
			}
			if res.Trainer.sparse == dense {
				t.Fatalf("%s: DenseProducts %v but sparse path %v", c.name, dense, res.Trainer.sparse)
			}
			models[d] = m
		}
		a, b := models[0], models[1]
		maxDiff := func(x, y []float32) float64 {
			d := 0.0
			for i := range x {
				d = math.Max(d, math.Abs(float64(x[i]-y[i])))
			}
			return d
		}
		dw, dv, dh := maxDiff(a.W.Data, b.W.Data), maxDiff(a.VBias, b.VBias), maxDiff(a.HBias, b.HBias)
		t.Logf("%s: max |dense - sparse| W %.2g, vbias %.2g, hbias %.2g", c.name, dw, dv, dh)
		// 30 updates of float32 sums of at most 230 terms of size <= 1:
		// rounding differences of order 30 * 230 * 6e-8 * lr.
		if tol := 1e-5; dw > tol || dv > tol || dh > tol {
			t.Errorf("%s: dense and sparse training differ by more than %g", c.name, tol)
		}
	}
}

// Data that is not binary, or not sparse, takes the dense path.
func TestSparseOnlyForSparseBinary(t *testing.T) {
	if !mat32.AddRowsSIMD() {
		t.Skip("no vector AddRows on this machine")
	}
	grey := sparseData(20, 30, 0.1, 4)
	grey.Data[17] = 0.5
	for _, c := range []struct {
		name string
		data *mat32.Dense
		want bool
	}{
		{"sparse binary", sparseData(20, 30, 0.1, 4), true},
		{"dense binary", sparseData(20, 30, 0.6, 4), false},
		{"grey", grey, false},
	} {
		m := New(30, 5, Bernoulli)
		m.Init(c.data, rng.New(1))
		res, err := Train(m, c.data, &Settings{Epochs: 1, BatchSize: 10, MonitorRows: -1, Products: ProductsFloat32}, rng.New(1))
		if err != nil {
			t.Fatal(err)
		}
		if res.Trainer.sparse != c.want {
			t.Errorf("%s: sparse path %v, want %v", c.name, res.Trainer.sparse, c.want)
		}
	}
}

// A sparse mini-batch allocates nothing either, nor does one with the
// products on AMX tiles (which takes the dense path).
func TestSparseBatchAllocs(t *testing.T) {
	if !mat32.AddRowsSIMD() {
		t.Skip("no vector AddRows on this machine")
	}
	data := sparseData(60, 40, 0.15, 5)
	for _, c := range []struct {
		method Method
		prod   Products
	}{{CD, ProductsFloat32}, {PCD, ProductsFloat32}, {CD, ProductsBF16}, {PCD, ProductsBF16}} {
		m := New(40, 8, Bernoulli)
		m.Init(data, rng.New(1))
		tr := NewTrainer(m, &Settings{Method: c.method, BatchSize: 30, K: 2, Workers: 2, Products: c.prod}, rng.New(2))
		if _, err := tr.Epoch(data); err != nil { // sets up the sparse path
			t.Fatal(err)
		}
		amx := tr.pw.b != nil
		if c.prod == ProductsBF16 && mat32.AMX() != amx {
			t.Fatalf("%v %v: AMX %v but products on AMX %v", c.method, c.prod, mat32.AMX(), amx)
		}
		if tr.sparse == amx {
			t.Fatalf("%v %v: sparse path %v with products on AMX %v", c.method, c.prod, tr.sparse, amx)
		}
		base := startTrainer(tr, data, 3)
		allocs := testing.AllocsPerRun(20, func() {
			tr.batch(30, 30, base)
			tr.gradient(0.01, 0.5)
			if err := tr.apply(); err != nil {
				t.Fatal(err)
			}
		})
		tr.pool.stop()
		if allocs != 0 {
			t.Errorf("%v %v: %v allocations per mini-batch", c.method, c.prod, allocs)
		}
	}
}

// buildColsRange gives the columns of the transpose of the row lists.
func TestColLists(t *testing.T) {
	rows := sliceRows{{0, 3}, {}, {3}, {1, 2, 3}, {4}}
	want := [][]int32{{0}, {3}, {3}, {0, 2, 3}, {4}}
	for _, r := range [][2]int{{0, 5}, {1, 4}, {3, 4}, {2, 2}} {
		c := newColLists(5, 20)
		buildColsRange(&c, len(rows), r[0], r[1], rows)
		for j := r[0]; j < r[1]; j++ {
			got, w := c.col(j-r[0]), want[j]
			if !slices.Equal(got, w) || c.count(j-r[0]) != float32(len(w)) {
				t.Fatalf("columns [%d, %d): column %d is %v, want %v", r[0], r[1], j, got, w)
			}
		}
	}
}
