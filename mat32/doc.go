// Package mat32 holds float32 dense row-major matrices and the kernels the
// rest of belief runs on: GEMM, element-wise sigmoid, softplus and
// log-sum-exp, row and column reductions, and AXPY-style updates.
//
// # Overview
//
// A Dense is a row-major view of a []float32: element (i, j) lives at
// Data[i*Stride+j]. Views made by Slice share the backing data with their
// parent, so a mini-batch of a data set is a view, never a copy.
//
// GEMM computes C = alpha*op(A)*op(B) + beta*C for the four combinations of
// transposes. On amd64 it runs hand-written SIMD micro-kernels (AVX-512 where
// the CPU has it, AVX2+FMA otherwise, chosen at run time) on packed, cache
// blocked panels split across all cores: 14x32 tiles with AVX-512, 6x16 with
// AVX2+FMA. On other architectures, on CPUs without AVX2 and FMA, and with
// the build tag purego, a blocked pure-Go kernel runs instead. GemmRef, the
// plain triple loop, is the oracle every kernel is tested against.
//
// GemmSerial is Gemm on the calling goroutine only, for callers that split
// the work across cores themselves (the RBM trainer runs a whole mini-batch
// with two synchronisation points this way). PackedB holds an operand packed
// once for several products (GemmPacked), such as an RBM's weights within a
// mini-batch; DecayStep is the fused momentum and weight-decay update.
// GemmRowBlock says how many rows the micro-kernel computes at once.
//
// AddRows sums selected rows of a matrix (the product of a 0/1 row with
// it, when Nonzeros lists the ones): for binary data that is mostly zeros,
// such as binarized MNIST (13% ones), it replaces a GEMM with a fraction
// of its arithmetic. It has AVX-512 and AVX2 kernels; AddRowsSIMD says
// whether one runs. SumRows does it for many rows at once (each row's list
// in a RowLists), walking the matrix in strips so that each part of it is
// read from memory about once for all of them.
//
// GemmBF16 multiplies on the AMX tile unit of recent Xeons (AMX reports
// whether the CPU has it and the kernel lets us use it; never under
// purego). alpha*op(A), and op(B) packed once in a PackedBF16, are split
// into bfloat16 high and low parts and multiplied as Ah*Bh + Ah*Bl + Al*Bh
// with float32 accumulation: an error of about 3*2^-16 of sum_l |a_il||b_lj|
// (a float32 GEMM: about k*2^-24 of it), for two to three times the speed
// of GemmPacked on an RBM's products. Panels of 32 rows of A that bf16
// holds exactly (0/1 samples) take two tile products instead of three. The
// RBM trainer uses it for CD and PCD when asked (rbm.Settings.BF16Products);
// nothing that evaluates a model does.
//
// The element-wise kernels (sigmoid, softplus, exp-sums, AXPY) likewise have
// AVX2 and AVX-512 versions chosen at run time, with pure-Go fallbacks that
// use a float32 exp accurate to about 1e-7 relative. Sums of logarithms
// (LogSumExp, SoftplusSum, Dot, RowSums) accumulate in float64.
//
// # Invariants
//
// Rows, Cols >= 0; Stride >= Cols; len(Data) >= (Rows-1)*Stride+Cols when
// Rows > 0. Kernels never read or write outside the Rows x Cols window of a
// view, so elements between Cols and Stride belong to someone else.
//
// # Aliasing
//
// The destination of GEMM must not overlap its inputs. Element-wise kernels
// accept dst == src (the same slice) but not partially overlapping slices.
//
// # Errors
//
// Wrong shapes are programmer errors and panic with a message that starts
// with "mat32:". Kernels allocate nothing.
package mat32
