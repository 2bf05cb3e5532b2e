package dataset

import (
	"math"
	"runtime"
	"testing"

	"github.com/belief-ml/belief/mat32"
)

func rampMatrix(rows, cols int) *mat32.Dense {
	x := mat32.NewDense(rows, cols, nil)
	for i := range x.Data {
		x.Data[i] = float32(i%101) / 100
	}
	return x
}

func TestBinarizeStochastic(t *testing.T) {
	const rows, cols = 1000, 101
	x := rampMatrix(rows, cols)
	var mean, variance float64
	for _, p := range x.Data {
		mean += float64(p)
		variance += float64(p) * (1 - float64(p))
	}
	n := float64(len(x.Data))
	BinarizeStochastic(x, 7)
	var got float64
	perCol := make([]float64, cols)
	for i := 0; i < rows; i++ {
		for j, v := range x.Row(i) {
			if v != 0 && v != 1 {
				t.Fatalf("element (%d, %d) = %v, not binary", i, j, v)
			}
			got += float64(v)
			perCol[j] += float64(v)
		}
	}
	// The sum of independent Bernoulli(p_i) has variance sum p_i(1-p_i).
	if se := math.Sqrt(variance) / n; math.Abs(got/n-mean/n) > 5*se {
		t.Errorf("mean of binarized %v, mean intensity %v, standard error %v", got/n, mean/n, se)
	}
	// Column j holds p = j/100 in every row (the ramp has period 101).
	for j, s := range perCol {
		p := float64(j) / 100
		if se := math.Sqrt(p * (1 - p) / rows); math.Abs(s/rows-p) > 5*se+1e-9 {
			t.Errorf("column %d: mean %v, want %v +- %v", j, s/rows, p, 5*se)
		}
	}
}

func TestBinarizeStochasticDeterministic(t *testing.T) {
	ref := rampMatrix(1000, 50)
	BinarizeStochastic(ref, 3)
	old := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(old)
	for _, procs := range []int{1, 3, 8} {
		runtime.GOMAXPROCS(procs)
		x := rampMatrix(1000, 50)
		BinarizeStochastic(x, 3)
		for i := range x.Data {
			if x.Data[i] != ref.Data[i] {
				t.Fatalf("GOMAXPROCS %d: element %d differs", procs, i)
			}
		}
	}
	x := rampMatrix(1000, 50)
	BinarizeStochastic(x, 4)
	same := 0
	for i := range x.Data {
		if x.Data[i] == ref.Data[i] {
			same++
		}
	}
	if same == len(x.Data) {
		t.Error("seeds 3 and 4 give the same binarization")
	}
	if SplitSeed(1, "train") == SplitSeed(1, "test") {
		t.Error("train and test share a seed")
	}
}

func TestThreshold(t *testing.T) {
	x := mat32.NewDense(1, 4, []float32{0, 127.0 / 255, 128.0 / 255, 1})
	Threshold(x, 0.5)
	want := []float32{0, 0, 1, 1}
	for i, v := range x.Data {
		if v != want[i] {
			t.Errorf("element %d = %v, want %v", i, v, want[i])
		}
	}
}
