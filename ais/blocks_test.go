package ais

import (
	"testing"

	"github.com/belief-ml/belief/rng"
)

// TestBlocks checks that Run visits every row once, in blocks of
// BlockRows, and that block i always gets the same stream.
func TestBlocks(t *testing.T) {
	for _, n := range []int{0, 1, 4, 5, 37, 100} {
		for _, w := range []int{1, 2, 7} {
			b := NewBlocks(n, 3, w)
			seen := make([]int, n)
			first := make([]uint64, (n+BlockRows-1)/BlockRows)
			b.Run(func(lo, hi int, r *rng.Stream) {
				if lo%BlockRows != 0 || hi-lo > BlockRows || hi > n {
					t.Errorf("n=%d: block [%d, %d)", n, lo, hi)
				}
				for i := lo; i < hi; i++ {
					seen[i]++
				}
				first[lo/BlockRows] = r.Uint64()
			})
			b.Close()
			for i, c := range seen {
				if c != 1 {
					t.Fatalf("n=%d workers=%d: row %d visited %d times", n, w, i, c)
				}
			}
			for i, u := range first {
				if want := rng.Derive(3, uint64(i)).Uint64(); u != want {
					t.Errorf("n=%d workers=%d: block %d stream differs", n, w, i)
				}
			}
		}
	}
}
