package rng

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/belief-ml/belief/mat32"
)

// Stream is a xoshiro256++ generator. The zero Stream is not valid; use New.
// A *Stream satisfies math/rand/v2's Source interface.
type Stream struct {
	s [4]uint64
}

// splitmix64 advances x and returns the next output of SplitMix64.
func splitmix64(x *uint64) uint64 {
	*x += 0x9e3779b97f4a7c15
	z := *x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// New returns a stream seeded from seed.
func New(seed uint64) *Stream {
	var s Stream
	x := seed
	for i := range s.s {
		s.s[i] = splitmix64(&x)
	}
	return &s
}

// Split returns n new streams derived deterministically from s; s itself
// advances. The children are statistically independent of each other and
// of s for all practical purposes.
func (s *Stream) Split(n int) []*Stream {
	out := make([]*Stream, n)
	for i := range out {
		out[i] = New(s.Uint64())
	}
	return out
}

// Uint64 returns 64 random bits.
func (s *Stream) Uint64() uint64 {
	r := bits.RotateLeft64(s.s[0]+s.s[3], 23) + s.s[0]
	t := s.s[1] << 17
	s.s[2] ^= s.s[0]
	s.s[3] ^= s.s[1]
	s.s[1] ^= s.s[2]
	s.s[0] ^= s.s[3]
	s.s[2] ^= t
	s.s[3] = bits.RotateLeft64(s.s[3], 45)
	return r
}

// Float64 returns a uniform number in [0, 1) with 53 random bits.
func (s *Stream) Float64() float64 { return float64(s.Uint64()>>11) * 0x1p-53 }

// Float32 returns a uniform number in [0, 1) with 24 random bits.
func (s *Stream) Float32() float32 { return float32(s.Uint64()>>40) * 0x1p-24 }

// IntN returns a uniform integer in [0, n). It panics if n <= 0.
func (s *Stream) IntN(n int) int {
	if n <= 0 {
		panic(fmt.Sprintf("rng: IntN(%d)", n))
	}
	hi, lo := bits.Mul64(s.Uint64(), uint64(n))
	if lo < uint64(n) {
		thresh := -uint64(n) % uint64(n)
		for lo < thresh {
			hi, lo = bits.Mul64(s.Uint64(), uint64(n))
		}
	}
	return int(hi)
}

// NormFloat64 returns a standard normal number.
func (s *Stream) NormFloat64() float64 {
	for {
		u := 2*s.Float64() - 1
		v := 2*s.Float64() - 1
		r := u*u + v*v
		if r > 0 && r < 1 {
			return u * math.Sqrt(-2*math.Log(r)/r)
		}
	}
}

// Shuffle permutes n elements with swap, uniformly (Fisher-Yates).
func (s *Stream) Shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, s.IntN(i+1))
	}
}

// Perm fills dst with a uniform random permutation of 0..len(dst)-1.
func (s *Stream) Perm(dst []int) {
	for i := range dst {
		dst[i] = i
	}
	s.Shuffle(len(dst), func(i, j int) { dst[i], dst[j] = dst[j], dst[i] })
}

// Uniform fills dst with uniform numbers in [0, 1).
func (s *Stream) Uniform(dst []float32) {
	for i := range dst {
		dst[i] = s.Float32()
	}
}

// Normal fills dst with draws from N(mean, std^2).
func (s *Stream) Normal(dst []float32, mean, std float32) {
	for i := range dst {
		dst[i] = mean + std*float32(s.NormFloat64())
	}
}

// Bernoulli sets dst[i] to 1 with probability p[i] and to 0 otherwise.
// dst and p may be the same slice. It panics if the lengths differ.
func (s *Stream) Bernoulli(dst, p []float32) {
	if len(dst) != len(p) {
		panic(fmt.Sprintf("rng: Bernoulli length mismatch %d vs %d", len(dst), len(p)))
	}
	for i, pi := range p {
		if s.Float32() < pi {
			dst[i] = 1
		} else {
			dst[i] = 0
		}
	}
}

// BernoulliDense sets each element of dst to 1 with the probability held in
// the same element of p. dst and p may be the same matrix.
func (s *Stream) BernoulliDense(dst, p *mat32.Dense) {
	if dst.Rows != p.Rows || dst.Cols != p.Cols {
		panic(fmt.Sprintf("rng: BernoulliDense shape mismatch %dx%d vs %dx%d", dst.Rows, dst.Cols, p.Rows, p.Cols))
	}
	for i := 0; i < p.Rows; i++ {
		s.Bernoulli(dst.Row(i), p.Row(i))
	}
}

// Categorical draws one index per row of p, whose rows are probability
// vectors (summing to 1 up to rounding), into dst (len(dst) == p.Rows).
func (s *Stream) Categorical(dst []int, p *mat32.Dense) {
	if len(dst) != p.Rows {
		panic(fmt.Sprintf("rng: Categorical needs %d outputs, got %d", p.Rows, len(dst)))
	}
	for i := range dst {
		row := p.Row(i)
		u := s.Float32()
		k := len(row) - 1
		var c float32
		for j, q := range row {
			c += q
			if u < c {
				k = j
				break
			}
		}
		dst[i] = k
	}
}

// OneHot replaces each row of p (a probability vector) by a one-hot sample
// drawn from it, in place or into dst (same shape as p).
func (s *Stream) OneHot(dst, p *mat32.Dense) {
	if dst.Rows != p.Rows || dst.Cols != p.Cols {
		panic(fmt.Sprintf("rng: OneHot shape mismatch %dx%d vs %dx%d", dst.Rows, dst.Cols, p.Rows, p.Cols))
	}
	for i := 0; i < p.Rows; i++ {
		row := p.Row(i)
		u := s.Float32()
		k := len(row) - 1
		var c float32
		for j, q := range row {
			c += q
			if u < c {
				k = j
				break
			}
		}
		out := dst.Row(i)
		clear(out)
		if len(out) > 0 {
			out[k] = 1
		}
	}
}
