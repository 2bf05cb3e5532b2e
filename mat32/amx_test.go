package mat32

import (
	"fmt"
	"math"
	"sync"
	"testing"
	"unsafe"

	"math/rand/v2"
)

func TestAMXArgsLayout(t *testing.T) {
	var a amxArgs
	// The offsets amx_amd64.s uses.
	for _, f := range []struct {
		name      string
		got, want uintptr
	}{
		{"a", unsafe.Offsetof(a.a), 64}, {"b", unsafe.Offsetof(a.b), 72},
		{"c", unsafe.Offsetof(a.c), 80}, {"ldc", unsafe.Offsetof(a.ldc), 88},
		{"tmp", unsafe.Offsetof(a.tmp), 96}, {"steps", unsafe.Offsetof(a.steps), 104},
		{"tail", unsafe.Offsetof(a.tail), 112}, {"bblk", unsafe.Offsetof(a.bblk), 120},
		{"nblk", unsafe.Offsetof(a.nblk), 128}, {"rows", unsafe.Offsetof(a.rows), 136},
		{"exact", unsafe.Offsetof(a.exact), 144}, {"alpha", unsafe.Offsetof(a.alpha), 152},
		{"beta", unsafe.Offsetof(a.beta), 156}, {"mask0", unsafe.Offsetof(a.mask0), 160},
		{"mask1", unsafe.Offsetof(a.mask1), 168}, {"beta0", unsafe.Offsetof(a.beta0), 176},
		{"first", unsafe.Offsetof(a.first), 184}, {"last", unsafe.Offsetof(a.last), 192},
		{"beta1", unsafe.Offsetof(a.beta1), 200}, {"lastFull", unsafe.Offsetof(a.lastFull), 208},
	} {
		if f.got != f.want {
			t.Errorf("amxArgs.%s at offset %d, amx_amd64.s reads %d", f.name, f.got, f.want)
		}
	}
}

func TestBF16Split(t *testing.T) {
	// Ties round to even; the lo part is the rounded remainder.
	for _, c := range []struct {
		x      float32
		hi, lo uint16
	}{
		{1, 0x3f80, 0},
		{math.Float32frombits(0x3f808000), 0x3f80, 0x3b80}, // tie, down to even: lo = 2^-8
		{math.Float32frombits(0x3f818000), 0x3f82, 0xbb80}, // tie, up to even: lo = -2^-8
		{math.Float32frombits(0x3f80c000), 0x3f81, 0xbb00}, // above the tie: lo = -2^-9
		{float32(math.Inf(-1)), 0xff80, 0},                 // lo zero, not NaN
		{math.MaxFloat32, 0x7f80, 0},                       // rounds to +Inf
		{float32(math.Copysign(0, -1)), 0x8000, 0},
	} {
		hi, lo := bfSplit(c.x)
		if hi != c.hi || lo != c.lo {
			t.Errorf("bfSplit(%g = %#x) = %#04x, %#04x, want %#04x, %#04x", c.x, math.Float32bits(c.x), hi, lo, c.hi, c.lo)
		}
	}
	if hi, _ := bfSplit(float32(math.NaN())); hi&0x7f80 != 0x7f80 || hi&0x7f == 0 {
		t.Errorf("bfSplit(NaN) hi = %#04x, not a NaN", hi)
	}
	if !AMX() {
		return
	}
	// The assembly agrees with bfSplit bit for bit on normal numbers of
	// every exponent, and reports inexact parts.
	r := rand.New(rand.NewPCG(1, 0))
	const n = 4096
	x := make([]float32, n)
	for i := range x {
		x[i] = math.Float32frombits(uint32(r.Uint64()))
		if e := math.Float32bits(x[i]) >> 23 & 0xff; e == 0 || e == 0xff {
			x[i] = float32(r.NormFloat64())
		}
	}
	x[5] = float32(math.Inf(1))
	hi, lo := make([]uint16, n+32), make([]uint16, n+32)
	hi[n], lo[n] = 0xdead, 0xdead
	if !amxSplit(&hi[0], &lo[0], &x[0], n) {
		t.Errorf("amxSplit reported exact parts for random data")
	}
	for i, v := range x {
		wh, wl := bfSplit(v)
		if wl&0x7f80 == 0 { // a denormal lo: the assembly flushes it
			wl &= 0x8000
			lo[i] &= 0x8000
		}
		if hi[i] != wh || lo[i] != wl {
			t.Fatalf("amxSplit(%g = %#x) = %#04x, %#04x, want %#04x, %#04x", v, math.Float32bits(v), hi[i], lo[i], wh, wl)
		}
	}
	if hi[n] != 0xdead || lo[n] != 0xdead {
		t.Errorf("amxSplit wrote past n")
	}
	for i := range x {
		x[i] = float32(i%7) - 3
	}
	if amxSplit(&hi[0], &lo[0], &x[0], n) {
		t.Errorf("amxSplit reported inexact parts for small integers")
	}
}

// gemmRef64 returns op(A)*op(B) and sum_l |op(A)_il||op(B)_lj| in float64.
func gemmRef64(transA, transB bool, a, b *Dense, m, n, k int) (ab, abs []float64) {
	ab, abs = make([]float64, m*n), make([]float64, m*n)
	opA := func(i, l int) float64 {
		if transA {
			return float64(a.At(l, i))
		}
		return float64(a.At(i, l))
	}
	col := make([]float64, k)
	for j := 0; j < n; j++ {
		for l := range col {
			if transB {
				col[l] = float64(b.At(j, l))
			} else {
				col[l] = float64(b.At(l, j))
			}
		}
		for i := 0; i < m; i++ {
			var s, sa float64
			for l, bv := range col {
				p := opA(i, l) * bv
				s += p
				sa += math.Abs(p)
			}
			ab[i*n+j], abs[i*n+j] = s, sa
		}
	}
	return ab, abs
}

// nanView returns an r x c view into the middle of a NaN-filled matrix.
func nanView(r, c int) (view, whole *Dense) {
	whole = NewDense(r+3, c+5, nil)
	whole.Fill(float32(math.NaN()))
	return whole.Slice(1, 1+r, 2, 2+c), whole
}

func fillUniform(r *rand.Rand, x *Dense) {
	for i := 0; i < x.Rows; i++ {
		row := x.Row(i)
		for j := range row {
			row[j] = 2*r.Float32() - 1
		}
	}
}

// checkGemmBF16 runs GemmBF16 on NaN-bordered views and checks every
// element against the float64 product within the bound the bf16 split
// gives. With the split x = hi + lo + e, |lo| <= 2^-8|x| and |e| <= 2^-16|x|,
// so each product a*b differs from Ah*Bh + Ah*Bl + Al*Bh by at most
// |Al*Bl| + |e_a*b| + |a*e_b| (+ smaller terms) <= 3.1*2^-16 |a||b|; the
// float32 accumulation of 3k such terms adds at most 3k*2^-24 of
// sum_l |a_il||b_lj| (the deterministic worst case), and the epilogue
// alpha*s + beta*c two roundings of 2^-24.
func checkGemmBF16(t *testing.T, r *rand.Rand, transA, transB bool, m, n, k int, alpha, beta float32, zeroOneA bool, blocks int) {
	t.Helper()
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	a, aw := nanView(ar, ac)
	b, _ := nanView(br, bc)
	c, cw := nanView(m, n)
	fillUniform(r, a)
	if zeroOneA {
		for i := 0; i < ar; i++ {
			for j, v := range a.Row(i) {
				a.Row(i)[j] = float32(math.Round(float64(v+1) / 2))
			}
		}
	}
	fillUniform(r, b)
	var c0 *Dense
	if beta != 0 {
		fillUniform(r, c)
		c0 = c.Clone()
	}
	pb := NewPackedBF16(k, n, transB)
	// Pack in blocks of rows, at once from several goroutines.
	var wg sync.WaitGroup
	for q := 0; q < blocks; q++ {
		lo, hi := q*br/blocks, (q+1)*br/blocks
		wg.Go(func() { pb.PackRows(b, lo, hi) })
	}
	wg.Wait()
	awBefore := aw.Clone()
	GemmBF16(transA, alpha, a, pb, beta, c)
	ab, abs := gemmRef64(transA, transB, a, b, m, n, k)
	bad := 0
	maxRel := 0.0
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			want, bc := float64(alpha)*ab[i*n+j], 0.0
			if beta != 0 {
				bc = float64(beta) * float64(c0.At(i, j))
				want += bc
			}
			got := float64(c.At(i, j))
			s := math.Abs(float64(alpha)) * abs[i*n+j]
			tol := s*(3.1*0x1p-16+3*float64(k)*0x1p-24) + 2*0x1p-24*(s+math.Abs(bc)) + 1e-30
			if d := math.Abs(got - want); !(d <= tol) {
				if bad++; bad < 5 {
					t.Errorf("C[%d,%d] = %g, want %g (error %.3g > tolerance %.3g)", i, j, got, want, d, tol)
				}
			} else if s > 0 {
				maxRel = max(maxRel, d/s)
			}
		}
	}
	// A bf16-only product would be off by about 2^-9 of s; the split
	// must do far better.
	if maxRel > 0x1p-13 {
		t.Errorf("largest error %.3g of sum |a||b|: the lo parts were not used", maxRel)
	}
	// Nothing outside the views was written, and A was not changed.
	for i := 0; i < cw.Rows; i++ {
		for j, v := range cw.Row(i) {
			if inside := i >= 1 && i < 1+m && j >= 2 && j < 2+n; !inside && !math.IsNaN(float64(v)) {
				t.Fatalf("C's border written at [%d,%d] = %g", i, j, v)
			}
		}
	}
	for i := 0; i < aw.Rows; i++ {
		for j, v := range aw.Row(i) {
			if w := awBefore.At(i, j); math.Float32bits(v) != math.Float32bits(w) {
				t.Fatalf("A changed at [%d,%d]", i, j)
			}
		}
	}
}

func TestGemmBF16(t *testing.T) {
	if !AMX() {
		t.Skip("no AMX-BF16")
	}
	r := rand.New(rand.NewPCG(7, 0))
	type shape struct{ m, n, k int }
	small := []shape{{1, 1, 1}, {17, 33, 65}, {33, 17, 31}, {32, 32, 32}, {16, 16, 16},
		{5, 40, 10}, {40, 5, 11}, {64, 48, 96}, {31, 65, 33}, {48, 31, 100}, {64, 64, 64}, {96, 64, 300}}
	for _, s := range small {
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				t.Run(fmt.Sprintf("%dx%dx%d/tA=%v/tB=%v", s.m, s.n, s.k, tA, tB), func(t *testing.T) {
					checkGemmBF16(t, r, tA, tB, s.m, s.n, s.k, 1.5, 0, false, 1)
					checkGemmBF16(t, r, tA, tB, s.m, s.n, s.k, -0.5, 0.75, false, 3)
					checkGemmBF16(t, r, tA, tB, s.m, s.n, s.k, 1, 1, true, 2)
					checkGemmBF16(t, r, tA, tB, s.m, s.n, s.k, 1, 0, false, 1)
				})
			}
		}
	}
	// The RBM trainer's three products (V1 = H0s W^T with 0/1 H0s,
	// H1 = V1 W, grad += alpha V1^T H1).
	t.Run("rbm", func(t *testing.T) {
		checkGemmBF16(t, r, false, true, 100, 784, 500, 1, 0, true, 4)
		checkGemmBF16(t, r, false, false, 100, 500, 784, 1, 0, false, 4)
		checkGemmBF16(t, r, true, false, 784, 500, 100, 0.01, 0.9, false, 3)
	})
}

// TestGemmBF16Exact checks panels of 0/1 rows next to panels of other
// rows: bf16 holds 0/1 sums of small integers exactly, so a 0/1 A times
// a B of small integers is exact whichever path each panel takes.
func TestGemmBF16Exact(t *testing.T) {
	if !AMX() {
		t.Skip("no AMX-BF16")
	}
	r := rand.New(rand.NewPCG(3, 0))
	m, n, k := 70, 40, 50
	a, b, c := NewDense(m, k, nil), NewDense(k, n, nil), NewDense(m, n, nil)
	for i := 0; i < m; i++ {
		for j := range a.Row(i) {
			a.Row(i)[j] = float32(r.IntN(2))
			if i >= 32 && i < 64 {
				a.Row(i)[j] += 0.5 // bf16-exact too
			}
		}
	}
	for i := 0; i < k; i++ {
		for j := range b.Row(i) {
			b.Row(i)[j] = float32(r.IntN(9) - 4)
		}
	}
	a.Set(65, 3, 1+0x1p-12) // not bf16: this panel takes the three-term path
	want := NewDense(m, n, nil)
	GemmRef(false, false, 1, a, b, 0, want)
	pb := NewPackedBF16(k, n, false)
	pb.Pack(b)
	c.Fill(float32(math.NaN()))
	GemmBF16(false, 1, a, pb, 0, c)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			if c.At(i, j) != want.At(i, j) {
				t.Fatalf("C[%d,%d] = %g, want %g exactly", i, j, c.At(i, j), want.At(i, j))
			}
		}
	}
}

func TestGemmBF16Allocs(t *testing.T) {
	if !AMX() {
		t.Skip("no AMX-BF16")
	}
	a, w, c := NewDense(100, 784, nil), NewDense(784, 500, nil), NewDense(100, 500, nil)
	a.Fill(0.5)
	w.Fill(0.25)
	pw := NewPackedBF16(784, 500, false)
	pw.Pack(w)
	at := NewDense(784, 100, nil)
	ct := NewDense(100, 100, nil)
	pt := NewPackedBF16(784, 100, false)
	pt.Pack(at)
	GemmBF16(false, 1, a, pw, 0, c)
	if n := testing.AllocsPerRun(20, func() {
		GemmBF16(false, 1, a, pw, 0.5, c)
		GemmBF16(true, 1, at, pt, 0, ct)
		pw.PackRows(w, 10, 90)
	}); n != 0 {
		t.Errorf("GemmBF16 and PackRows allocate %v times per call", n)
	}
}

// TestGemmBF16Concurrent multiplies disjoint row blocks of C on several
// goroutines with one PackedBF16 and expects the serial result bit for
// bit (run with -race).
func TestGemmBF16Concurrent(t *testing.T) {
	if !AMX() {
		t.Skip("no AMX-BF16")
	}
	r := rand.New(rand.NewPCG(11, 0))
	m, n, k := 150, 70, 90
	a, b := NewDense(m, k, nil), NewDense(n, k, nil)
	fillUniform(r, a)
	fillUniform(r, b)
	pb := NewPackedBF16(k, n, true)
	pb.Pack(b)
	want, got := NewDense(m, n, nil), NewDense(m, n, nil)
	GemmBF16(false, 1, a, pb, 0, want)
	var wg sync.WaitGroup
	for q := 0; q < 5; q++ {
		lo, hi := q*m/5, (q+1)*m/5
		wg.Go(func() {
			for range 10 {
				GemmBF16(false, 1, a.Slice(lo, hi, 0, k), pb, 0, got.Slice(lo, hi, 0, n))
			}
		})
	}
	wg.Wait()
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			if math.Float32bits(got.At(i, j)) != math.Float32bits(want.At(i, j)) {
				t.Fatalf("C[%d,%d] = %g concurrently, %g serially", i, j, got.At(i, j), want.At(i, j))
			}
		}
	}
}

func TestGemmBF16Panics(t *testing.T) {
	pb := NewPackedBF16(4, 5, false)
	for name, f := range map[string]func(){
		"shape":   func() { GemmBF16(false, 1, NewDense(3, 5, nil), pb, 0, NewDense(3, 5, nil)) },
		"C shape": func() { GemmBF16(false, 1, NewDense(3, 4, nil), pb, 0, NewDense(3, 6, nil)) },
		"pack":    func() { pb.Pack(NewDense(5, 4, nil)) },
		"rows":    func() { pb.PackRows(NewDense(4, 5, nil), 2, 5) },
		"size":    func() { NewPackedBF16(0, 5, false) },
	} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if len(msg) < 6 || msg[:6] != "mat32:" {
					t.Errorf("%s: panic %q, want a mat32: panic", name, msg)
				}
			}()
			f()
		}()
	}
}

// TestPackedBF16Paths packs B with the assembly (pairs of rows, blocks of
// 16 columns) and element by element in Go, and expects the same bits.
func TestPackedBF16Paths(t *testing.T) {
	if !AMX() {
		t.Skip("no AMX-BF16")
	}
	r := rand.New(rand.NewPCG(5, 0))
	for _, s := range []struct{ k, n int }{{100, 70}, {64, 48}, {33, 17}, {500, 784}} {
		for _, trans := range []bool{false, true} {
			br, bc := s.k, s.n
			if trans {
				br, bc = bc, br
			}
			b, _ := nanView(br, bc)
			fillUniform(r, b)
			fast, slow := NewPackedBF16(s.k, s.n, trans), NewPackedBF16(s.k, s.n, trans)
			fast.PackRows(b, 0, br/3)
			fast.PackRows(b, br/3, br)
			h, l := make([]uint16, bc), make([]uint16, bc)
			for i := 0; i < br; i++ {
				for j, v := range b.Row(i) {
					h[j], l[j] = bfSplit(v)
				}
				if trans {
					slow.packCol(i, h, l)
				} else {
					slow.packRow(i, h, l)
				}
			}
			for i := range fast.data {
				if fast.data[i] != slow.data[i] {
					t.Fatalf("k %d n %d trans %v: packed[%d] = %#04x by the assembly, %#04x in Go", s.k, s.n, trans, i, fast.data[i], slow.data[i])
				}
			}
		}
	}
}
