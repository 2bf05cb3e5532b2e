"""A plain NumPy AIS estimate of log Z for a Bernoulli RBM, to time against belief's ais package.

Usage: ais_numpy.py MODEL.npz N_BETAS N_RUNS [SEED]

MODEL.npz holds W (nv, nh), vbias (nv), hbias (nh) and base_vbias (nv), the
visible biases of the base-rate model. The schedule is N_BETAS inverse
temperatures spaced like Salakhutdinov & Murray's (0:0.001:0.5,
0.5:0.0001:0.9, 0.9:0.00001:1 in the proportions 500:4000:10000, as
belief's ais.Schedule), the path and the Gibbs transitions are theirs, all
N_RUNS runs as one float32 batch. Prints one line:
seconds=S logz=L (the time covers the annealing loop only).
"""
import sys
import time

import numpy as np


def schedule(n):
    if n < 4:
        return np.linspace(0.0, 1.0, n)
    k = n - 1
    segs = [(0.5, 500), (0.9, 4000), (1.0, 10000)]
    steps = []
    left = k
    for i in range(2):
        s = int(np.floor(k * segs[i][1] / 14500 + 0.5))
        s = max(1, min(s, left - (2 - i)))
        steps.append(s)
        left -= s
    steps.append(left)
    b = [0.0]
    start = 0.0
    for (end, _), s in zip(segs, steps):
        for j in range(1, s + 1):
            b.append((start * (s - j) + end * j) / s)
        start = end
    b[-1] = 1.0
    return np.array(b)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def softplus_sum(x):
    return np.logaddexp(np.float32(0), x).sum(axis=1, dtype=np.float64)


def main():
    path, n_betas, n_runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    d = np.load(path)
    W = d["W"].astype(np.float32)
    vb = d["vbias"].astype(np.float32)
    hb = d["hbias"].astype(np.float32)
    bvb = d["base_vbias"].astype(np.float32)
    nv, nh = W.shape
    betas = schedule(n_betas)
    rng = np.random.default_rng(seed)
    WT = np.ascontiguousarray(W.T)
    dv = (vb - bvb).astype(np.float32)
    logz0 = float(np.logaddexp(0, bvb.astype(np.float64)).sum() + nh * np.log(2))

    t0 = time.perf_counter()
    v = (rng.random((n_runs, nv), dtype=np.float32) < sigmoid(bvb)).astype(np.float32)
    logw = np.zeros(n_runs)
    K = len(betas) - 1
    for k in range(1, K + 1):
        bf, bt = betas[k - 1], betas[k]
        z = v @ W + hb
        logw += (bt - bf) * (v @ dv) + softplus_sum(np.float32(bt) * z) - softplus_sum(np.float32(bf) * z)
        if k < K:
            ph = sigmoid(np.float32(bt) * z)
            h = (rng.random(ph.shape, dtype=np.float32) < ph).astype(np.float32)
            c = ((1 - bt) * bvb + bt * vb).astype(np.float32)
            pv = sigmoid(c + np.float32(bt) * (h @ WT))
            v = (rng.random(pv.shape, dtype=np.float32) < pv).astype(np.float32)
    m = logw.max()
    logz = logz0 + m + np.log(np.mean(np.exp(logw - m)))
    secs = time.perf_counter() - t0
    print(f"seconds={secs:.3f} logz={logz:.4f}")


if __name__ == "__main__":
    main()
