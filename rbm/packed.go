package rbm

import "github.com/belief-ml/belief/mat32"

// packedOp is a right operand of the trainer's products packed once for
// several products: in float32 for mat32.GemmPacked, or, when the trainer
// uses AMX (see Products), in bfloat16 parts for
// mat32.GemmBF16.
type packedOp struct {
	f *mat32.PackedB
	b *mat32.PackedBF16
}

func newPackedOp(k, n int, trans, amx bool) packedOp {
	if amx {
		return packedOp{b: mat32.NewPackedBF16(k, n, trans)}
	}
	return packedOp{f: mat32.NewPackedB(k, n, trans)}
}

func (p packedOp) Dims() (k, n int) {
	if p.b != nil {
		return p.b.Dims()
	}
	return p.f.Dims()
}

func (p packedOp) Pack(x *mat32.Dense) {
	if p.b != nil {
		p.b.Pack(x)
		return
	}
	p.f.Pack(x)
}

func (p packedOp) PackRows(x *mat32.Dense, lo, hi int) {
	if p.b != nil {
		p.b.PackRows(x, lo, hi)
		return
	}
	p.f.PackRows(x, lo, hi)
}

// mul sets c = alpha*op(a)*P + beta*c.
func (p packedOp) mul(transA bool, alpha float32, a *mat32.Dense, beta float32, c *mat32.Dense) {
	if p.b != nil {
		mat32.GemmBF16(transA, alpha, a, p.b, beta, c)
		return
	}
	mat32.GemmPacked(transA, alpha, a, p.f, beta, c)
}
