package rng

import (
	"fmt"
	"math"
	"math/bits"
)

// Normal draws use the ziggurat method of Marsaglia and Tsang (2000) with
// 256 layers under f(x) = exp(-x²/2). Each draw takes one Uint64: bits 0-7
// pick the layer, bit 8 the sign and the top 53 bits a uniform u in [0, 1)
// (so the layer, the sign and the magnitude come from disjoint bits). The
// candidate x = u·zigX[i] is returned at once when u < zigRatio[i], which
// happens 98.5% of the time; otherwise a wedge or the tail beyond zigR is
// sampled exactly by rejection. The result is exact in distribution up to
// the 2^-53 resolution of u and the float64 rounding of the tables.
const (
	zigLayers = 256
	zigR      = 3.6541528853610088 // start of the tail
	zigV      = 0.00492867323399   // area of each layer
	zigBits   = 8                  // log2(zigLayers)
	zigMask   = zigLayers - 1      // layer index bits
	zigSign   = 1 << zigBits       // sign bit
)

var (
	// zigX[i] is the half-width of layer i; zigX[0] = zigV/f(zigR) is the
	// width of the base layer (rectangle plus tail), zigX[1] = zigR and
	// zigX[zigLayers] = 0.
	zigX [zigLayers + 1]float64
	// zigF[i] = f(zigX[i]).
	zigF [zigLayers + 1]float64
	// zigRatio[i] = zigX[i+1]/zigX[i]: below it the candidate lies in the
	// part of layer i that is wholly under the curve.
	zigRatio [zigLayers]float64
)

func init() {
	f := func(x float64) float64 { return math.Exp(-x * x / 2) }
	zigX[0] = zigV / f(zigR)
	zigX[1] = zigR
	for i := 1; i < zigLayers-1; i++ {
		// Layer i spans heights f(zigX[i]) to f(zigX[i+1]) and has width
		// zigX[i], so its area zigV fixes zigX[i+1].
		zigX[i+1] = math.Sqrt(-2 * math.Log(zigV/zigX[i]+f(zigX[i])))
	}
	zigX[zigLayers] = 0
	for i := range zigX {
		zigF[i] = f(zigX[i])
	}
	for i := range zigRatio {
		zigRatio[i] = zigX[i+1] / zigX[i]
	}
}

// NormFloat64 returns a standard normal number (ziggurat method).
func (s *Stream) NormFloat64() float64 {
	for {
		r := s.Uint64()
		i := r & zigMask
		u := float64(r>>11) * 0x1p-53
		x := u * zigX[i]
		if u >= zigRatio[i] {
			var ok bool
			if x, ok = s.zigSlow(i, x); !ok {
				continue
			}
		}
		if r&zigSign != 0 {
			x = -x
		}
		return x
	}
}

// zigSlow handles a candidate x outside the rectangle of layer i: from the
// tail if i is 0, else from the wedge between the rectangle and the curve.
// It reports false if the candidate is rejected.
func (s *Stream) zigSlow(i uint64, x float64) (float64, bool) {
	if i == 0 {
		// Tail beyond zigR: Marsaglia's exponential rejection method.
		for {
			a := -math.Log(1-s.Float64()) / zigR
			b := -math.Log(1 - s.Float64())
			if b+b >= a*a {
				return zigR + a, true
			}
		}
	}
	y := zigF[i] + s.Float64()*(zigF[i+1]-zigF[i])
	return x, y < math.Exp(-x*x/2)
}

// Normal fills dst with draws from N(mean, std²), each the float32
// rounding of mean + std·z for a standard normal z drawn by the ziggurat
// method, as NormFloat64 does.
//
// Below 64 elements the draws are those of a loop over NormFloat64. Longer
// fills take the ziggurat's candidates from the eight bulk lanes (see
// Uniform), 8 per step, element 8k+l from lane l's k-th output, and the
// stream itself supplies the rare (1.5%) wedge and tail draws, in
// element order.
func (s *Stream) Normal(dst []float32, mean, std float32) {
	m, sd := float64(mean), float64(std)
	if len(dst) < bulkMin {
		for i := range dst {
			dst[i] = float32(m + float64(sd*s.NormFloat64()))
		}
		return
	}
	var ls lanes
	ls.seed(s.Uint64())
	const chunk = 256
	var raw [chunk]uint64
	var rej [chunk / nLanes]uint8
	n8 := len(dst) &^ (nLanes - 1)
	for off := 0; off < n8; off += chunk {
		d := dst[off:min(off+chunk, n8)]
		normalBlocks(d, &ls, &raw, &rej, m, sd)
		for b, mask := range rej[:len(d)/nLanes] {
			for ; mask != 0; mask &= mask - 1 {
				i := b*nLanes + bits.TrailingZeros8(mask)
				d[i] = float32(m + float64(sd*s.zigRedo(raw[i])))
			}
		}
	}
	if n8 < len(dst) {
		// The partial block, by the reference code.
		var d [nLanes]float32
		normalGo(d[:], &ls, &raw, &rej, m, sd)
		for i := range dst[n8:] {
			z := float64(d[i])
			if rej[0]&(1<<i) != 0 {
				z = m + float64(sd*s.zigRedo(raw[i]))
			}
			dst[n8+i] = float32(z)
		}
	}
}

// zigRedo finishes the draw whose ziggurat candidate, from the 64 bits r,
// fell outside its layer's rectangle: the wedge or tail test decides with
// draws from s, and a rejected candidate is replaced by a fresh
// NormFloat64.
func (s *Stream) zigRedo(r uint64) float64 {
	k := r & zigMask
	u := float64(r>>11) * 0x1p-53
	x, ok := s.zigSlow(k, u*zigX[k])
	if !ok {
		return s.NormFloat64()
	}
	if r&zigSign != 0 {
		x = -x
	}
	return x
}

// normalGo is the pure-Go reference of the bulk normal kernel. For each of
// the len(dst)/8 blocks it steps the lanes once, stores the eight outputs
// in raw and, for element i of the block, either
// dst[i] = float32(mean + std·z) with z the accepted ziggurat candidate,
// or, when the candidate falls outside its layer's rectangle, sets bit i of
// the block's rej byte (dst[i] is then left unspecified).
func normalGo(dst []float32, ls *lanes, raw *[256]uint64, rej *[32]uint8, mean, std float64) {
	for b := 0; b < len(dst)/nLanes; b++ {
		var mask uint8
		for l := 0; l < nLanes; l++ {
			s0, s1, s2, s3 := ls.w[0][l], ls.w[1][l], ls.w[2][l], ls.w[3][l]
			r := bits.RotateLeft64(s0+s3, 23) + s0
			t := s1 << 17
			s2 ^= s0
			s3 ^= s1
			s1 ^= s2
			s0 ^= s3
			s2 ^= t
			s3 = bits.RotateLeft64(s3, 45)
			ls.w[0][l], ls.w[1][l], ls.w[2][l], ls.w[3][l] = s0, s1, s2, s3

			i := b*nLanes + l
			raw[i] = r
			k := r & zigMask
			u := float64(r>>11) * 0x1p-53
			x := u * zigX[k]
			if u >= zigRatio[k] {
				mask |= 1 << l
			}
			x = math.Float64frombits(math.Float64bits(x) | (r&zigSign)<<(63-zigBits))
			dst[i] = float32(mean + float64(std*x))
		}
		rej[b] = mask
	}
}

// ExpFloat64 returns an exponential number with rate 1 (mean 1), by
// inversion of a 53-bit uniform: the largest value it can return is
// 53·ln 2 ≈ 36.7.
func (s *Stream) ExpFloat64() float64 {
	return -math.Log(1 - s.Float64())
}

// GammaFloat64 returns a Gamma(alpha, 1) number (shape alpha, scale 1; mean
// and variance alpha) by the squeeze-and-reject method of Marsaglia and
// Tsang (2000), with the boost Gamma(alpha) = Gamma(alpha+1)·U^(1/alpha)
// for alpha < 1. It panics if alpha is not positive and finite.
func (s *Stream) GammaFloat64(alpha float64) float64 {
	if !(alpha > 0) || math.IsInf(alpha, 1) {
		panic(fmt.Sprintf("rng: GammaFloat64(%v)", alpha))
	}
	boost := 1.0
	if alpha < 1 {
		// U^(1/alpha) with U in (0, 1].
		boost = math.Pow(1-s.Float64(), 1/alpha)
		alpha++
	}
	d := alpha - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := s.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := s.Float64()
		x2 := x * x
		if u < 1-0.0331*x2*x2 || math.Log(u) < x2/2+d*(1-v+math.Log(v)) {
			return d * v * boost
		}
	}
}
