"""Writes the golden .npz files that modelfile's tests read.

Run from this folder with Debian's Python and NumPy:
    /usr/bin/python3 gen_npz.py
Every array is made from numpy.arange so the Go test can compute it.
"""
import numpy as np


def ar(shape, dtype, scale=0.5, shift=-1.0):
    n = int(np.prod(shape))
    return (np.arange(n, dtype=np.float64) * scale + shift).reshape(shape).astype(dtype)


# A Bernoulli RBM as a Python user would save it: float32, C order.
np.savez("rbm_f32.npz", W=ar((3, 4), np.float32), vbias=ar((3,), np.float32), hbias=ar((4,), np.float32))
# float64 arrays, compressed, with a scalar and an empty array.
np.savez_compressed("f64_compressed.npz", W=ar((2, 3), np.float64), s=np.float64(2.5),
                    empty=np.zeros((0, 5), np.float64))
# Fortran order, 2-D and 3-D, and a big-endian array.
np.savez("fortran.npz", W=np.asfortranarray(ar((2, 3), np.float32)),
         T=np.asfortranarray(ar((2, 3, 4), np.float64)), B=ar((5,), ">f4"))
# A dtype belief does not read.
np.savez("int64.npz", W=np.arange(6, dtype=np.int64).reshape(2, 3))
