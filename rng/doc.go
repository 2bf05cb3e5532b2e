// Package rng provides fast, seedable, splittable random streams and
// in-place fills of float32 slices and matrices: uniforms, normals,
// Bernoulli(p) samples and categorical (softmax) draws.
//
// A Stream is not safe for concurrent use: give each goroutine its own,
// derived deterministically from one seed with Split, so that the same seed
// gives the same results whatever the scheduling.
package rng
