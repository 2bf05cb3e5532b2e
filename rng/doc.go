// Package rng provides fast, seedable, splittable random streams and
// in-place fills of float32 slices and matrices: uniforms, normals,
// Bernoulli(p) samples and categorical (softmax) draws.
//
// # Generator
//
// A Stream is a xoshiro256++ generator (Blackman and Vigna): 256 bits of
// state, period 2^256-1, a handful of additions, shifts, rotations and
// exclusive-ors per 64-bit output, and no known statistical failure in
// BigCrush or PractRand. It is seeded through SplitMix64, so every uint64
// seed, 0 included, gives a valid stream. It was chosen over the standard
// library's PCG and ChaCha8 for speed: its state update is a few
// independent bit operations that vectorise directly, which the bulk fills
// exploit. It is not cryptographically secure.
//
// A *Stream satisfies math/rand/v2's Source, so rand.New(s) offers the
// standard library's helpers on top of it.
//
// # One stream per goroutine
//
// A Stream is not safe for concurrent use. Give each goroutine its own:
//
//   - Derive(seed, i) is stream i of the family named by seed. It depends on
//     seed and i only, so goroutine i can create its own stream and the
//     results do not depend on the scheduling or on how many streams exist.
//   - s.Split(n) returns n children of s and advances s, for a tree of
//     streams grown from one.
//
// Either way one user seed fixes every draw of a program, and the same seed
// gives the same results on every run, with or without the assembly
// kernels. Integers, uniforms and Bernoulli draws are the same on every
// architecture; normals may differ in the last bits between architectures,
// because the ziggurat's tables and its rare wedge tests use math.Exp and
// math.Log.
//
// # Resolution
//
// Float64 returns multiples of 2^-53 in [0, 1). Float32 and the bulk fills
// Uniform, Bernoulli and BernoulliDense use 24-bit uniforms: multiples of
// 2^-24 in [0, 1 - 2^-24], the resolution of a float32 just below 1.
// Bernoulli(p) gives 1 exactly when u < p, so P(1) is p rounded up to a
// multiple of 2^-24: exact for every float32 p in [1/2, 1] and for p = 0,
// at most 2^-24 ≈ 6e-8 too large otherwise. p <= 0 and NaN always give 0,
// p >= 1 always gives 1; the results are exactly 0 or 1.
//
// Normals come from the ziggurat method (256 layers) fed with 53-bit
// uniforms; they are exact in distribution up to that resolution and to
// float64 rounding, tails included (the tail beyond 3.65 is sampled by
// exact rejection). ExpFloat64 inverts a 53-bit uniform; GammaFloat64 uses
// Marsaglia and Tsang's rejection method on top of the normals. Categorical
// draws scale a 53-bit uniform by the row's sum in float64, so rows need
// not be normalised.
//
// # Speed
//
// The bulk fills (Uniform, Bernoulli, BernoulliDense, Normal) run eight
// xoshiro256++ lanes side by side, seeded afresh for each call from one
// draw of the stream. On amd64 an assembly kernel chosen at run time steps
// them: with AVX-512 one register holds each state word of all eight lanes
// and one step gives 16 uniforms; with AVX2 two registers do. The pure-Go
// kernels, used on other processors and architectures or with the purego
// build tag, are the reference the assembly is tested against, bit for
// bit. On the 2-core AVX-512 Xeon this was written on, a 100x500
// BernoulliDense takes about 8 µs with AVX-512 (0.16 ns per draw), 11 µs
// with AVX2 and 65 µs in pure Go, against about 0.5 ms for the GEMM that
// computed its probabilities; Normal takes about 1.6 ns per draw with
// AVX-512 and 3.6 ns otherwise. The benchmarks in bench_test.go measure
// each kernel: go test -bench . ./rng/
//
// # Checkpoints
//
// State and SetState, or MarshalBinary and UnmarshalBinary, save and
// restore a stream exactly, so that training can stop and resume with the
// same draws.
package rng
