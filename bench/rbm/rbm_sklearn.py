"""Times scikit-learn's BernoulliRBM (PCD-1) on the data bench/rbm wrote.

Usage: python3 rbm_sklearn.py DATA.npz EPOCHS WARMUP_ROWS

Prints one JSON line per run: {"name", "times": [seconds per epoch],
"cpu": [process CPU seconds per epoch, all threads], "info"}.
Each epoch is one fit(X) with n_iter=1 (fit re-initialises the 500x784
weights, a negligible cost); the warm-up is a fit on the first WARMUP_ROWS
rows. Loading the data and converting it to float64 are not timed.
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.neural_network import BernoulliRBM


def main():
    path, epochs, warm = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    x32 = np.ascontiguousarray(np.load(path)["X"], dtype=np.float32)
    for name, x in (("sklearn PCD-1 f32", x32), ("sklearn PCD-1 f64", x32.astype(np.float64))):
        rbm = BernoulliRBM(n_components=500, batch_size=100, n_iter=1,
                           learning_rate=0.1, random_state=0)
        rbm.fit(x[:warm])
        times, cpu = [], []
        for _ in range(epochs):
            t0, c0 = time.perf_counter(), time.process_time()
            rbm.fit(x)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        info = "sklearn %s, numpy %s" % (sklearn.__version__, np.__version__)
        print(json.dumps({"name": name, "times": times, "cpu": cpu, "info": info}), flush=True)


if __name__ == "__main__":
    main()
