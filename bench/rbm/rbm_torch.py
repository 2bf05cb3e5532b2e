"""Times a plain PyTorch CD-1 and PCD-1 loop on the data bench/rbm wrote.

Usage: python3 rbm_torch.py DATA.npz EPOCHS WARMUP_ROWS THREADS

Prints one JSON line per run: {"name", "times": [seconds per epoch],
"cpu": [process CPU seconds per epoch, all threads], "info"}.
The loop does per mini-batch of 100 the same work as belief's rbm.Trainer:
gather the shuffled rows, hidden probabilities and samples, visible
probabilities (CD-1; sampled and kept as chains for PCD-1), hidden
probabilities of the negative states, and the update of W and the biases
with momentum 0.5, learning rate 0.1 and weight cost 0.0002. Buffers are
preallocated and the products write into them (out=, addmm_), and Bernoulli
draws compare uniforms with the probabilities (faster than torch.bernoulli),
which is how a careful PyTorch user writes it. Loading the data is not timed; the warm-up
is a pass over the first WARMUP_ROWS rows.
"""
import json
import sys
import time

import numpy as np
import torch

NH, B, LR, MOM, WC, CHAINS = 500, 100, 0.1, 0.5, 0.0002, 100


class Trainer:
    def __init__(self, x, pcd, gen):
        n, nv = x.shape
        self.x, self.pcd, self.gen = x, pcd, gen
        self.W = torch.randn(nv, NH, generator=gen) * 0.01
        p = x.mean(0).clamp(1e-3, 1 - 1e-3)
        self.vb = torch.log(p / (1 - p))
        self.hb = torch.zeros(NH)
        self.Winc = torch.zeros(nv, NH)
        self.vbinc = torch.zeros(nv)
        self.hbinc = torch.zeros(NH)
        self.v0 = torch.empty(B, nv)
        self.h0 = torch.empty(B, NH)
        self.hs = torch.empty(max(B, CHAINS), NH)
        self.v1 = torch.empty(max(B, CHAINS), nv)
        self.h1 = torch.empty(max(B, CHAINS), NH)
        self.u = torch.empty(max(B, CHAINS) * max(nv, NH))
        self.chains = x[torch.randint(n, (CHAINS,), generator=gen)].clone()

    def sample(self, dst, p):
        """Sets dst to Bernoulli(p) draws: uniforms compared with p, which
        torch 1.13 does three times faster than torch.bernoulli on a CPU."""
        rows, cols = p.shape
        u = self.u[:rows * cols].view(rows, cols)
        u.uniform_(generator=self.gen)
        torch.lt(u, p, out=dst)

    def epoch(self, rows):
        x, W, gen = self.x, self.W, self.gen
        perm = torch.randperm(rows, generator=gen)
        for b0 in range(0, rows, B):
            idx = perm[b0:b0 + B]
            n = idx.numel()
            v0, h0 = self.v0[:n], self.h0[:n]
            torch.index_select(x, 0, idx, out=v0)
            torch.addmm(self.hb, v0, W, out=h0)
            torch.sigmoid(h0, out=h0)
            if self.pcd:
                nn = CHAINS
                v1, h1, hs = self.v1[:nn], self.h1[:nn], self.hs[:nn]
                torch.addmm(self.hb, self.chains, W, out=h1)
                torch.sigmoid(h1, out=h1)
                self.sample(hs, h1)
                torch.addmm(self.vb, hs, W.t(), out=v1)
                torch.sigmoid(v1, out=v1)
                self.sample(self.chains, v1)
                v1 = self.chains
            else:
                nn = n
                v1, h1, hs = self.v1[:nn], self.h1[:nn], self.hs[:nn]
                self.sample(hs, h0)
                torch.addmm(self.vb, hs, W.t(), out=v1)
                torch.sigmoid(v1, out=v1)
            torch.addmm(self.hb, v1, W, out=h1)
            torch.sigmoid(h1, out=h1)
            # Winc = mom*Winc + lr*(v0'h0/n - v1'h1/nn) - lr*wc*W; W += Winc
            self.Winc.mul_(MOM).addmm_(v0.t(), h0, alpha=LR / n)
            self.Winc.addmm_(v1.t(), h1, alpha=-LR / nn).add_(W, alpha=-LR * WC)
            W.add_(self.Winc)
            self.vbinc.mul_(MOM).add_(v0.sum(0) / n - v1.sum(0) / nn, alpha=LR)
            self.hbinc.mul_(MOM).add_(h0.sum(0) / n - h1.sum(0) / nn, alpha=LR)
            self.vb.add_(self.vbinc)
            self.hb.add_(self.hbinc)


def main():
    path, epochs, warm, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    x = torch.from_numpy(np.ascontiguousarray(np.load(path)["X"], dtype=np.float32))
    for name, pcd in (("torch CD-1", False), ("torch PCD-1", True)):
        gen = torch.Generator().manual_seed(1)
        with torch.no_grad():
            t = Trainer(x, pcd, gen)
            t.epoch(min(warm, x.shape[0]))
            times, cpu = [], []
            for _ in range(epochs):
                t0, c0 = time.perf_counter(), time.process_time()
                t.epoch(x.shape[0])
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
        info = "torch %s, %d threads" % (torch.__version__, torch.get_num_threads())
        print(json.dumps({"name": name, "times": times, "cpu": cpu, "info": info}), flush=True)


if __name__ == "__main__":
    main()
