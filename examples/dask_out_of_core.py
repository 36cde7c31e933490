"""Out-of-core training: a dataset larger than the whole cluster's memory.

A local Dask cluster of two worker processes, each capped at 640 MiB, trains a
``FirstNetClassifier`` on a 1.5 GB dataset that is never held in memory: every
block of 50,000 rows is drawn from its own seeded random generator when it is
needed, ``sknn.dask.fit_incremental`` moves the model to it for one
``partial_fit`` step, and the block is dropped. Spilling to disk is turned off,
so the workers cannot hide blocks in files either.

The script prints the size of the data next to the memory the workers may use,
the peak memory the workers actually used while training, and the accuracy on
a held-out set, scored block by block with ``sknn.dask.predict``.

With a real cluster, replace ``LocalCluster(...)`` by the scheduler's address:
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

N_WORKERS = 2
WORKER_MEMORY_LIMIT = 640 * 2**20
N_FEATURES = 40
BLOCK_ROWS = 50_000
N_TRAIN_BLOCKS = 96


def make_blocks(seed, n_blocks, weights):
    """A lazy dataset: X from a seeded generator per block, y computed from X.

    The label is a fixed non-linear function of two features plus a linear
    part, so a hidden layer has something to learn.
    """
    X = da.random.default_rng(seed).standard_normal(
        size=(BLOCK_ROWS * n_blocks, N_FEATURES), chunks=(BLOCK_ROWS, N_FEATURES)
    )
    y = (X[:, 0] * X[:, 1] + 0.5 * (X @ weights) > 0).astype(np.int64)
    return X, y


def main():
    weights = np.random.default_rng(0).standard_normal(N_FEATURES) / np.sqrt(N_FEATURES)
    X_train, y_train = make_blocks(1, N_TRAIN_BLOCKS, weights)
    X_test, y_test = make_blocks(2, 4, weights)

    # No spilling: a worker that held too many blocks would have to show it.
    no_spill = {
        "distributed.worker.memory.target": False,
        "distributed.worker.memory.spill": False,
    }
    with dask.config.set(no_spill):
        cluster = LocalCluster(
            n_workers=N_WORKERS,
            threads_per_worker=1,
            memory_limit=WORKER_MEMORY_LIMIT,
            dashboard_address=None,
        )
        client = Client(cluster)

    with client:
        block_mib = X_train.blocks[0].nbytes / 2**20
        print(
            f"training data   {X_train.nbytes / 2**30:.2f} GiB in "
            f"{X_train.numblocks[0]} blocks of {block_mib:.0f} MiB"
        )
        print(
            f"worker memory   {N_WORKERS} x {WORKER_MEMORY_LIMIT / 2**30:.2f} GiB = "
            f"{N_WORKERS * WORKER_MEMORY_LIMIT / 2**30:.2f} GiB"
        )

        clf = FirstNetClassifier(
            hidden_layer_sizes=(16,),
            batch_size=1000,
            learning_rate_init=3e-3,
            random_state=0,
        )
        sampler = MemorySampler()
        start = time.perf_counter()
        with sampler.sample("training", interval=0.2):
            fit_incremental(clf, X_train, y_train, epochs=1, random_state=0)
        seconds = time.perf_counter() - start

        peak = max(memory for _, memory in sampler.samples["training"])
        print(
            f"peak memory     {peak / 2**30:.2f} GiB, all workers together, "
            f"while training ({seconds:.1f} s)"
        )

        # predict() is lazy: the comparison and the mean run block by block too.
        accuracy = (predict(clf, X_test) == y_test).mean().compute()
        print(f"held-out accuracy on {X_test.shape[0]:,} rows: {accuracy:.3f}")
    cluster.close()


if __name__ == "__main__":
    # the guard matters: worker processes re-import this file when they start
    main()
