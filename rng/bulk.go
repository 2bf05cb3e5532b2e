package rng

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/belief-ml/belief/mat32"
)

// The bulk fills (Uniform, Bernoulli, BernoulliDense, and Normal, see
// normal.go) draw from eight xoshiro256++ lanes stepped together, which is
// what one AVX-512 register per state word holds. Each call seeds the lanes
// afresh from one Uint64 of the stream (through SplitMix64), so a Stream's
// state stays four words and Uniform and Bernoulli consume exactly one draw
// of it whatever their length.
//
// One step of the lanes makes a block of 16 draws: element 2l of the block
// takes the low 32 bits of lane l's output, element 2l+1 the high 32 bits.
// Of each 32-bit half the top 24 bits make the uniform
// u = (half >> 8) * 2^-24, so u is a multiple of 2^-24 in [0, 1 - 2^-24].
// A block is never shared between two rows or two calls: a row whose length
// is not a multiple of 16 ends with a partial block whose unused draws are
// dropped.
const (
	nLanes    = 8
	blockSize = 2 * nLanes
	// Below bulkMin elements the fills use the stream directly, two
	// uniforms per Uint64, rather than pay for seeding the lanes.
	bulkMin = 64
)

// lanes is the state of the eight generators: w[k][l] is word k of lane l.
type lanes struct {
	w [4][nLanes]uint64
}

func (ls *lanes) seed(x uint64) {
	for l := 0; l < nLanes; l++ {
		ls.w[0][l] = splitmix64(&x)
		ls.w[1][l] = splitmix64(&x)
		ls.w[2][l] = splitmix64(&x)
		ls.w[3][l] = splitmix64(&x)
	}
}

// unit maps a 32-bit half to the uniform (half >> 8) * 2^-24.
func unit(h uint32) float32 { return float32(h>>8) * 0x1p-24 }

// bit returns 1 if u < p and 0 otherwise (also when p is NaN).
func bit(u, p float32) float32 {
	var b uint32
	if u < p {
		b = 0x3f800000 // the bits of float32(1)
	}
	return math.Float32frombits(b)
}

// bernoulliGo is the pure-Go reference of the bulk Bernoulli kernel: it
// fills len(dst)/16 whole blocks, dst[i] = 1 if u_i < p[i] else 0. It runs
// lane by lane, so that each lane's state stays in registers; lane l
// writes elements 2l and 2l+1 of every block.
func bernoulliGo(dst, p []float32, ls *lanes) {
	nb := len(dst) / blockSize
	p = p[:nb*blockSize]
	dst = dst[:nb*blockSize]
	for l := 0; l < nLanes; l++ {
		s0, s1, s2, s3 := ls.w[0][l], ls.w[1][l], ls.w[2][l], ls.w[3][l]
		for i := 2 * l; i+1 < len(dst); i += blockSize {
			r := bits.RotateLeft64(s0+s3, 23) + s0
			t := s1 << 17
			s2 ^= s0
			s3 ^= s1
			s1 ^= s2
			s0 ^= s3
			s2 ^= t
			s3 = bits.RotateLeft64(s3, 45)
			q := p[i : i+2 : i+2]
			d := dst[i : i+2 : i+2]
			d[0] = bit(unit(uint32(r)), q[0])
			d[1] = bit(unit(uint32(r>>32)), q[1])
		}
		ls.w[0][l], ls.w[1][l], ls.w[2][l], ls.w[3][l] = s0, s1, s2, s3
	}
}

// uniformGo is the pure-Go reference of the bulk Uniform kernel: it fills
// len(dst)/16 whole blocks with the block's uniforms, lane by lane.
func uniformGo(dst []float32, ls *lanes) {
	nb := len(dst) / blockSize
	dst = dst[:nb*blockSize]
	for l := 0; l < nLanes; l++ {
		s0, s1, s2, s3 := ls.w[0][l], ls.w[1][l], ls.w[2][l], ls.w[3][l]
		for i := 2 * l; i+1 < len(dst); i += blockSize {
			r := bits.RotateLeft64(s0+s3, 23) + s0
			t := s1 << 17
			s2 ^= s0
			s3 ^= s1
			s1 ^= s2
			s0 ^= s3
			s2 ^= t
			s3 = bits.RotateLeft64(s3, 45)
			d := dst[i : i+2 : i+2]
			d[0] = unit(uint32(r))
			d[1] = unit(uint32(r >> 32))
		}
		ls.w[0][l], ls.w[1][l], ls.w[2][l], ls.w[3][l] = s0, s1, s2, s3
	}
}

// bernoulliRow fills a whole row: whole blocks, then the partial block
// through a buffer, all by the fastest kernel.
func bernoulliRow(dst, p []float32, ls *lanes) {
	n := len(dst) &^ (blockSize - 1)
	bernoulliBlocks(dst[:n], p[:n], ls)
	if n < len(dst) {
		var d, q [blockSize]float32
		copy(q[:], p[n:len(dst)])
		bernoulliBlocks(d[:], q[:], ls)
		copy(dst[n:], d[:])
	}
}

func uniformRow(dst []float32, ls *lanes) {
	n := len(dst) &^ (blockSize - 1)
	uniformBlocks(dst[:n], ls)
	if n < len(dst) {
		var d [blockSize]float32
		uniformBlocks(d[:], ls)
		copy(dst[n:], d[:])
	}
}

// Uniform fills dst with uniform numbers in [0, 1), each a multiple of
// 2^-24 (24 random bits, the resolution of a float32 in [1/2, 1)).
func (s *Stream) Uniform(dst []float32) {
	if len(dst) < bulkMin {
		for i := 0; i < len(dst); i += 2 {
			r := s.Uint64()
			dst[i] = unit(uint32(r))
			if i+1 < len(dst) {
				dst[i+1] = unit(uint32(r >> 32))
			}
		}
		return
	}
	var ls lanes
	ls.seed(s.Uint64())
	uniformRow(dst, &ls)
}

// Bernoulli sets dst[i] to 1 with probability p[i] and to 0 otherwise;
// dst receives exactly 0 or 1. dst and p may be the same slice. It panics
// if the lengths differ.
//
// Each draw compares a uniform u, a multiple of 2^-24, with p: dst[i] = 1
// exactly when u < p[i]. So P(1) is p rounded up to a multiple of 2^-24:
// exact for every p that is such a multiple (all float32 p in [1/2, 1], and
// 0), and at most 2^-24 (6e-8) too large otherwise. p <= 0 and NaN always
// give 0; p >= 1 always gives 1.
func (s *Stream) Bernoulli(dst, p []float32) {
	if len(dst) != len(p) {
		panic(fmt.Sprintf("rng: Bernoulli length mismatch %d vs %d", len(dst), len(p)))
	}
	if len(dst) < bulkMin {
		bernoulliSmall(s, dst, p)
		return
	}
	var ls lanes
	ls.seed(s.Uint64())
	bernoulliRow(dst, p, &ls)
}

func bernoulliSmall(s *Stream, dst, p []float32) {
	p = p[:len(dst)]
	for i := 0; i < len(dst); i += 2 {
		r := s.Uint64()
		dst[i] = bit(unit(uint32(r)), p[i])
		if i+1 < len(dst) {
			dst[i+1] = bit(unit(uint32(r>>32)), p[i+1])
		}
	}
}

// BernoulliDense sets each element of dst to 1 with the probability held in
// the same element of p, and to 0 otherwise, as Bernoulli does. dst and p
// may be the same matrix, and either may be a strided view; elements
// outside the views are not touched. It panics if the shapes differ.
func (s *Stream) BernoulliDense(dst, p *mat32.Dense) {
	if dst.Rows != p.Rows || dst.Cols != p.Cols {
		panic(fmt.Sprintf("rng: BernoulliDense shape mismatch %dx%d vs %dx%d", dst.Rows, dst.Cols, p.Rows, p.Cols))
	}
	if dst.Rows == 0 || dst.Cols == 0 {
		return
	}
	n := dst.Rows * dst.Cols
	if dst.Stride == dst.Cols && p.Stride == p.Cols {
		// Contiguous: one long row.
		s.Bernoulli(dst.Data[:n], p.Data[:n])
		return
	}
	if n < bulkMin {
		for i := 0; i < dst.Rows; i++ {
			bernoulliSmall(s, dst.Row(i), p.Row(i))
		}
		return
	}
	var ls lanes
	ls.seed(s.Uint64())
	for i := 0; i < dst.Rows; i++ {
		bernoulliRow(dst.Row(i), p.Row(i), &ls)
	}
}
