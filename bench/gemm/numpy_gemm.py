"""Times numpy's float32 matmul for bench/gemm (run by it; not on its own).

Reads requests "name transA transB m n k reps" from stdin, one a line, and
answers each with the seconds per product of a batch of reps products,
C = op(A) @ op(B) into a preallocated C. The first line it writes describes
numpy and the OpenBLAS it runs on.
"""
import ctypes
import sys

try:
    import numpy as np
except ImportError:
    print("ERROR numpy is missing: apt-get install python3-numpy", flush=True)
    sys.exit(1)
import time


def blas_info():
    a = np.ones((4, 4), np.float32)
    a @ a  # load the BLAS
    libs = sorted({l.split()[-1] for l in open("/proc/self/maps") if "openblas" in l.lower()})
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return "numpy %s, %s, core %s, %d threads, %s" % (
                np.__version__,
                lib.openblas_get_config().decode(),
                lib.openblas_get_corename().decode(),
                lib.openblas_get_num_threads(),
                path,
            )
        except (OSError, AttributeError):
            continue
    return "numpy %s, BLAS not OpenBLAS (libraries: %s)" % (np.__version__, libs)


def main():
    print("INFO " + blas_info(), flush=True)
    rng = np.random.default_rng(1)
    cache = {}
    for line in sys.stdin:
        name, ta, tb, m, n, k, reps = line.split()
        ta, tb = ta == "1", tb == "1"
        m, n, k, reps = int(m), int(n), int(k), int(reps)
        key = (ta, tb, m, n, k)
        if key not in cache:
            a = rng.standard_normal((k, m) if ta else (m, k), dtype=np.float32)
            b = rng.standard_normal((n, k) if tb else (k, n), dtype=np.float32)
            opa = a.T if ta else a
            opb = b.T if tb else b
            c = np.empty((m, n), np.float32)
            np.matmul(opa, opb, out=c)
            cache[key] = (opa, opb, c)
        opa, opb, c = cache[key]
        t0 = time.perf_counter()
        for _ in range(reps):
            np.matmul(opa, opb, out=c)
        dt = (time.perf_counter() - t0) / reps
        print("%.9g" % dt, flush=True)


main()
