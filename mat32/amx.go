package mat32

import (
	"fmt"
	"math"
	"sync"
)

// The AMX product GemmBF16 splits every float32 x into bf16 parts
// hi = bf16(x) (round to nearest even) and lo = bf16(x - hi), and computes
// op(A)*op(B) as Ah*Bh + Ah*Bl + Al*Bh with TDPBF16PS, which accumulates
// in float32. The dropped Al*Bl term and the rounding of lo leave a
// relative error of a few 2^-16 of sum_l |a_il||b_lj| (float32 leaves
// about k*2^-24 of it).
//
// Packed layouts (in bf16 units). K is cut into steps = k/32 main steps
// of 32 and a tail of kt = k%32. The tail's three terms are laid end to
// end, [Ah Ah Al] against [Bh; Bl; Bh], 3*kt long, padded with zeros to
// amxTail(kt) steps of 32: a short tail then costs one tile product, not
// three.
//
//   - B, per 32-column block j (bblk = steps*2048 + tail*1024 units):
//     main step s at j*bblk + s*2048: Bh columns 0-15, Bh columns 16-31,
//     Bl columns 0-15, Bl columns 16-31, each a 16x32 tile (512 units) in
//     the VNNI order TDPBF16PS reads: row q holds for each column c the
//     pair (b[2q][c], b[2q+1][c]). Tail step t at j*bblk + steps*2048 +
//     t*1024: columns 0-15, columns 16-31.
//   - A, per 32-row panel: main step s at s*2048: Ah (32 rows of 32),
//     then Al; tail step t at steps*2048 + t*1024 (32 rows of 32).

// amxTail returns the number of 32-long tail steps for kt leftover steps
// of K and n terms laid end to end.
func amxTail(kt, n int) int { return (n*kt + 31) / 32 }

// amxArgs is what amxPanel reads (field offsets are fixed in
// amx_amd64.s and checked by a test).
type amxArgs struct {
	cfg      [64]byte // tile configuration for LDTILECFG
	a        *uint16  // packed A panel
	b        *uint16  // packed B
	c        *float32 // C at the panel's first row, column 0
	ldc      int      // C's stride in bytes
	tmp      *float32 // 32x32 float32 accumulators per column block (the last is used)
	steps    int      // main K steps
	tail     int      // tail steps to run
	bblk     int      // bytes per column block of packed B
	nblk     int      // column blocks
	rows     int      // rows of the panel, 1-32
	exact    int      // nonzero: the panel's lo parts are all zero
	alpha    float32
	beta     float32
	mask0    uint64 // columns 0-15 of the last block
	mask1    uint64 // columns 16-31 of the last block
	beta0    int    // nonzero: beta is zero, C is not read
	first    int    // nonzero: the first chunk of K, accumulators start at 0
	last     int    // nonzero: the last chunk of K, write C
	beta1    int    // nonzero: beta is 1, C is not scaled
	lastFull int    // nonzero: the last column block is whole
}

// amxChunk is the number of main K steps multiplied per amxPanel call:
// the A panel's share (4 KiB a step) stays in the 48 KiB L1 while every
// column block of B streams past it.
const amxChunk = 8

// amxGroup is the number of 32-row panels of A converted at once and
// multiplied by each chunk of B in turn.
const amxGroup = 4

// amxPad is the padding (in bf16 units) after packed A and B: the kernel
// loads the next step's first tiles before it knows there is one.
const amxPad = 2048

// PackedBF16 is the right operand op(B) of GemmBF16 packed once into the
// bf16 hi and lo tiles the AMX kernel reads, for an operand that takes
// part in several products before it changes. Pack and PackRows fill it,
// PackRows a block of B's rows at a time so that goroutines that own
// blocks of B can pack their own.
type PackedBF16 struct {
	trans     bool
	k, n      int
	steps, kt int // main K steps of 32; leftover steps
	tail      int // tail steps of the three terms
	nblk      int // 32-column blocks
	bblk      int // bf16 units per column block
	data      []uint16
	// tailOff[u] is the offset, within a column's tail tiles, of element
	// u of the tail's three terms laid end to end (3*kt of them).
	tailOff []int32
}

// NewPackedBF16 returns storage for op(B), k x n: B is k x n, or n x k
// with trans (op(B) = B^T). Its contents are zero until packed.
func NewPackedBF16(k, n int, trans bool) *PackedBF16 {
	if k <= 0 || n <= 0 {
		panic(fmt.Sprintf("mat32: NewPackedBF16(%d, %d): sizes must be positive", k, n))
	}
	p := &PackedBF16{trans: trans, k: k, n: n, steps: k / 32, kt: k % 32}
	p.tail = amxTail(p.kt, 3)
	p.nblk = (n + 31) / 32
	p.bblk = p.steps*2048 + p.tail*1024
	p.data = make([]uint16, p.nblk*p.bblk+amxPad)
	p.tailOff = make([]int32, 3*p.kt)
	for u := range p.tailOff {
		p.tailOff[u] = int32(u/32*1024 + u%32/2*32 + u&1)
	}
	return p
}

// Dims returns the shape k x n of op(B).
func (p *PackedBF16) Dims() (k, n int) { return p.k, p.n }

// Pack packs all of B.
func (p *PackedBF16) Pack(b *Dense) {
	p.checkB(b)
	p.PackRows(b, 0, b.Rows)
}

func (p *PackedBF16) checkB(b *Dense) {
	r, c := p.k, p.n
	if p.trans {
		r, c = c, r
	}
	if b.Rows != r || b.Cols != c {
		panic(fmt.Sprintf("mat32: PackedBF16 for %dx%d B (trans %v) given %dx%d", r, c, p.trans, b.Rows, b.Cols))
	}
}

// PackRows packs rows [lo, hi) of B (not of op(B)); the other rows keep
// what was packed before. Goroutines may pack disjoint row ranges of the
// same PackedBF16 at once.
func (p *PackedBF16) PackRows(b *Dense, lo, hi int) {
	p.checkB(b)
	if lo < 0 || hi < lo || hi > b.Rows {
		panic(fmt.Sprintf("mat32: PackRows [%d, %d) out of range of %d rows", lo, hi, b.Rows))
	}
	if lo == hi {
		return
	}
	checkView("B", b)
	buf := amxGetBuf()
	defer amxPutBuf(buf)
	buf.hi, buf.lo = growU16(buf.hi, b.Cols), growU16(buf.lo, b.Cols)
	h, l := buf.hi[:b.Cols], buf.lo[:b.Cols]
	asm := amxAsm && AMX()
	main := p.steps * 32
	for r := lo; r < hi; {
		switch {
		case asm && !p.trans && r%2 == 0 && r+1 < min(hi, main):
			// Two steps of op(B) at once, all column blocks.
			last := p.n - (p.nblk-1)*32
			off := r/32*2048 + (r%32)/2*32
			amxPackPairs(&p.data[off], &b.Data[r*b.Stride], b.Stride*4, p.nblk, p.bblk*2, uint32(uint64(1)<<last-1))
			r += 2
		case asm && p.trans && r%16 == 0 && r+16 <= hi && r+16 <= p.n && p.steps > 0:
			// 16 columns of op(B): the main steps at once, then the tails.
			amxPackT(&p.data[r/32*p.bblk+r%32/16*512], &b.Data[r*b.Stride], b.Stride*4, p.steps, &buf.scratch[0])
			if p.kt > 0 {
				for c := r; c < r+16; c++ {
					x := b.Row(c)
					var th, tl [32]uint16
					if len(x) >= 32 {
						// the row's last 32 values hold the tail
						amxSplit(&th[0], &tl[0], &x[len(x)-32], 32)
						p.packColTail(c, th[32-p.kt:], tl[32-p.kt:])
					} else {
						bfSplitRow(th[:p.kt], tl[:p.kt], x[main:])
						p.packColTail(c, th[:p.kt], tl[:p.kt])
					}
				}
			}
			r += 16
		default:
			bfSplitRow(h, l, b.Row(r))
			if p.trans {
				p.packCol(r, h, l)
			} else {
				p.packRow(r, h, l)
			}
			r++
		}
	}
}

// packRow stores step r of op(B), split into h and l (n each).
func (p *PackedBF16) packRow(r int, h, l []uint16) {
	if r < p.steps*32 {
		off := r/32*2048 + (r%32)/2*32 + r&1
		for j := 0; j < p.nblk; j++ {
			d := p.data[j*p.bblk+off:]
			cols := min(32, p.n-j*32)
			hs, ls := h[j*32:j*32+cols], l[j*32:j*32+cols]
			for c := range hs {
				o := c/16*512 + c%16*2
				d[o] = hs[c]
				d[o+1024] = ls[c]
			}
		}
		return
	}
	kk := r - p.steps*32
	for seg, part := range [3][]uint16{h, l, h} {
		u := seg*p.kt + kk
		off := p.steps*2048 + u/32*1024 + u%32/2*32 + u&1
		for j := 0; j < p.nblk; j++ {
			d := p.data[j*p.bblk+off:]
			cols := min(32, p.n-j*32)
			for c, v := range part[j*32 : j*32+cols] {
				d[c/16*512+c%16*2] = v
			}
		}
	}
}

// packCol stores column c of op(B), split into h and l (k each).
func (p *PackedBF16) packCol(c int, h, l []uint16) {
	d := p.data[c/32*p.bblk+c%32/16*512+c%16*2:]
	main := p.steps * 32
	for r := 0; r < main; r += 2 {
		off := r/32*2048 + (r%32)/2*32
		d[off], d[off+1] = h[r], h[r+1]
		d[off+1024], d[off+1025] = l[r], l[r+1]
	}
	p.packColTail(c, h[main:], l[main:])
}

// packColTail stores the tail of column c of op(B), split into h and l
// (kt each).
func (p *PackedBF16) packColTail(c int, h, l []uint16) {
	d := p.data[c/32*p.bblk+c%32/16*512+c%16*2+p.steps*2048:]
	off := p.tailOff
	kt := len(h)
	for i, v := range h {
		d[off[i]] = v
		d[off[2*kt+i]] = v
	}
	for i, v := range l {
		d[off[kt+i]] = v
	}
}

// bf16 returns x rounded to the nearest bf16, ties to even (NaNs stay
// NaNs), as the bits of its upper half.
func bf16(x float32) uint16 {
	u := math.Float32bits(x)
	if u&0x7fffffff > 0x7f800000 {
		return uint16(u>>16) | 0x40
	}
	return uint16((u + 0x7fff + (u>>16)&1) >> 16)
}

// bfSplit returns the bf16 parts of x: hi = bf16(x), lo = bf16(x - hi),
// lo zero where hi is infinite.
func bfSplit(x float32) (hi, lo uint16) {
	hi = bf16(x)
	h := math.Float32frombits(uint32(hi) << 16)
	if math.IsInf(float64(h), 0) {
		return hi, 0
	}
	return hi, bf16(x - h)
}

// bfSplitRow splits x into h and l, reporting whether any l is nonzero.
func bfSplitRow(h, l []uint16, x []float32) bool {
	n := len(x)
	inexact := false
	if n32 := n / 32 * 32; n32 > 0 && amxAsm && AMX() {
		inexact = amxSplit(&h[0], &l[0], &x[0], n32)
		h, l, x = h[n32:], l[n32:], x[n32:]
	}
	for i, v := range x {
		h[i], l[i] = bfSplit(v)
		inexact = inexact || l[i] != 0
	}
	return inexact
}

// amxBuf is one call's scratch: the converted A panel, the C tile and the
// kernel's arguments.
type amxBuf struct {
	args    amxArgs
	tmp     []float32
	a       []uint16
	hi, lo  []uint16
	scratch [1024]uint32 // amxConvCols's transposes
	x       [32]float32  // split32's input
	cols    []float32    // amxConvT's copy of fewer than 32 columns of A
	sq      [32 * 32]float32
	step    [2048]uint16 // amxConvT's tail step
}

// amxPool keeps the scratch of finished calls (a plain list rather than
// a sync.Pool, which drops entries at every GC and at random under the
// race detector: a call then allocates).
var amxPool struct {
	mu   sync.Mutex
	bufs []*amxBuf
}

func amxGetBuf() *amxBuf {
	p := &amxPool
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.bufs); n > 0 {
		b := p.bufs[n-1]
		p.bufs = p.bufs[:n-1]
		return b
	}
	return new(amxBuf)
}

func amxPutBuf(b *amxBuf) {
	p := &amxPool
	p.mu.Lock()
	p.bufs = append(p.bufs, b)
	p.mu.Unlock()
}

func growU16(s []uint16, n int) []uint16 {
	if cap(s) < n {
		return make([]uint16, n)
	}
	return s[:n]
}

// GemmBF16 computes C = alpha*op(A)*op(B) + beta*C, op(A) = A or A^T, with
// the AMX tile unit. alpha*op(A) (one float32 rounding) and op(B) are
// split into bf16 hi and lo parts and multiplied as Ah*Bh + Ah*Bl + Al*Bh
// with float32 accumulation, for an error of about 3*2^-16 of
// sum_l |alpha*op(A)_il||op(B)_lj| plus float32's own k*2^-24 of it (3
// tile products per step of K; 2 for a panel of 32 rows that bf16 holds
// exactly, such as 0/1 samples with alpha 1). It runs on the calling
// goroutine alone and allocates nothing once warm; goroutines may call it
// at once on disjoint rows of C with one shared PackedBF16. When beta is
// zero C is not read. It panics unless AMX() reports true.
func GemmBF16(transA bool, alpha float32, a *Dense, b *PackedBF16, beta float32, c *Dense) {
	m, k := a.Rows, a.Cols
	if transA {
		m, k = k, m
	}
	if k != b.k || c.Rows != m || c.Cols != b.n {
		panic(fmt.Sprintf("mat32: GemmBF16 shape mismatch: op(A) %dx%d, op(B) %dx%d, C %dx%d", m, k, b.k, b.n, c.Rows, c.Cols))
	}
	if !AMX() {
		panic("mat32: GemmBF16: no AMX-BF16 on this CPU or permission denied (check AMX())")
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
	buf := amxGetBuf()
	plen := b.steps*2048 + b.tail*1024 // bf16 units per A panel
	buf.a = growU16(buf.a, amxGroup*plen+amxPad)
	buf.hi, buf.lo = growU16(buf.hi, 32), growU16(buf.lo, 32)
	chunks := max(1, (b.steps+amxChunk-1)/amxChunk)
	ntmp := b.nblk * 1024
	if chunks > 1 {
		ntmp *= amxGroup // each panel's accumulators live between chunks
	}
	if cap(buf.tmp) < ntmp {
		buf.tmp = make([]float32, ntmp)
	}
	args := &buf.args
	// alpha is applied to A as it is converted (one more rounding, of
	// 2^-24, beside the 2^-16 of the split), so that whole blocks of C
	// accumulate in the tiles: C = (alpha*A)*B + beta*C.
	*args = amxArgs{
		ldc: c.Stride * 4, bblk: b.bblk * 2, nblk: b.nblk,
		alpha: 1, beta: beta,
	}
	if beta == 0 {
		args.beta0 = 1
	}
	if beta == 1 {
		args.beta1 = 1
	}
	last := b.n - (b.nblk-1)*32
	if last == 32 {
		args.lastFull = 1
	}
	args.mask0 = 1<<min(last, 16) - 1
	args.mask1 = 1<<max(last-16, 0) - 1
	// Groups of amxGroup panels of 32 rows: convert the group's rows of A,
	// then for each chunk of K run every panel, so that the chunk of B
	// (amxChunk steps of every column block) is read from L2 by all.
	var exact [amxGroup]bool
	for g0 := 0; g0 < m; g0 += amxGroup * 32 {
		np := min(amxGroup, (m-g0+31)/32)
		for p := 0; p < np; p++ {
			i0 := g0 + p*32
			rows := min(32, m-i0)
			d := buf.a[p*plen:]
			if transA {
				exact[p] = !amxConvT(buf, d, a, i0, rows, b, alpha)
			} else {
				exact[p] = !amxConv(buf, d, a, i0, rows, b, alpha)
			}
		}
		for s := 0; s < chunks; s++ {
			args.steps = min(amxChunk, b.steps-s*amxChunk)
			for p := 0; p < np; p++ {
				i0 := g0 + p*32
				rows := min(32, m-i0)
				args.c = &c.Data[i0*c.Stride]
				args.rows = rows
				args.tmp = &buf.tmp[0]
				if chunks > 1 {
					args.tmp = &buf.tmp[p*b.nblk*1024]
				}
				args.exact, args.first, args.last, args.tail = 0, 0, 0, 0
				if exact[p] {
					args.exact = 1
				}
				if s == 0 {
					args.first = 1
				}
				if s == chunks-1 {
					args.last, args.tail = 1, b.tail
					if exact[p] {
						args.tail = amxTail(b.kt, 2)
					}
				}
				amxConfig(&args.cfg, rows)
				args.a, args.b = &buf.a[p*plen+s*amxChunk*2048], &b.data[s*amxChunk*2048]
				amxPanel(args)
			}
		}
	}
	args.a, args.b, args.c = nil, nil, nil
	amxPutBuf(buf)
}

// amxConfig writes the tile configuration for a panel of rows rows:
// accumulators 0-3 (rows 0-15 and 16-31, columns 0-15 and 16-31), A tiles
// 4-5, B tiles 6-7, all 64 bytes wide.
func amxConfig(cfg *[64]byte, rows int) {
	*cfg = [64]byte{0: 1} // palette 1
	r0, r1 := min(rows, 16), max(rows-16, 0)
	for t, r := range [8]int{r0, r0, r1, r1, r0, r1, 16, 16} {
		if r > 0 {
			cfg[16+2*t] = 64
			cfg[48+t] = byte(r)
		}
	}
}

// split32 splits alpha*x (x at most 32 long) through the assembly,
// returning its hi and lo parts in buf.
func (buf *amxBuf) split32(x []float32, alpha float32) (h, l []uint16, inexact bool) {
	n := copy(buf.x[:], x)
	clear(buf.x[n:])
	if alpha != 1 {
		for i := range x {
			buf.x[i] *= alpha
		}
	}
	inexact = amxSplit(&buf.hi[0], &buf.lo[0], &buf.x[0], 32)
	return buf.hi[:n], buf.lo[:n], inexact
}

// putTail copies v to positions u0, u0+1, ... of one row of the tail
// steps t (each 32 long, 1024 apart).
func putTail(t []uint16, u0 int, v []uint16) {
	for len(v) > 0 {
		off := u0 % 32
		n := copy(t[u0/32*1024+off:u0/32*1024+32], v)
		u0, v = u0+n, v[n:]
	}
}

// clearTail zeroes positions u0 to 32*steps-1 of one row of the tail.
func clearTail(t []uint16, u0, steps int) {
	for ; u0 < 32*steps; u0 = (u0/32 + 1) * 32 {
		clear(t[u0/32*1024+u0%32 : u0/32*1024+32])
	}
}

// amxConv converts rows [i0, i0+rows) of A into the packed A layout at
// d, reporting whether any lo part is nonzero.
func amxConv(buf *amxBuf, d []uint16, a *Dense, i0, rows int, b *PackedBF16, alpha float32) bool {
	inexact := false
	if b.steps > 0 {
		inexact = amxConvRows(&d[0], &a.Data[i0*a.Stride], a.Stride*4, rows, b.steps, alpha)
	}
	if b.kt == 0 {
		return inexact
	}
	main := b.steps * 32
	t := d[b.steps*2048:]
	for r := 0; r < rows; r++ {
		h, l, ie := buf.split32(a.Data[(i0+r)*a.Stride+main:(i0+r)*a.Stride+b.k], alpha)
		inexact = inexact || ie
		row := t[r*32:]
		putTail(row, 0, h)
		putTail(row, b.kt, h)
		putTail(row, 2*b.kt, l)
		clearTail(row, 3*b.kt, b.tail)
	}
	return inexact
}

// amxConvT converts rows [i0, i0+rows) of op(A) = A^T, columns of A, into
// the packed A layout at d, reporting whether any lo part is nonzero. The
// assembly takes 32 columns: fewer are first copied, zero-padded, to
// buf.cols; the tail's rows of A go through a zero-padded 32x32 copy.
func amxConvT(buf *amxBuf, d []uint16, a *Dense, i0, rows int, b *PackedBF16, alpha float32) bool {
	src, lda := a.Data[i0:], a.Stride
	if rows < 32 {
		buf.cols = growF32(buf.cols, b.k*32)
		for s := 0; s < b.k; s++ {
			row := buf.cols[s*32 : s*32+32]
			clear(row[copy(row, a.Data[s*a.Stride+i0:s*a.Stride+i0+rows]):])
		}
		src, lda = buf.cols, 32
	}
	inexact := false
	if b.steps > 0 {
		inexact = amxConvCols(&d[0], &src[0], lda*4, b.steps, &buf.scratch[0], alpha)
	}
	if b.kt == 0 {
		return inexact
	}
	main := b.steps * 32
	for s := 0; s < 32; s++ {
		row := buf.sq[s*32 : s*32+32]
		if s < b.kt {
			copy(row, src[(main+s)*lda:(main+s)*lda+32])
		} else {
			clear(row)
		}
	}
	if amxConvCols(&buf.step[0], &buf.sq[0], 32*4, 1, &buf.scratch[0], alpha) {
		inexact = true
	}
	t := d[b.steps*2048:]
	for r := 0; r < rows; r++ {
		h, l := buf.step[r*32:r*32+b.kt], buf.step[1024+r*32:1024+r*32+b.kt]
		row := t[r*32:]
		putTail(row, 0, h)
		putTail(row, b.kt, h)
		putTail(row, 2*b.kt, l)
		clearTail(row, 3*b.kt, b.tail)
	}
	return inexact
}

func growF32(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}
