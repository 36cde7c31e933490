"""
Grid search on a Dask cluster
=============================

scikit-learn's :class:`~sklearn.model_selection.GridSearchCV` runs its fits
through joblib. Inside ``joblib.parallel_backend("dask")``, with a
``distributed.Client`` active, every fit becomes a task on the cluster's
workers; nothing in the search changes. This script runs the same search over
a ``Pipeline(StandardScaler, FirstNetClassifier)`` twice, with local processes
(``n_jobs=2``) and on a local Dask cluster of two worker processes, and prints
both tables of mean test scores: with a fixed ``random_state`` they are
identical.

With a real cluster, replace ``LocalCluster(...)`` by the scheduler's address,
``Client("tcp://scheduler:8786")``; nothing else changes.
"""

import time
import warnings

import numpy as np
from distributed import Client, LocalCluster
from joblib import parallel_backend
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sknn import FirstNetClassifier

# Short trainings on purpose, to keep the example quick.
warnings.filterwarnings("ignore", category=ConvergenceWarning)


def timed_search(n_jobs, X, y):
    """Fit a grid search over a scaled network; return it and its seconds."""
    net = FirstNetClassifier(max_iter=60, learning_rate_init=0.01, random_state=0)
    param_grid = {
        "net__hidden_layer_sizes": [(16,), (32, 16)],
        "net__activation": ["relu", "tanh"],
        "net__alpha": [1e-4, 1e-1],
    }
    pipeline = Pipeline([("scale", StandardScaler()), ("net", net)])
    search = GridSearchCV(pipeline, param_grid, cv=3, n_jobs=n_jobs)
    start = time.perf_counter()
    return search.fit(X, y), time.perf_counter() - start


# %%
# The same search, on this machine and on a cluster
# -------------------------------------------------
# The ``__main__`` guard matters: the cluster's worker processes import this
# file when they start, and must not start clusters of their own.


def main():
    X, y = make_classification(
        n_samples=1500, n_features=20, n_informative=8, n_classes=3, random_state=0
    )
    local, local_seconds = timed_search(2, X, y)

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
    with Client(cluster) as client:
        print(f"cluster: {len(client.scheduler_info()['workers'])} workers")
        # every fit of the search runs as a task on the cluster's workers
        with parallel_backend("dask"):
            on_cluster, cluster_seconds = timed_search(-1, X, y)
    cluster.close()

    n_fits = len(local.cv_results_["params"]) * 3
    print(
        f"{n_fits} fits: local n_jobs=2 {local_seconds:.1f} s, "
        f"Dask cluster {cluster_seconds:.1f} s\n"
    )
    print(f"{'hidden':<9} {'activation':<10} {'alpha':<7} {'local':>6} {'cluster':>8}")
    local_scores = local.cv_results_["mean_test_score"]
    cluster_scores = on_cluster.cv_results_["mean_test_score"]
    for params, local_score, cluster_score in zip(
        local.cv_results_["params"], local_scores, cluster_scores
    ):
        print(
            f"{params['net__hidden_layer_sizes']!s:<9} {params['net__activation']:<10} "
            f"{params['net__alpha']:<7g} {local_score:>6.3f} {cluster_score:>8.3f}"
        )
    print(
        f"\nidentical mean test scores: {np.array_equal(local_scores, cluster_scores)}"
    )
    print(
        f"best parameters: {on_cluster.best_params_} "
        f"(accuracy {on_cluster.best_score_:.3f})"
    )


if __name__ == "__main__":
    main()
