"""The promises sknn makes, one test (or a few) each; README's "Guarantees" lists them.

1. Bad input is refused early, in scikit-learn's words.
2. A failure inside fit or partial_fit leaves the estimator as it was.
3. The same random_state gives bit-identical weights: in one process, across
   processes, and inside GridSearchCV(n_jobs=2); random_state=None does not.
4. predict is safe to call from many threads at once.
5. Training holds at most one float32 copy of X, per-row bookkeeping and
   batch-sized buffers.
"""

import subprocess
import sys
import threading
import tracemalloc
import warnings

import numpy as np
import pytest
from faults import raise_at_batch
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.utils._param_validation import InvalidParameterError

from sknn import FirstNetClassifier, FirstNetRegressor
from sknn.core.network import Network
from sknn.core.optimizers import OPTIMIZERS

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
rng = np.random.default_rng(0)
X = rng.normal(size=(40, 3))
y = np.array([0, 1] * 20)


# ------------------------------------------------------------- 1. bad input
@pytest.mark.parametrize(
    "bad_X, match",
    [
        (
            np.array([["a", "b"], ["c", "d"]], dtype=object),
            "could not convert|dtype object",
        ),
        (X.astype(complex), "Complex data not supported"),
        (X.reshape(40, 3, 1), "Found array with dim 3"),
        ([[1.0, 2.0], [3.0]], "inhomogeneous|sequence"),
    ],
)
def test_unusable_X_is_refused(bad_X, match):
    target = y[: len(bad_X)]
    with pytest.raises(ValueError, match=match):
        FirstNetClassifier(max_iter=2).fit(bad_X, target)


@pytest.mark.parametrize("dtype", [bool, np.int32, np.int64, np.float32])
def test_boolean_and_integer_X_are_converted(dtype):
    clf = FirstNetClassifier(hidden_layer_sizes=(4,), max_iter=3).fit(
        (X > 0).astype(dtype), y
    )
    assert clf.predict_proba((X > 0).astype(dtype)).dtype == np.float64


def test_y_with_nan_or_wrong_length():
    with pytest.raises(ValueError, match="NaN"):
        FirstNetRegressor().fit(X, np.where(y == 0, np.nan, 1.0))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        FirstNetClassifier().fit(X, y[:-1])


def test_a_single_sample():
    clf = FirstNetClassifier(hidden_layer_sizes=(3,), max_iter=5).fit(X[:1], y[:1])
    assert clf.predict(X[:1]).tolist() == y[:1].tolist()
    reg = FirstNetRegressor(hidden_layer_sizes=(3,), max_iter=5).fit(X[:1], [2.0])
    assert reg.predict(X[:1]).shape == (1,)


def test_predict_proba_has_one_column_per_class_seen_in_partial_fit():
    clf = FirstNetClassifier(hidden_layer_sizes=(4,))
    clf.partial_fit(X, y, classes=[0, 1, 2, 3])  # classes 2 and 3 not in this chunk
    assert clf.predict_proba(X).shape == (40, 4)
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)


def test_property_fit_and_predict_work_or_raise_cleanly():
    hypothesis = pytest.importorskip(
        "hypothesis", reason="property test needs hypothesis"
    )
    st = hypothesis.strategies
    allowed = (ValueError, InvalidParameterError, MemoryError)

    @hypothesis.settings(max_examples=60, deadline=None)
    @hypothesis.given(
        n_samples=st.integers(0, 12),
        n_features=st.integers(1, 4),
        dtype=st.sampled_from([np.float64, np.float32, np.int64, bool]),
        hidden=st.lists(st.integers(-1, 5), min_size=0, max_size=2),
        solver=st.sampled_from(["lbfgs", *sorted(OPTIMIZERS)]),
        dropout=st.sampled_from([0.0, 0.5, 1.0]),
        batch_size=st.sampled_from(["auto", 1, 100]),
        scale=st.sampled_from([1.0, 1e30, np.inf]),
        regression=st.booleans(),
    )
    def fit_predict(
        n_samples,
        n_features,
        dtype,
        hidden,
        solver,
        dropout,
        batch_size,
        scale,
        regression,
    ):
        data = (
            np.random.default_rng(n_samples).normal(size=(n_samples, n_features))
            * scale
        )
        target = np.arange(n_samples) % 2
        Estimator = FirstNetRegressor if regression else FirstNetClassifier
        est = Estimator(
            hidden_layer_sizes=hidden,
            solver=solver,
            dropout=dropout,
            batch_size=batch_size,
            max_iter=3,
            random_state=0,
        )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                est.fit(data.astype(dtype), target)
        except allowed:
            return
        prediction = est.predict(data.astype(dtype))
        assert prediction.shape[0] == n_samples

    fit_predict()


# -------------------------------------------- 2. failures change nothing
@pytest.mark.parametrize("method", ["partial_fit", "fit"])
def test_a_fault_inside_training_changes_nothing(monkeypatch, method):
    clf = FirstNetClassifier(
        hidden_layer_sizes=(5,), batch_size=10, warm_start=True, random_state=0
    ).partial_fit(X, y, classes=[0, 1])
    before = {
        k: (v.copy() if isinstance(v, np.ndarray) else v)
        for k, v in vars(clf).items()
        if k != "_trainer"
    }
    before_weights = [w.copy() for w in clf.coefs_ + clf.intercepts_]
    monkeypatch.setattr(
        Network, "loss_and_gradient", raise_at_batch(3, RuntimeError("simulated fault"))
    )
    with pytest.raises(RuntimeError, match="simulated fault"):
        getattr(clf, method)(X, y)
    assert clf.t_ == before["t_"] and clf.loss_curve_ == before["loss_curve_"]
    for old, new in zip(before_weights, clf.coefs_ + clf.intercepts_):
        np.testing.assert_array_equal(old, new)
    monkeypatch.undo()
    clf.partial_fit(X, y)  # and it still trains
    assert clf.t_ == before["t_"] + len(y)


# ------------------------------------------------------------ 3. determinism
PARAMS = dict(
    hidden_layer_sizes=(6,),
    max_iter=4,
    dropout=0.2,
    early_stopping=True,
    random_state=7,
)
SCRIPT = """
import numpy as np, sys, warnings
warnings.simplefilter("ignore")
from sknn import FirstNetClassifier
rng = np.random.default_rng(0)
X = rng.normal(size=(40, 3)); y = np.array([0, 1] * 20)
clf = FirstNetClassifier(**{params!r}).fit(X, y)
sys.stdout.write(np.concatenate([c.ravel() for c in clf.coefs_]).tobytes().hex())
"""


def test_same_random_state_is_bit_identical_across_processes():
    here = FirstNetClassifier(**PARAMS).fit(X, y)
    expected = np.concatenate([c.ravel() for c in here.coefs_]).tobytes().hex()
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(params=PARAMS)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out == expected


def test_random_state_none_differs():
    a = FirstNetClassifier(**{**PARAMS, "random_state": None}).fit(X, y)
    b = FirstNetClassifier(**{**PARAMS, "random_state": None}).fit(X, y)
    assert not np.array_equal(a.coefs_[0], b.coefs_[0])


def test_grid_search_with_two_jobs_matches_one_job():
    grid = {"alpha": [1e-4, 1e-1], "hidden_layer_sizes": [(3,), (6,)]}
    base = FirstNetClassifier(max_iter=5, random_state=3)
    serial = GridSearchCV(base, grid, cv=2, n_jobs=1).fit(X, y)
    parallel = GridSearchCV(base, grid, cv=2, n_jobs=2).fit(X, y)
    for key in ("split0_test_score", "split1_test_score"):
        np.testing.assert_array_equal(
            serial.cv_results_[key], parallel.cv_results_[key]
        )
    for a, b in zip(serial.best_estimator_.coefs_, parallel.best_estimator_.coefs_):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------- 4. thread-safe predict
def test_predict_from_eight_threads_matches_serial():
    data = np.random.default_rng(1).normal(size=(3000, 3))
    clf = FirstNetClassifier(hidden_layer_sizes=(32,), max_iter=5, random_state=0).fit(
        X, y
    )
    expected_proba, expected_labels = clf.predict_proba(data), clf.predict(data)
    results, errors = [None] * 8, []

    def work(i):
        try:
            results[i] = (clf.predict_proba(data), clf.predict(data))
        except (
            Exception
        ) as exc:  # surfaced below: a thread's exception is lost otherwise
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for proba, labels in results:
        np.testing.assert_array_equal(proba, expected_proba)
        np.testing.assert_array_equal(labels, expected_labels)


# ------------------------------------------------------------------- 5. memory
@pytest.fixture(scope="module")
def big():
    return np.random.default_rng(0).normal(size=(1_000_000, 100))  # 763 MiB float64


@pytest.mark.parametrize("early_stopping, bytes_per_row", [(False, 64), (True, 96)])
def test_fit_makes_no_copy_of_X_only_bounded_buffers(
    big, early_stopping, bytes_per_row
):
    target = (big[:, 0] > 0).astype(int)
    clf = FirstNetClassifier(
        hidden_layer_sizes=(32,),
        batch_size=256,
        max_iter=1,
        random_state=0,
        early_stopping=early_stopping,
    )
    tracemalloc.start()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(big, target)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"peak traced memory during fit: {peak / 2**20:.1f} MiB")
    # batches are converted to float32 as they are gathered, so besides X there is
    # per-row bookkeeping (encoding the targets peaks at 56 bytes a row, then the
    # shuffled order; early stopping adds the rows held out and trained on, as
    # indices) and batch-sized buffers: a float32 copy of X would be 381 MiB
    assert peak <= bytes_per_row * big.shape[0] + 16 * 2**20
