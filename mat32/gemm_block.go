package mat32

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// gemmKernFunc computes the tile C[0:mr, 0:nr] = alpha*Ap*Bp + beta*C for
// one micro-kernel of a gemmKernels set: Ap is a packed panel of kc steps of
// mr floats, Bp one of kc steps of nr floats, and C's rows are ldc floats
// apart. When beta is 0, C is not read.
type gemmKernFunc func(kc int, a, b, c *float32, ldc int, alpha, beta float32)

// gemmKernels is a set of micro-kernels with the block sizes that suit them
// (the GotoBLAS / BLIS scheme): the A block (mc x kc) is packed into panels
// of mr rows, the B block (kc x nc) into panels of nr columns; an A panel
// stays in L1 while the B block, in L2, streams past it.
type gemmKernels struct {
	name       string
	mr, nr     int
	mc, kc, nc int // largest block sizes; mc is a multiple of mr, nc of nr
	// kern[r] handles panels of r rows, 1 <= r <= mr; each is full nr wide.
	kern []gemmKernFunc
	// packA and packB pack blocks as the functions packA and packB (the
	// pure-Go ones) document.
	packA func(dst []float32, a *Dense, trans bool, i0, mc, p0, kc, mr int)
	packB func(dst []float32, b *Dense, trans bool, p0, kc, j0, nc, nr int)
}

// gemmActive is the kernel set Gemm uses, chosen at init for the CPU.
var gemmActive = gemmGo

// gemmSetKernels makes Gemm use the kernel set called name ("avx512",
// "avx2" or "go") and returns a function that restores the previous set.
// It reports false if the set does not exist or the CPU cannot run it.
// It is for tests and benchmarks, and must not race with Gemm.
func gemmSetKernels(name string) (restore func(), ok bool) {
	prev := gemmActive
	for _, s := range gemmAvailable() {
		if s.name == name {
			gemmActive = s
			return func() { gemmActive = prev }, true
		}
	}
	return func() {}, false
}

// gemmParallelFlops is the work (2*m*n*k) below which Gemm runs on the
// calling goroutine alone: waking a worker costs a few microseconds.
const gemmParallelFlops = 1 << 22

// gemmBuf holds one goroutine's packing buffers.
type gemmBuf struct {
	a, b []float32
	tile []float32 // one mr x nr tile for edges
}

// gemmJob is one Gemm call split into parts, each a range of C's rows or
// columns. The matrices are copied by value so the caller's headers do not
// escape.
type gemmJob struct {
	set            *gemmKernels
	transA, transB bool
	alpha, beta    float32
	a, b, c        Dense
	m, n, k        int
	parts          int
	splitN         bool
	pending        atomic.Int32 // parts not yet done by workers
	wg             sync.WaitGroup
}

type gemmTask struct {
	job  *gemmJob
	part int
}

// gemmPool is the persistent worker pool with free lists of jobs and buffers,
// so that a Gemm in steady state allocates nothing (free lists, unlike
// sync.Pool, are not emptied by the garbage collector).
var gemmPool struct {
	mu      sync.Mutex
	workers int
	tasks   chan gemmTask
	jobs    []*gemmJob
	bufs    []*gemmBuf
}

// gemmSpin is how long a worker polls for the next task, and a caller for
// its workers to finish, before blocking. Products come in quick succession
// in training loops, and waking a parked thread takes tens of microseconds
// (more in a virtual machine), a good part of a 100x784x500 product.
const gemmSpin = 200 * time.Microsecond

func gemmWorker(tasks <-chan gemmTask) {
	for {
		t, ok := gemmRecv(tasks)
		if !ok {
			return
		}
		t.job.runPart(t.part)
		t.job.pending.Add(-1)
		t.job.wg.Done()
	}
}

// gemmRecv receives the next task, polling for gemmSpin before blocking.
func gemmRecv(tasks <-chan gemmTask) (gemmTask, bool) {
	var start time.Time
	for i := 0; ; i++ {
		select {
		case t, ok := <-tasks:
			return t, ok
		default:
		}
		if i%64 == 0 {
			if i == 0 {
				start = time.Now()
			} else if time.Since(start) > gemmSpin {
				break
			}
			runtime.Gosched()
		}
	}
	t, ok := <-tasks
	return t, ok
}

func gemmGetBuf(set *gemmKernels) *gemmBuf {
	p := &gemmPool
	p.mu.Lock()
	var b *gemmBuf
	if n := len(p.bufs); n > 0 {
		b = p.bufs[n-1]
		p.bufs = p.bufs[:n-1]
	}
	p.mu.Unlock()
	if b == nil {
		b = new(gemmBuf)
	}
	if na := set.mc * set.kc; len(b.a) < na {
		b.a = make([]float32, na)
	}
	if nb := set.kc * set.nc; len(b.b) < nb {
		b.b = make([]float32, nb)
	}
	if nt := set.mr * set.nr; len(b.tile) < nt {
		b.tile = make([]float32, nt)
	}
	return b
}

func gemmPutBuf(b *gemmBuf) {
	p := &gemmPool
	p.mu.Lock()
	p.bufs = append(p.bufs, b)
	p.mu.Unlock()
}

// gemmRun multiplies with the kernel set, splitting the work over up to
// GOMAXPROCS goroutines (the caller and pool workers).
func gemmRun(set *gemmKernels, transA, transB bool, alpha float32, a, b *Dense, beta float32, c *Dense, m, n, k int) {
	parts := runtime.GOMAXPROCS(0)
	if flops := 2 * float64(m) * float64(n) * float64(k); flops < gemmParallelFlops {
		parts = 1
	}
	// Split the larger of M and N, so the duplicated packing (all of the
	// other operand, in every part) is the smaller one.
	splitN := n >= m
	units := (m + set.mr - 1) / set.mr
	if splitN {
		units = (n + set.nr - 1) / set.nr
	}
	parts = min(parts, units)
	if parts <= 1 {
		buf := gemmGetBuf(set)
		gemmBlocked(set, buf, transA, transB, alpha, a, b, nil, beta, c, 0, m, 0, n, k)
		gemmPutBuf(buf)
		return
	}

	p := &gemmPool
	p.mu.Lock()
	if p.tasks == nil {
		p.tasks = make(chan gemmTask, 64)
	}
	for p.workers < parts-1 {
		go gemmWorker(p.tasks)
		p.workers++
	}
	var job *gemmJob
	if nj := len(p.jobs); nj > 0 {
		job = p.jobs[nj-1]
		p.jobs = p.jobs[:nj-1]
	}
	p.mu.Unlock()
	if job == nil {
		job = new(gemmJob)
	}
	job.set, job.transA, job.transB, job.alpha, job.beta = set, transA, transB, alpha, beta
	job.a, job.b, job.c = *a, *b, *c
	job.m, job.n, job.k, job.parts, job.splitN = m, n, k, parts, splitN
	job.wg.Add(parts - 1)
	job.pending.Store(int32(parts - 1))
	for i := 1; i < parts; i++ {
		p.tasks <- gemmTask{job, i}
	}
	job.runPart(0)
	start := time.Now()
	for i := 1; job.pending.Load() != 0; i++ {
		if i%64 == 0 && time.Since(start) > gemmSpin {
			break
		}
	}
	job.wg.Wait()
	job.a, job.b, job.c = Dense{}, Dense{}, Dense{} // do not keep the data alive
	p.mu.Lock()
	p.jobs = append(p.jobs, job)
	p.mu.Unlock()
}

func (j *gemmJob) runPart(part int) {
	m0, m1, n0, n1 := 0, j.m, 0, j.n
	if j.splitN {
		n0, n1 = splitRange(j.n, j.set.nr, j.parts, part)
	} else {
		m0, m1 = splitRange(j.m, j.set.mr, j.parts, part)
	}
	if m0 >= m1 || n0 >= n1 {
		return
	}
	buf := gemmGetBuf(j.set)
	gemmBlocked(j.set, buf, j.transA, j.transB, j.alpha, &j.a, &j.b, nil, j.beta, &j.c, m0, m1, n0, n1, j.k)
	gemmPutBuf(buf)
}

// splitRange returns part of parts of [0, n) cut at multiples of unit.
func splitRange(n, unit, parts, part int) (lo, hi int) {
	units := (n + unit - 1) / unit
	lo = part * units / parts * unit
	hi = min(n, (part+1)*units/parts*unit)
	return lo, hi
}

// blockSize returns the size of the blocks that cut n into the fewest
// pieces of at most max, as even as whole units allow.
func blockSize(n, max, unit int) int {
	nb := (n + max - 1) / max
	s := (n + nb - 1) / nb
	return min(max, (s+unit-1)/unit*unit)
}

// gemmBlocked computes C[m0:m1, n0:n1] on one goroutine with buf's packing
// buffers. Loops, outer to inner: K blocks (A block packed), N blocks (B
// block packed), A panels, B panels, micro-kernel.
//
// If pb is not nil, it holds op(B) packed (and b is not read); n0 must then
// be a multiple of nr.
func gemmBlocked(set *gemmKernels, buf *gemmBuf, transA, transB bool, alpha float32, a, b *Dense, pb *PackedB, beta float32, c *Dense, m0, m1, n0, n1, k int) {
	mr, nr := set.mr, set.nr
	mcMax := blockSize(m1-m0, set.mc, mr)
	kcMax := blockSize(k, set.kc, 16) // whole 16x16 blocks for the transposing packers
	ncMax := blockSize(n1-n0, set.nc, nr)
	ldc := c.Stride
	for ic := m0; ic < m1; ic += mcMax {
		mc := min(mcMax, m1-ic)
		for pc := 0; pc < k; pc += kcMax {
			kc := min(kcMax, k-pc)
			bet := beta
			if pc > 0 {
				bet = 1
			}
			set.packA(buf.a, a, transA, ic, mc, pc, kc, mr)
			for jc := n0; jc < n1; jc += ncMax {
				nc := min(ncMax, n1-jc)
				bpack := buf.b
				if pb == nil {
					set.packB(buf.b, b, transB, pc, kc, jc, nc, nr)
				} else {
					bpack = pb.data[pc*pb.np+jc*kc : pc*pb.np+(jc+nc)*kc]
				}
				for ir := 0; ir < mc; ir += mr {
					rows := min(mr, mc-ir)
					kern := set.kern[rows]
					ap := &buf.a[ir*kc]
					crow := (ic+ir)*ldc + jc
					for jr := 0; jr < nc; jr += nr {
						cols := min(nr, nc-jr)
						bp := &bpack[jr*kc]
						if cols == nr {
							kern(kc, ap, bp, &c.Data[crow+jr], ldc, alpha, bet)
							continue
						}
						kern(kc, ap, bp, &buf.tile[0], nr, alpha, 0)
						for i := 0; i < rows; i++ {
							t := buf.tile[i*nr : i*nr+cols]
							d := c.Data[crow+jr+i*ldc : crow+jr+i*ldc+cols]
							if bet == 0 {
								copy(d, t)
								continue
							}
							for j, v := range t {
								d[j] = v + bet*d[j]
							}
						}
					}
				}
			}
		}
	}
}

// packA packs op(A)[i0:i0+mc, p0:p0+kc] into dst as panels of mr rows (the
// last may have fewer): panel q holds op(A)(i0+q*mr+i, p0+p) at
// dst[q*mr*kc + p*rows + i].
func packA(dst []float32, a *Dense, trans bool, i0, mc, p0, kc, mr int) {
	lda := a.Stride
	for ir := 0; ir < mc; ir += mr {
		rows := min(mr, mc-ir)
		d := dst[ir*kc : ir*kc+rows*kc]
		if trans {
			// op(A)(i, p) = A[p, i]: each step is a contiguous run.
			for p := 0; p < kc; p++ {
				s := (p0+p)*lda + i0 + ir
				copy(d[p*rows:p*rows+rows], a.Data[s:s+rows])
			}
			continue
		}
		// op(A)(i, p) = A[i, p]: transpose rows of A into the panel.
		transposeRows(d, rows, a.Data[(i0+ir)*lda+p0:], lda, rows, kc)
	}
}

// packB packs op(B)[p0:p0+kc, j0:j0+nc] into dst as panels of nr columns,
// the last padded with zeros: panel q holds op(B)(p0+p, j0+q*nr+j) at
// dst[q*nr*kc + p*nr + j].
func packB(dst []float32, b *Dense, trans bool, p0, kc, j0, nc, nr int) {
	ldb := b.Stride
	for jr := 0; jr < nc; jr += nr {
		cols := min(nr, nc-jr)
		d := dst[jr*kc : jr*kc+nr*kc]
		if !trans {
			// op(B)(p, j) = B[p, j]: each step is a contiguous run.
			if cols == 16 && nr == 16 {
				for p := 0; p < kc; p++ {
					s := (p0+p)*ldb + j0 + jr
					*(*[16]float32)(d[p*16:]) = [16]float32(b.Data[s : s+16])
				}
				continue
			}
			for p := 0; p < kc; p++ {
				s := (p0+p)*ldb + j0 + jr
				dp := d[p*nr : p*nr+nr]
				copy(dp, b.Data[s:s+cols])
				clear(dp[cols:])
			}
			continue
		}
		// op(B)(p, j) = B[j, p]: transpose rows of B into the panel.
		transposeRows(d, nr, b.Data[(j0+jr)*ldb+p0:], ldb, cols, kc)
		if cols < nr {
			for p := 0; p < kc; p++ {
				clear(d[p*nr+cols : p*nr+nr])
			}
		}
	}
}

// transposeRows sets dst[p*stride+i] = src[i*lds+p] for i < rows, p < kc,
// four rows at a time.
func transposeRows(dst []float32, stride int, src []float32, lds, rows, kc int) {
	i := 0
	for ; i+4 <= rows; i += 4 {
		r0 := src[i*lds : i*lds+kc]
		r1 := src[(i+1)*lds : (i+1)*lds+kc]
		r2 := src[(i+2)*lds : (i+2)*lds+kc]
		r3 := src[(i+3)*lds : (i+3)*lds+kc]
		d := dst[i:]
		for p := range r0 {
			q := d[p*stride : p*stride+4 : p*stride+4]
			q[0], q[1], q[2], q[3] = r0[p], r1[p], r2[p], r3[p]
		}
	}
	for ; i < rows; i++ {
		transposeInto(dst[i:], stride, src[i*lds:i*lds+kc])
	}
}

// transposeInto sets dst[p*stride] = src[p] for every p.
func transposeInto(dst []float32, stride int, src []float32) {
	if len(src) == 0 {
		return
	}
	_ = dst[(len(src)-1)*stride]
	d := unsafe.Pointer(unsafe.SliceData(dst))
	step := uintptr(stride) * 4
	for p, v := range src {
		*(*float32)(unsafe.Add(d, uintptr(p)*step)) = v
	}
}
