package dataset

import (
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// indexedSet has rows (i, i) and label i for row i.
func indexedSet(rows int) *Set {
	x := mat32.NewDense(rows, 2, nil)
	labels := make([]int, rows)
	for i := 0; i < rows; i++ {
		x.Set(i, 0, float32(i))
		x.Set(i, 1, float32(i))
		labels[i] = i
	}
	return &Set{X: x, Labels: labels}
}

func TestShuffle(t *testing.T) {
	set := indexedSet(100)
	Shuffle(set, rng.New(1))
	seen := make([]bool, 100)
	moved := 0
	for i := 0; i < 100; i++ {
		l := set.Labels[i]
		if set.X.At(i, 0) != float32(l) || set.X.At(i, 1) != float32(l) {
			t.Fatalf("row %d holds %v but label %d", i, set.X.Row(i), l)
		}
		if seen[l] {
			t.Fatalf("label %d twice", l)
		}
		seen[l] = true
		if l != i {
			moved++
		}
	}
	// A uniform permutation has on average one fixed point.
	if moved < 90 {
		t.Errorf("only %d rows moved", moved)
	}
}

func TestBatcher(t *testing.T) {
	set := indexedSet(105)
	b := NewBatcher(set, 10)
	var sizes []int
	next := 0
	for x, labels, ok := b.Next(); ok; x, labels, ok = b.Next() {
		sizes = append(sizes, x.Rows)
		for i := 0; i < x.Rows; i++ {
			if x.At(i, 0) != float32(next) || labels[i] != next {
				t.Fatalf("row %d of a batch: %v, label %d, want %d", i, x.Row(i), labels[i], next)
			}
			next++
		}
	}
	if next != 105 || len(sizes) != 11 || sizes[10] != 5 {
		t.Errorf("batch sizes %v", sizes)
	}
	// Views share the data.
	b.Reset()
	x, _, _ := b.Next()
	x.Set(0, 0, -1)
	if set.X.At(0, 0) != -1 {
		t.Error("batch is not a view")
	}
	b.DropLast = true
	b.Reset()
	n := 0
	for _, _, ok := b.Next(); ok; _, _, ok = b.Next() {
		n++
	}
	if n != 10 {
		t.Errorf("%d batches with DropLast, want 10", n)
	}
	allocs := testing.AllocsPerRun(100, func() {
		b.Reset()
		for _, _, ok := b.Next(); ok; _, _, ok = b.Next() {
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per epoch", allocs)
	}
}

func TestSampler(t *testing.T) {
	set := indexedSet(105)
	s := NewSampler(set, 10)
	buf := mat32.NewDense(10, 2, nil)
	lbuf := make([]int, 10)
	r := rng.New(2)
	s.Shuffle(r)
	seen := make([]int, 105)
	inOrder := 0
	k := 0
	for x, labels, ok := s.Next(buf, lbuf); ok; x, labels, ok = s.Next(buf, lbuf) {
		for i := 0; i < x.Rows; i++ {
			l := labels[i]
			if x.At(i, 0) != float32(l) {
				t.Fatalf("row %v with label %d", x.Row(i), l)
			}
			seen[l]++
			if l == k {
				inOrder++
			}
			k++
		}
	}
	for l, c := range seen {
		if c != 1 {
			t.Fatalf("row %d seen %d times in an epoch", l, c)
		}
	}
	if inOrder > 10 {
		t.Errorf("%d rows in their stored place after shuffling", inOrder)
	}
	allocs := testing.AllocsPerRun(100, func() {
		s.Shuffle(r)
		for _, _, ok := s.Next(buf, lbuf); ok; _, _, ok = s.Next(buf, lbuf) {
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per epoch", allocs)
	}
}
