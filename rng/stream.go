package rng

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
)

// Stream is a xoshiro256++ generator: 256 bits of state, period 2^256-1.
// The zero Stream is not valid; use New or Derive. A Stream is not safe for
// concurrent use. A *Stream satisfies math/rand/v2's Source interface, so
// rand.New(s) gives the standard library's helpers on top of it.
type Stream struct {
	s [4]uint64
}

var _ rand.Source = (*Stream)(nil)

// golden is 2^64 divided by the golden ratio, SplitMix64's increment.
const golden = 0x9e3779b97f4a7c15

// mix64 is SplitMix64's output function, a bijection of uint64 that mixes
// every input bit into every output bit.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// splitmix64 advances x and returns the next output of SplitMix64.
func splitmix64(x *uint64) uint64 {
	*x += golden
	return mix64(*x)
}

// seedState fills st from four consecutive SplitMix64 outputs starting at x.
// The four outputs are distinct images of distinct counters under a
// bijection, so at most one of them is zero and the state is never all zero.
func seedState(st *[4]uint64, x uint64) {
	for i := range st {
		st[i] = splitmix64(&x)
	}
}

// New returns a stream seeded from seed. Every seed, 0 included, is valid;
// equal seeds give equal sequences.
func New(seed uint64) *Stream {
	var s Stream
	seedState(&s.s, seed)
	return &s
}

// Derive returns stream number id of the family named by seed, without
// touching any other stream. Parallel code gives goroutine i the stream
// Derive(seed, uint64(i)), so its draws depend on the seed and on i only,
// never on the scheduling. Different (seed, id) pairs give streams that
// start at unrelated points of the generator's period; Derive(seed, id) is
// unrelated to New(seed) as well.
func Derive(seed, id uint64) *Stream {
	var s Stream
	// Two rounds of mixing so that neighbouring seeds and neighbouring ids
	// land far apart; the constant keeps Derive(seed, 0) away from New(seed).
	seedState(&s.s, mix64(mix64(seed^0x6a09e667f3bcc909)+id*golden))
	return &s
}

// Split returns n new streams derived deterministically from s; s itself
// advances by n draws. The children are statistically independent of each
// other and of s for all practical purposes.
func (s *Stream) Split(n int) []*Stream {
	out := make([]*Stream, n)
	for i := range out {
		out[i] = New(s.Uint64())
	}
	return out
}

// State returns the generator's state, from which SetState resumes the
// sequence exactly.
func (s *Stream) State() [4]uint64 { return s.s }

// SetState makes s continue the sequence of the stream whose State was st.
// It panics if st is all zero, which no stream ever has.
func (s *Stream) SetState(st [4]uint64) {
	if st == ([4]uint64{}) {
		panic("rng: SetState with the all-zero state")
	}
	s.s = st
}

// The binary form of a Stream: a 4-byte magic number, a version byte and
// the four state words, little-endian.
const (
	stateMagic   = "xo4+"
	stateVersion = 1
	stateLen     = len(stateMagic) + 1 + 32
)

// MarshalBinary returns the stream's state in a 37-byte form that
// UnmarshalBinary restores, so that training can checkpoint and resume
// with exactly the same random draws.
func (s *Stream) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, stateLen)
	b = append(b, stateMagic...)
	b = append(b, stateVersion)
	for _, w := range s.s {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	return b, nil
}

// ErrState is wrapped by the errors UnmarshalBinary returns.
var ErrState = errors.New("rng: invalid stream state")

// UnmarshalBinary restores a state written by MarshalBinary.
func (s *Stream) UnmarshalBinary(b []byte) error {
	if len(b) != stateLen {
		return fmt.Errorf("%w: %d bytes, want %d", ErrState, len(b), stateLen)
	}
	if string(b[:len(stateMagic)]) != stateMagic {
		return fmt.Errorf("%w: magic %q at offset 0, want %q", ErrState, b[:len(stateMagic)], stateMagic)
	}
	if v := b[len(stateMagic)]; v != stateVersion {
		return fmt.Errorf("%w: version %d at offset %d, this build reads version %d", ErrState, v, len(stateMagic), stateVersion)
	}
	var st [4]uint64
	for i := range st {
		st[i] = binary.LittleEndian.Uint64(b[len(stateMagic)+1+8*i:])
	}
	if st == ([4]uint64{}) {
		return fmt.Errorf("%w: all-zero state", ErrState)
	}
	s.s = st
	return nil
}

// Uint64 returns 64 random bits.
func (s *Stream) Uint64() uint64 {
	s0, s1, s2, s3 := s.s[0], s.s[1], s.s[2], s.s[3]
	r := bits.RotateLeft64(s0+s3, 23) + s0
	t := s1 << 17
	s2 ^= s0
	s3 ^= s1
	s1 ^= s2
	s0 ^= s3
	s2 ^= t
	s3 = bits.RotateLeft64(s3, 45)
	s.s = [4]uint64{s0, s1, s2, s3}
	return r
}

// Float64 returns a uniform number in [0, 1): a multiple of 2^-53 built
// from the top 53 bits of Uint64.
func (s *Stream) Float64() float64 { return float64(s.Uint64()>>11) * 0x1p-53 }

// Float32 returns a uniform number in [0, 1): a multiple of 2^-24 built
// from the top 24 bits of Uint64.
func (s *Stream) Float32() float32 { return float32(s.Uint64()>>40) * 0x1p-24 }

// IntN returns a uniform integer in [0, n), exactly (Lemire's method with
// rejection). It panics if n <= 0.
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
	for i := len(dst) - 1; i > 0; i-- {
		j := s.IntN(i + 1)
		dst[i], dst[j] = dst[j], dst[i]
	}
}
