package mat32

import "fmt"

// PackedB is the right operand op(B) of a product packed once into the
// panels Gemm's micro-kernel reads, for an operand that takes part in
// several products before it changes (a weight matrix multiplied by the
// rows of a mini-batch in several blocks, or in several steps). GemmPacked
// multiplies by it; Pack and PackRows fill it, PackRows a block of B's rows
// at a time so that goroutines that own blocks of B can pack their own.
//
// A PackedB is tied to the micro-kernels in use when it was made.
type PackedB struct {
	set   *gemmKernels
	trans bool
	k, n  int
	kc    int // K block size, as gemmBlocked cuts K
	np    int // n rounded up to whole panels
	data  []float32
}

// NewPackedB returns storage for op(B), k x n: B is k x n, or n x k with
// trans (op(B) = B^T). Its contents are zero until packed.
func NewPackedB(k, n int, trans bool) *PackedB {
	if k <= 0 || n <= 0 {
		panic(fmt.Sprintf("mat32: NewPackedB(%d, %d): sizes must be positive", k, n))
	}
	set := gemmActive
	np := (n + set.nr - 1) / set.nr * set.nr
	return &PackedB{
		set: set, trans: trans, k: k, n: n,
		kc:   blockSize(k, set.kc, 16),
		np:   np,
		data: make([]float32, k*np),
	}
}

// Dims returns the shape k x n of op(B).
func (p *PackedB) Dims() (k, n int) { return p.k, p.n }

// Pack packs all of B.
func (p *PackedB) Pack(b *Dense) {
	p.checkB(b)
	p.PackRows(b, 0, b.Rows)
}

func (p *PackedB) checkB(b *Dense) {
	r, c := p.k, p.n
	if p.trans {
		r, c = c, r
	}
	if b.Rows != r || b.Cols != c {
		panic(fmt.Sprintf("mat32: PackedB for %dx%d B (trans %v) given %dx%d", r, c, p.trans, b.Rows, b.Cols))
	}
}

// PackRows packs rows [lo, hi) of B (not of op(B)); the other rows keep
// what was packed before. Goroutines may pack disjoint row ranges of the
// same PackedB at once. Packing is fastest for ranges that start at a
// multiple of 64 rows.
func (p *PackedB) PackRows(b *Dense, lo, hi int) {
	p.checkB(b)
	if lo < 0 || hi < lo || hi > b.Rows {
		panic(fmt.Sprintf("mat32: PackRows [%d, %d) out of range of %d rows", lo, hi, b.Rows))
	}
	if lo == hi {
		return
	}
	checkView("B", b)
	nr := p.set.nr
	if !p.trans {
		// Rows of B are steps of op(B): each K block's share of [lo, hi)
		// is a run of steps in every panel.
		for pc := lo / p.kc * p.kc; pc < hi; pc += p.kc {
			kc := min(p.kc, p.k-pc)
			r0, r1 := max(lo, pc), min(hi, pc+kc)
			for j := 0; j < p.n; j += nr {
				off := pc*p.np + j*kc + (r0-pc)*nr
				p.set.packB(p.data[off:off+(r1-r0)*nr], b, false, r0, r1-r0, j, min(nr, p.n-j), nr)
			}
		}
		return
	}
	// Row r of B is column r of op(B): whole panels of rows through the
	// kernel set's packer, the rows of partial panels one at a time.
	for pc := 0; pc < p.k; pc += p.kc {
		kc := min(p.kc, p.k-pc)
		blk := p.data[pc*p.np : pc*p.np+kc*p.np]
		r := lo
		for ; r < hi && r%nr != 0; r++ {
			p.packCol(blk, b, r, pc, kc)
		}
		whole := (hi - r) / nr * nr
		if hi == p.n {
			whole = hi - r // the last panel is padded by the packer
		}
		if whole > 0 {
			p.set.packB(blk[r*kc:], b, true, pc, kc, r, whole, nr)
			r += whole
		}
		for ; r < hi; r++ {
			p.packCol(blk, b, r, pc, kc)
		}
	}
}

// packCol packs row r of B, column r of op(B), into the K block blk that
// starts at step pc and has kc steps.
func (p *PackedB) packCol(blk []float32, b *Dense, r, pc, kc int) {
	nr := p.set.nr
	q := r / nr * nr
	transposeInto(blk[q*kc+r-q:], nr, b.Data[r*b.Stride+pc:r*b.Stride+pc+kc])
	if r == p.n-1 {
		for s := 0; s < kc; s++ {
			clear(blk[q*kc+s*nr+r-q+1 : q*kc+s*nr+nr])
		}
	}
}

// GemmPacked computes C = alpha*op(A)*op(B) + beta*C as Gemm does, with
// op(B) packed in b, on the calling goroutine alone (callers split the
// rows of A and C across their own goroutines).
func GemmPacked(transA bool, alpha float32, a *Dense, b *PackedB, beta float32, c *Dense) {
	m, k := a.Rows, a.Cols
	if transA {
		m, k = k, m
	}
	if k != b.k || c.Rows != m || c.Cols != b.n {
		panic(fmt.Sprintf("mat32: GemmPacked shape mismatch: op(A) %dx%d, op(B) %dx%d, C %dx%d", m, k, b.k, b.n, c.Rows, c.Cols))
	}
	checkView("A", a)
	checkView("C", c)
	if m == 0 {
		return
	}
	if alpha == 0 {
		scaleDense(c, beta)
		return
	}
	buf := gemmGetBuf(b.set)
	gemmBlocked(b.set, buf, transA, b.trans, alpha, a, nil, b, beta, c, 0, m, 0, b.n, k)
	gemmPutBuf(buf)
}
