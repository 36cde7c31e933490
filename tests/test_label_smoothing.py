"""Label smoothing: the classifier trains on (1 - eps) Y + eps / K.

The cross-entropies are checked on soft targets (their values, and their
gradient by finite differences), and to be unchanged, bit for bit, on 0/1
targets; the estimator's first step is checked against a hand computation.
"""

import warnings

import numpy as np
import pytest
import sklearn
from sklearn.datasets import make_classification
from sklearn.metrics import log_loss

from sknn import FirstNetClassifier
from sknn.core.losses import LOSSES
from sknn.core.network import Network, Workspace

BCE, CCE = LOSSES["binary_cross_entropy"], LOSSES["categorical_cross_entropy"]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sklearn.exceptions.ConvergenceWarning)
        yield


def _soft(rng, n, k, softmax):
    Y = rng.uniform(size=(n, k))
    return Y / Y.sum(axis=1, keepdims=True) if softmax else Y


# ------------------------------------------------------------------- core
def test_cross_entropies_of_soft_targets():
    rng = np.random.default_rng(0)
    A = rng.uniform(0.05, 0.95, size=(6, 3))
    Y = _soft(rng, 6, 3, softmax=False)
    expected = -Y * np.log(A) - (1 - Y) * np.log(1 - A)
    np.testing.assert_allclose(BCE.pointwise(Y, A), expected, rtol=1e-12)
    P, Y = A / A.sum(axis=1, keepdims=True), _soft(rng, 6, 3, softmax=True)
    expected = -(Y * np.log(P)).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(CCE.pointwise(Y, P), expected, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropies_of_hard_targets_are_unchanged_bit_for_bit(dtype):
    # the 0/1 formulas sknn used before soft targets, including where a = 0 or 1
    rng = np.random.default_rng(1)
    A = rng.uniform(size=(50, 4)).astype(dtype)
    A[0, :2], A[1, :2] = 0.0, 1.0
    Y = (rng.uniform(size=A.shape) > 0.5).astype(dtype)
    eps = np.finfo(dtype).eps
    before = -np.log(np.maximum(1.0 - np.abs(A - Y), eps))
    np.testing.assert_array_equal(BCE.pointwise(Y, A), before)
    P = A / A.sum(axis=1, keepdims=True)
    P[2] = [1.0, 0.0, 0.0, 0.0]
    Y = np.eye(4, dtype=dtype)[rng.integers(4, size=50)]
    truth = np.einsum("ij,ij->i", Y, P)[:, None]
    np.testing.assert_array_equal(CCE.pointwise(Y, P), -np.log(np.maximum(truth, eps)))


@pytest.mark.parametrize(
    "output, n_outputs",
    [("logistic", 1), ("logistic", 3), ("softmax", 3)],
)
def test_gradient_on_soft_targets_matches_finite_differences(output, n_outputs):
    rng = np.random.default_rng(2)
    loss = BCE if output == "logistic" else CCE
    network = Network([3, 4, n_outputs], ["tanh"], output, np.float64)
    network.params[...] = rng.normal(size=network.n_params)
    X = rng.normal(size=(5, 3))
    Y = _soft(rng, 5, n_outputs, softmax=output == "softmax")
    ws = Workspace(network, 5, (0.0,))
    network.loss_and_gradient(X, Y, None, ws, loss)
    analytic = ws.grad.copy()
    numeric = np.empty_like(analytic)
    h = 1e-6
    for i in range(network.n_params):
        saved = network.params[i]
        network.params[i] = saved + h
        up = network.loss_and_gradient(X, Y, None, ws, loss)
        network.params[i] = saved - h
        down = network.loss_and_gradient(X, Y, None, ws, loss)
        network.params[i] = saved
        numeric[i] = (up - down) / (2 * h)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)


# -------------------------------------------------------------- estimator
STEP = dict(
    hidden_layer_sizes=(),
    solver="sgd",
    momentum=0.0,
    alpha=0.0,
    batch_size=40,
    shuffle=False,
    max_iter=1,
    dtype="float64",
    random_state=0,
)


def _problem(kind):
    X, y = make_classification(
        40,
        n_features=4,
        n_classes=3 if kind == "multiclass" else 2,
        n_informative=3,
        n_redundant=1,
        random_state=0,
    )
    if kind == "multilabel":
        y = np.column_stack([y, X[:, 0] > 0, X[:, 1] > 0]).astype(int)
    return X, y


@pytest.mark.parametrize(
    "kind, n_classes", [("binary", 2), ("multiclass", 3), ("multilabel", 2)]
)
def test_first_step_and_loss_use_the_smoothed_targets(kind, n_classes):
    X, y = _problem(kind)
    eps, lr = 0.2, 0.1
    start = FirstNetClassifier(**STEP, learning_rate_init=1e-300).fit(X, y)
    A = start.predict_proba(X)  # of the initial weights: the tiny step changes none
    hard = FirstNetClassifier(**STEP, learning_rate_init=lr).fit(X, y)
    soft = FirstNetClassifier(**STEP, learning_rate_init=lr, label_smoothing=eps)
    soft.fit(X, y)
    Y = hard._label_binarizer.transform(y).astype(float)
    Y_smooth = (1 - eps) * Y + eps / n_classes
    # one full-batch SGD step: W -= lr X^T (A - Y) / n, from the same start
    expected = lr * X.T @ (Y_smooth - Y) / len(X)
    np.testing.assert_allclose(soft.coefs_[0] - hard.coefs_[0], expected, atol=1e-14)
    if kind == "binary":
        A = A[:, 1:]  # one logistic output
    if kind == "multiclass":
        expected_loss = -(Y_smooth * np.log(A)).sum(axis=1).mean()
    else:
        expected_loss = -(Y_smooth * np.log(A) + (1 - Y_smooth) * np.log(1 - A))
        expected_loss = expected_loss.sum(axis=1).mean()
    np.testing.assert_allclose(soft.loss_curve_[0], expected_loss, rtol=1e-12)


def test_zero_smoothing_is_the_default_bit_for_bit():
    X, y = _problem("multiclass")
    params = dict(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    default = FirstNetClassifier(**params).fit(X, y)
    zero = FirstNetClassifier(**params, label_smoothing=0.0).fit(X, y)
    for a, b in zip(
        default.coefs_ + default.intercepts_, zero.coefs_ + zero.intercepts_
    ):
        np.testing.assert_array_equal(a, b)
    assert default.loss_curve_ == zero.loss_curve_


def test_validation_loss_uses_the_true_labels():
    X, y = _problem("multiclass")
    clf = FirstNetClassifier(
        hidden_layer_sizes=(5,),
        max_iter=1,
        random_state=0,
        dtype="float64",
        early_stopping=True,
        scoring="loss",
        label_smoothing=0.3,
    ).fit(X[:30], y[:30], X_val=X[30:], y_val=y[30:])
    true_loss = log_loss(y[30:], clf.predict_proba(X[30:]), labels=[0, 1, 2])
    np.testing.assert_allclose(clf.history_[0]["val_loss"], true_loss, rtol=1e-10)
    assert clf.validation_scores_ == [-clf.history_[0]["val_loss"]]


def test_held_out_rows_are_scored_against_their_true_labels():
    # a loss against smoothed targets is at least their entropy: only the true
    # labels' loss can go below it
    X, y = make_classification(
        300,
        n_features=4,
        n_informative=2,
        n_redundant=0,
        n_classes=3,
        n_clusters_per_class=1,
        class_sep=4.0,
        random_state=0,
    )
    eps = 0.5
    targets = np.array([1 - eps + eps / 3, eps / 3, eps / 3])
    entropy = -(targets * np.log(targets)).sum()
    clf = FirstNetClassifier(
        hidden_layer_sizes=(16,),
        learning_rate_init=0.01,
        max_iter=60,
        random_state=0,
        early_stopping=True,
        scoring="loss",
        label_smoothing=eps,
    ).fit(X, y)
    assert min(clf.loss_curve_) >= entropy - 1e-6
    assert min(r["val_loss"] for r in clf.history_) < entropy / 2


@pytest.mark.parametrize("value", [1.0, -0.1, "0.1"])
def test_label_smoothing_out_of_range_is_refused(value):
    X, y = _problem("binary")
    with pytest.raises(ValueError, match="'label_smoothing' parameter"):
        FirstNetClassifier(label_smoothing=value).fit(X, y)
