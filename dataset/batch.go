package dataset

import (
	"fmt"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// Shuffle permutes the rows of set.X, and its labels with them, in place
// and uniformly at random. It allocates one row of scratch space.
func Shuffle(set *Set, r *rng.Stream) {
	x := set.X
	tmp := make([]float32, x.Cols)
	r.Shuffle(x.Rows, func(i, j int) {
		if i == j {
			return
		}
		ri, rj := x.Row(i), x.Row(j)
		copy(tmp, ri)
		copy(ri, rj)
		copy(rj, tmp)
		if set.Labels != nil {
			set.Labels[i], set.Labels[j] = set.Labels[j], set.Labels[i]
		}
	})
}

// Batcher yields mini-batches of consecutive rows of a matrix as views
// into it: no data are copied and Next allocates nothing. To visit the
// examples in random order, Shuffle the set once first, or use a Sampler.
//
//	b := dataset.NewBatcher(set, 100)
//	for x, labels, ok := b.Next(); ok; x, labels, ok = b.Next() {
//		// x is (<= 100, set.X.Cols); labels is nil if set has none
//	}
//	b.Reset() // next epoch
type Batcher struct {
	set  *Set
	size int
	pos  int
	// DropLast drops the last batch of an epoch when it is smaller than
	// the batch size. The default, false, yields it.
	DropLast bool
	view     mat32.Dense
}

// NewBatcher returns a Batcher over set in batches of size rows.
// It panics if size < 1.
func NewBatcher(set *Set, size int) *Batcher {
	if size < 1 {
		panic(fmt.Sprintf("dataset: batch size %d", size))
	}
	return &Batcher{set: set, size: size}
}

// Next returns the next batch, as a view of rows of the set that stays
// valid until the next call of Next, and its labels (nil if the set has
// none). ok is false at the end of the epoch.
func (b *Batcher) Next() (x *mat32.Dense, labels []int, ok bool) {
	n := b.set.X.Rows
	end := min(b.pos+b.size, n)
	if b.pos >= n || (b.DropLast && end-b.pos < b.size) {
		return nil, nil, false
	}
	b.set.X.SliceInto(&b.view, b.pos, end, 0, b.set.X.Cols)
	if b.set.Labels != nil {
		labels = b.set.Labels[b.pos:end:end]
	}
	b.pos = end
	return &b.view, labels, true
}

// Reset starts a new epoch from the first row.
func (b *Batcher) Reset() { b.pos = 0 }

// Sampler yields mini-batches in a new random order every epoch by
// gathering rows into a caller's buffer; the data set itself is neither
// copied nor changed, and Next allocates nothing.
//
//	s := dataset.NewSampler(set, 100)
//	buf := mat32.NewDense(100, set.X.Cols, nil)
//	lbuf := make([]int, 100)
//	for epoch := 0; epoch < n; epoch++ {
//		s.Shuffle(r)
//		for x, labels, ok := s.Next(buf, lbuf); ok; x, labels, ok = s.Next(buf, lbuf) {
//			...
//		}
//	}
type Sampler struct {
	set  *Set
	size int
	perm []int
	pos  int
	// DropLast drops the last batch of an epoch when it is smaller than
	// the batch size. The default, false, yields it.
	DropLast bool
	view     mat32.Dense
}

// NewSampler returns a Sampler over set in batches of size rows, visiting
// rows in their stored order until Shuffle is called. It panics if size < 1.
func NewSampler(set *Set, size int) *Sampler {
	if size < 1 {
		panic(fmt.Sprintf("dataset: batch size %d", size))
	}
	perm := make([]int, set.X.Rows)
	for i := range perm {
		perm[i] = i
	}
	return &Sampler{set: set, size: size, perm: perm}
}

// Shuffle draws a new random order from r and starts a new epoch.
func (s *Sampler) Shuffle(r *rng.Stream) {
	r.Perm(s.perm)
	s.pos = 0
}

// Reset starts a new epoch in the current order.
func (s *Sampler) Reset() { s.pos = 0 }

// Next gathers the next batch into the first rows of buf (which must have
// at least the batch size rows and set.X.Cols columns) and, if the set has
// labels, into lbuf (len(lbuf) >= batch size). It returns a view of the
// filled rows of buf, the filled part of lbuf (nil without labels), and
// false at the end of the epoch.
func (s *Sampler) Next(buf *mat32.Dense, lbuf []int) (x *mat32.Dense, labels []int, ok bool) {
	if buf.Rows < s.size || buf.Cols != s.set.X.Cols {
		panic(fmt.Sprintf("dataset: Sampler buffer %dx%d, want at least %dx%d", buf.Rows, buf.Cols, s.size, s.set.X.Cols))
	}
	n := len(s.perm)
	end := min(s.pos+s.size, n)
	if s.pos >= n || (s.DropLast && end-s.pos < s.size) {
		return nil, nil, false
	}
	idx := s.perm[s.pos:end]
	s.pos = end
	buf.SliceInto(&s.view, 0, len(idx), 0, buf.Cols)
	if s.set.Labels != nil {
		if len(lbuf) < len(idx) {
			panic(fmt.Sprintf("dataset: Sampler label buffer of %d, want at least %d", len(lbuf), s.size))
		}
		labels = lbuf[:len(idx)]
	}
	Gather(&s.view, labels, s.set, idx)
	return &s.view, labels, true
}

// Gather copies the rows idx of set.X into the rows of dst (dst.Rows ==
// len(idx)) and, if dstLabels is not nil, their labels into dstLabels.
func Gather(dst *mat32.Dense, dstLabels []int, set *Set, idx []int) {
	if dst.Rows != len(idx) || dst.Cols != set.X.Cols {
		panic(fmt.Sprintf("dataset: Gather into %dx%d of %d rows of %d columns", dst.Rows, dst.Cols, len(idx), set.X.Cols))
	}
	for i, k := range idx {
		copy(dst.Row(i), set.X.Row(k))
	}
	if dstLabels != nil {
		for i, k := range idx {
			dstLabels[i] = set.Labels[k]
		}
	}
}
