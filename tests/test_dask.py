"""Tests for sknn.dask: grid search on a cluster, out-of-core training, block-wise
prediction. They run against a real distributed.LocalCluster (two worker
processes on loopback) and are skipped when dask or distributed is missing."""

import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

import sknn.dask as skdask
from sknn import FirstNetClassifier, FirstNetRegressor

# small max_iter values below are deliberate
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

REPO_ROOT = Path(__file__).resolve().parents[1]
MiB = 2**20
# Each worker process may use this much memory; the out-of-core test streams a
# dataset larger than that through one worker.
WORKER_MEMORY_LIMIT = 640 * MiB
DASK_REASON = 'sknn.dask needs dask and distributed: pip install "sknn[dask]"'


def _import_dask():
    dask = pytest.importorskip("dask", reason=DASK_REASON)
    pytest.importorskip("distributed", reason=DASK_REASON)
    import dask.array as da

    return dask, da


@pytest.fixture(scope="module")
def client():
    """A Client on a two-process LocalCluster, closed after the module's tests."""
    dask, _ = _import_dask()
    from distributed import Client, LocalCluster

    # No spilling to disk: a worker holding too many blocks must show it in
    # its memory instead of hiding them in files.
    no_spill = {
        "distributed.worker.memory.target": False,
        "distributed.worker.memory.spill": False,
    }
    with dask.config.set(no_spill):
        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            memory_limit=WORKER_MEMORY_LIMIT,
            dashboard_address=None,
        )
        client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


@pytest.fixture
def no_client(monkeypatch):
    """Make sknn.dask see no cluster, so it trains in this process."""
    dask, _ = _import_dask()
    monkeypatch.setattr(skdask, "_active_client", lambda: None)
    with dask.config.set(scheduler="synchronous"):
        yield


def _classification_blocks(n_samples=3000, block_rows=500, seed=0):
    """An easy classification problem as NumPy arrays and row-blocked dask arrays."""
    _, da = _import_dask()
    X, y = make_classification(
        n_samples=n_samples,
        n_features=10,
        n_informative=5,
        n_classes=3,
        class_sep=1.5,
        random_state=seed,
    )
    return X, y, da.from_array(X, chunks=(block_rows, -1)), da.from_array(y, block_rows)


def _small_classifier(**params):
    params = {
        "hidden_layer_sizes": (16,),
        "batch_size": 100,
        "random_state": 0,
        **params,
    }
    return FirstNetClassifier(**params)


def _assert_same_weights(a, b):
    for coef_a, coef_b in zip(
        a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True
    ):
        np.testing.assert_allclose(coef_a, coef_b, rtol=1e-6, atol=1e-7)


# ---------------------------------------------------------------------------
# Without dask
# ---------------------------------------------------------------------------


def test_module_imports_without_dask_and_names_the_extra():
    """A fresh interpreter where dask cannot be imported still imports sknn.dask;
    calling it raises an ImportError that names the pip command."""
    script = textwrap.dedent(
        """
        import sys

        class NoDask:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("dask", "distributed"):
                    raise ImportError(f"No module named {name!r}")

        sys.meta_path.insert(0, NoDask())
        import numpy as np
        import sknn.dask
        from sknn import FirstNetClassifier

        for call in (
            lambda: sknn.dask.fit_incremental(FirstNetClassifier(), None, None),
            lambda: sknn.dask.predict(FirstNetClassifier(), None),
            lambda: sknn.dask.predict_proba(FirstNetClassifier(), None),
        ):
            try:
                call()
            except ImportError as exc:
                print(exc)
            else:
                sys.exit("no ImportError")
        assert "dask" not in sys.modules
        """
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    messages = result.stdout.strip().splitlines()
    assert len(messages) == 3
    for message in messages:
        assert 'pip install "sknn[dask]"' in message


# ---------------------------------------------------------------------------
# Grid search through joblib's dask backend
# ---------------------------------------------------------------------------


def test_grid_search_on_cluster_matches_local_run(client):
    from distributed import get_task_stream
    from joblib import parallel_backend

    X, y = make_classification(n_samples=240, n_features=6, random_state=0)
    pipeline = Pipeline(
        [
            ("scale", StandardScaler()),
            (
                "net",
                FirstNetClassifier(
                    hidden_layer_sizes=(8,), max_iter=15, random_state=0
                ),
            ),
        ]
    )
    grid = {"net__alpha": [1e-4, 1e-1], "net__activation": ["relu", "tanh"]}

    local = GridSearchCV(pipeline, grid, cv=3, n_jobs=2).fit(X, y)
    with get_task_stream(client) as stream, parallel_backend("dask"):
        on_cluster = GridSearchCV(pipeline, grid, cv=3, n_jobs=-1).fit(X, y)

    # the fits ran as tasks on the cluster, not in this process
    assert len(stream.data) >= len(local.cv_results_["params"]) * 3
    np.testing.assert_array_equal(
        on_cluster.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    assert on_cluster.best_params_ == local.best_params_
    _assert_same_weights(
        on_cluster.best_estimator_.named_steps["net"],
        local.best_estimator_.named_steps["net"],
    )


# ---------------------------------------------------------------------------
# Out-of-core training
# ---------------------------------------------------------------------------


class BlockRecorder(BaseEstimator):
    """Remembers which block each partial_fit call saw (X holds the block index)."""

    def partial_fit(self, X, y, classes=None):
        self.seen_ = [*getattr(self, "seen_", []), int(np.asarray(X)[0, 0])]
        self.first_classes_ = getattr(self, "first_classes_", classes)
        return self


def _indexed_blocks(n_blocks, block_rows=3):
    """X whose every row in block i is i, and a matching y."""
    _, da = _import_dask()
    values = np.repeat(np.arange(n_blocks), block_rows).astype(float)
    X = da.from_array(np.column_stack([values, values]), chunks=(block_rows, 1))
    y = da.from_array(values.astype(int) % 2, chunks=block_rows)
    return X, y


def test_fit_incremental_visits_every_block_once_per_epoch(client):
    n_blocks, epochs = 6, 4
    X, y = _indexed_blocks(n_blocks)
    recorder = skdask.fit_incremental(
        BlockRecorder(), X, y, epochs=epochs, random_state=0
    )

    epoch_orders = np.reshape(recorder.seen_, (epochs, n_blocks))
    for order in epoch_orders:
        assert sorted(order) == list(range(n_blocks))
    # a fresh shuffle each epoch
    assert len({tuple(order) for order in epoch_orders}) > 1

    in_order = skdask.fit_incremental(
        BlockRecorder(), X, y, epochs=2, shuffle_blocks=False
    )
    assert in_order.seen_ == list(range(n_blocks)) * 2


def test_fit_incremental_fits_the_callers_estimator_in_place(client):
    X, y, dX, dy = _classification_blocks()
    clf = _small_classifier()
    returned = skdask.fit_incremental(clf, dX, dy, epochs=2, random_state=0)
    assert returned is clf
    np.testing.assert_array_equal(clf.classes_, np.unique(y))
    assert clf.predict(X).shape == y.shape


def test_fit_incremental_same_result_on_cluster_and_in_process(client, monkeypatch):
    """The cluster only changes where the steps run, not what they compute."""
    dask, _ = _import_dask()
    X, y, dX, dy = _classification_blocks()
    on_cluster = skdask.fit_incremental(
        _small_classifier(), dX, dy, epochs=3, random_state=7
    )

    monkeypatch.setattr(skdask, "_active_client", lambda: None)
    with dask.config.set(scheduler="synchronous"):
        in_process = skdask.fit_incremental(
            _small_classifier(), dX, dy, epochs=3, random_state=7
        )
    _assert_same_weights(on_cluster, in_process)


def test_out_of_core_accuracy_matches_in_memory_fit(client):
    """Out-of-core training for E epochs against the in-memory ``fit`` with
    ``max_iter=E``: both see every sample once per epoch, in mini-batches of
    the same size, with the same optimizer. The only difference is the
    shuffling: ``fit`` shuffles all samples together, out-of-core training
    shuffles the order of the blocks and the samples within each block.
    Held-out accuracies must agree within 0.01."""
    X, y = make_classification(
        n_samples=6000,
        n_features=12,
        n_informative=6,
        n_classes=3,
        class_sep=1.2,
        random_state=3,
    )
    X_train, y_train, X_test, y_test = X[:4800], y[:4800], X[4800:], y[4800:]
    _, da = _import_dask()
    dX = da.from_array(X_train, chunks=(400, -1))
    dy = da.from_array(y_train, chunks=400)
    epochs = 12
    # no early stop: both runs train for exactly `epochs` epochs
    params = {"max_iter": epochs, "n_iter_no_change": epochs + 1}

    in_memory = _small_classifier(**params).fit(X_train, y_train)
    out_of_core = skdask.fit_incremental(
        _small_classifier(**params), dX, dy, epochs=epochs, random_state=0
    )
    assert in_memory.n_iter_ == epochs
    in_memory_accuracy = in_memory.score(X_test, y_test)
    out_of_core_accuracy = out_of_core.score(X_test, y_test)
    assert in_memory_accuracy > 0.8  # a problem both can learn
    assert abs(out_of_core_accuracy - in_memory_accuracy) <= 0.01


def _peak_rss_and_pid():
    """Peak resident memory of the calling (worker) process, in bytes."""
    return os.getpid(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def test_out_of_core_memory_stays_bounded_on_a_dataset_larger_than_a_worker(client):
    """Stream a lazily generated dataset larger than a worker's memory limit
    through fit_incremental: no worker restarts, and the peak memory of every
    worker grows by a few blocks at most (8 of the 48; about 4 are in use at
    once: the block trained on, its float32 copy, the prefetched next block,
    and transfer buffers)."""
    _, da = _import_dask()
    # Warm the workers up (imports, first allocations) before the baseline.
    X_small, y_small, dX_small, dy_small = _classification_blocks(
        n_samples=400, block_rows=200
    )
    skdask.fit_incremental(
        _small_classifier(), dX_small, dy_small, epochs=1, random_state=0
    )
    before = client.run(_peak_rss_and_pid)

    n_features, block_rows, n_blocks = 40, 50_000, 48
    block_bytes = block_rows * n_features * 8  # float64: about 15 MiB
    # Every block is drawn from its own seeded generator when needed.
    X = da.random.default_rng(0).standard_normal(
        size=(block_rows * n_blocks, n_features), chunks=(block_rows, n_features)
    )
    weights = np.random.default_rng(1).standard_normal(n_features)
    y = (X @ weights > 0).astype(np.int64)
    assert X.nbytes > WORKER_MEMORY_LIMIT

    clf = FirstNetClassifier(hidden_layer_sizes=(8,), batch_size=2000, random_state=0)
    skdask.fit_incremental(clf, X, y, epochs=1, random_state=0)

    after = client.run(_peak_rss_and_pid)
    assert after.keys() == before.keys()
    for address, (pid, peak) in after.items():
        assert pid == before[address][0], "a worker was restarted"
        assert peak < WORKER_MEMORY_LIMIT
        assert peak - before[address][1] <= 8 * block_bytes
    # and it learned: blocks that were never in memory together taught one model
    X_check = X.blocks[0].compute()
    assert clf.score(X_check, (X_check @ weights > 0).astype(np.int64)) > 0.9


def test_fit_incremental_in_process_without_a_client(no_client):
    X, y, dX, dy = _classification_blocks()
    clf = skdask.fit_incremental(_small_classifier(), dX, dy, epochs=8, random_state=0)
    assert clf.score(X, y) > 0.8


def test_fit_incremental_infers_multilabel_classes(no_client):
    da = pytest.importorskip("dask.array", reason=DASK_REASON)
    X = np.random.default_rng(0).normal(size=(400, 3))
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0]).astype(int)
    dX, dY = da.from_array(X, chunks=(100, 3)), da.from_array(Y, chunks=(100, 2))
    clf = skdask.fit_incremental(_small_classifier(), dX, dY, epochs=5, random_state=0)
    assert clf.classes_.tolist() == [0, 1] and clf.predict(X).shape == (400, 2)


def test_fit_incremental_on_a_dask_dataframe(client):
    pd = pytest.importorskip("pandas", reason="Dask DataFrames need pandas")
    dd = pytest.importorskip(
        "dask.dataframe", reason="Dask DataFrames need dask[dataframe]"
    )
    X, y = make_regression(n_samples=800, n_features=4, noise=1.0, random_state=0)
    y = (y - y.mean()) / y.std()
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"]).assign(target=y)
    dframe = dd.from_pandas(frame, npartitions=4)
    X_dask, y_dask = dframe[["a", "b", "c", "d"]], dframe["target"]

    reg = FirstNetRegressor(
        hidden_layer_sizes=(16,), random_state=0, learning_rate_init=0.01
    )
    skdask.fit_incremental(reg, X_dask, y_dask, epochs=10, random_state=0)
    assert list(reg.feature_names_in_) == ["a", "b", "c", "d"]

    y_pred = skdask.predict(reg, X_dask)
    assert np.isnan(y_pred.shape[0])  # partition lengths are not computed up front
    np.testing.assert_allclose(
        y_pred.compute(), reg.predict(frame[["a", "b", "c", "d"]])
    )
    assert reg.score(frame[["a", "b", "c", "d"]], y) > 0.5


def test_dask_ml_incremental_trains_an_sknn_estimator(client):
    """dask-ml's Incremental wrapper drives the same partial_fit steps."""
    wrappers = pytest.importorskip("dask_ml.wrappers", reason="needs dask-ml")
    X, y, dX, dy = _classification_blocks()
    classes = np.unique(y)
    incremental = wrappers.Incremental(_small_classifier(), shuffle_blocks=False)
    incremental.fit(dX, dy, classes=classes)

    ours = skdask.fit_incremental(
        _small_classifier(), dX, dy, epochs=1, classes=classes, shuffle_blocks=False
    )
    _assert_same_weights(incremental.estimator_, ours)
    np.testing.assert_array_equal(incremental.predict(dX).compute(), ours.predict(X))


# ---------------------------------------------------------------------------
# Block-wise prediction
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fitted_classifier():
    X, y, _, _ = _classification_blocks()
    return _small_classifier(max_iter=30).fit(X, y), X


def test_predict_and_predict_proba_map_over_blocks(client, fitted_classifier):
    _, da = _import_dask()
    clf, X = fitted_classifier
    # column chunks too: blocks are cut along the rows before prediction
    dX = da.from_array(X, chunks=(700, 5))

    labels = skdask.predict(clf, dX)
    proba = skdask.predict_proba(clf, dX)
    assert isinstance(labels, da.Array) and isinstance(proba, da.Array)
    assert labels.chunks == (dX.chunks[0],)
    assert proba.chunks == (dX.chunks[0], (len(clf.classes_),))
    assert labels.dtype == clf.classes_.dtype
    np.testing.assert_array_equal(labels.compute(), clf.predict(X))
    np.testing.assert_allclose(proba.compute(), clf.predict_proba(X), rtol=1e-6)


def test_predict_multi_output_regressor(client):
    _, da = _import_dask()
    X, Y = make_regression(n_samples=300, n_features=5, n_targets=3, random_state=0)
    reg = FirstNetRegressor(hidden_layer_sizes=(8,), max_iter=20, random_state=0).fit(
        X, Y
    )
    y_pred = skdask.predict(reg, da.from_array(X, chunks=(100, -1)))
    assert y_pred.shape == (300, 3)
    np.testing.assert_allclose(y_pred.compute(), reg.predict(X), rtol=1e-6)


def test_predict_is_lazy_and_builds_no_block_in_advance(fitted_classifier):
    """Building the prediction computes nothing: a block that raises on compute
    only raises when the result is computed."""
    dask, da = _import_dask()
    clf, X = fitted_classifier

    def broken_block(block):
        raise RuntimeError("block computed")

    dX = da.from_array(X, chunks=(500, -1)).map_blocks(broken_block, dtype=X.dtype)
    labels = skdask.predict(clf, dX)
    with pytest.raises(RuntimeError, match="block computed"):
        labels.compute(scheduler="synchronous")


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def test_predict_requires_a_fitted_estimator(fitted_classifier):
    _, da = _import_dask()
    _, X = fitted_classifier
    with pytest.raises(NotFittedError):
        skdask.predict(_small_classifier(), da.from_array(X, chunks=500))


def test_predict_proba_requires_a_classifier():
    _, da = _import_dask()
    X, y = make_regression(n_samples=50, n_features=3, random_state=0)
    reg = FirstNetRegressor(max_iter=5, random_state=0).fit(X, y)
    with pytest.raises(AttributeError, match="predict_proba"):
        skdask.predict_proba(reg, da.from_array(X, chunks=25))


@pytest.mark.parametrize(
    "epochs, error, match",
    [(0, ValueError, "at least 1"), (1.5, TypeError, "int"), (True, TypeError, "int")],
)
def test_fit_incremental_rejects_bad_epochs(no_client, epochs, error, match):
    _, _, dX, dy = _classification_blocks(n_samples=100, block_rows=50)
    with pytest.raises(error, match=match):
        skdask.fit_incremental(_small_classifier(), dX, dy, epochs=epochs)


def test_fit_incremental_rejects_mismatched_blocks(no_client):
    _, da = _import_dask()
    X, y, dX, _ = _classification_blocks(n_samples=100, block_rows=50)
    with pytest.raises(ValueError, match="same number of row blocks"):
        skdask.fit_incremental(_small_classifier(), dX, da.from_array(y, chunks=20))
    with pytest.raises(ValueError, match="same sizes"):
        skdask.fit_incremental(
            _small_classifier(), dX, da.from_array(y, chunks=((40, 60),))
        )


def test_fit_incremental_rejects_in_memory_data_and_estimators_without_partial_fit(
    no_client,
):
    X, y, dX, dy = _classification_blocks(n_samples=100, block_rows=50)
    with pytest.raises(TypeError, match="dask.array.Array"):
        skdask.fit_incremental(_small_classifier(), X, y)
    with pytest.raises(TypeError, match="partial_fit"):
        skdask.fit_incremental(DecisionTreeClassifier(), dX, dy)
