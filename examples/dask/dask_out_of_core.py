"""
Out-of-core training on data larger than the cluster's memory
=============================================================

A local Dask cluster of two worker processes, each capped at 640 MiB, trains a
``FirstNetClassifier`` on a 1.5 GB dataset that is never held in memory: each
block of 50,000 rows is drawn from its own seeded random generator when it is
needed, :func:`sknn.dask.fit_incremental` moves the model to it for one
``partial_fit`` step, and the block is dropped. Spilling to disk is turned off,
so the workers cannot hide blocks in files either.

The script prints the size of the data next to the memory the workers may use,
the peak memory the workers actually used while training, and the accuracy on
a held-out set, scored block by block with :func:`sknn.dask.predict`.

With a real cluster, replace ``LocalCluster(...)`` by the scheduler's address,
``Client("tcp://scheduler:8786")``; nothing else changes.
"""

import time

import dask
import dask.array as da
import numpy as np
from distributed import Client, LocalCluster
from distributed.diagnostics import MemorySampler

from sknn import FirstNetClassifier
from sknn.dask import fit_incremental, predict

N_WORKERS, WORKER_MEMORY = 2, 640 * 2**20
N_FEATURES, BLOCK_ROWS = 40, 50_000
WEIGHTS = np.random.default_rng(0).standard_normal(N_FEATURES) / np.sqrt(N_FEATURES)


def lazy_blocks(seed, n_blocks):
    """X drawn block by block from a seeded generator; y a non-linear rule of X."""
    X = da.random.default_rng(seed).standard_normal(
        size=(BLOCK_ROWS * n_blocks, N_FEATURES), chunks=(BLOCK_ROWS, N_FEATURES)
    )
    y = (X[:, 0] * X[:, 1] + 0.5 * (X @ WEIGHTS) > 0).astype(np.int64)
    return X, y


# %%
# Train on the cluster, block by block
# ------------------------------------
# The ``__main__`` guard matters: the cluster's worker processes import this
# file when they start, and must not start clusters of their own.


def main():
    X_train, y_train = lazy_blocks(seed=1, n_blocks=96)
    X_test, y_test = lazy_blocks(seed=2, n_blocks=4)
    # no spilling: a worker that held too many blocks would have to show it
    no_spill = {
        "distributed.worker.memory.target": False,
        "distributed.worker.memory.spill": False,
    }
    with dask.config.set(no_spill):
        cluster = LocalCluster(
            n_workers=N_WORKERS,
            threads_per_worker=1,
            memory_limit=WORKER_MEMORY,
            dashboard_address=None,
        )
    with Client(cluster):
        print(
            f"training data   {X_train.nbytes / 2**30:.2f} GiB in "
            f"{X_train.numblocks[0]} blocks of "
            f"{X_train.blocks[0].nbytes / 2**20:.0f} MiB"
        )
        print(
            f"worker memory   {N_WORKERS} x {WORKER_MEMORY / 2**30:.2f} GiB = "
            f"{N_WORKERS * WORKER_MEMORY / 2**30:.2f} GiB"
        )
        clf = FirstNetClassifier(
            (16,), batch_size=1000, learning_rate_init=3e-3, random_state=0
        )
        sampler = MemorySampler()
        start = time.perf_counter()
        with sampler.sample("training", interval=0.2):
            fit_incremental(clf, X_train, y_train, random_state=0)
        seconds = time.perf_counter() - start
        peak = max(memory for _, memory in sampler.samples["training"])
        print(
            f"peak memory     {peak / 2**30:.2f} GiB, all workers together, "
            f"while training ({seconds:.1f} s)"
        )
        # predict() is lazy: the comparison and the mean run block by block too
        accuracy = (predict(clf, X_test) == y_test).mean().compute()
        print(f"held-out accuracy on {X_test.shape[0]:,} rows: {accuracy:.3f}")
    cluster.close()


if __name__ == "__main__":
    main()
