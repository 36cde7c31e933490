"""Bad input gets an early, clear, scikit-learn-style error; failures lose no state."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from sknn import FirstNetClassifier, FirstNetRegressor

X = np.random.default_rng(0).normal(size=(30, 3))
y = np.array([0, 1, 2] * 10)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_X(bad):
    X_bad = X.copy()
    X_bad[3, 1] = bad
    with pytest.raises(ValueError, match="Input X contains"):
        FirstNetClassifier().fit(X_bad, y)


def test_wrong_feature_count_at_predict():
    clf = FirstNetClassifier(max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :2])


def test_empty_X():
    with pytest.raises(ValueError, match="0 sample"):
        FirstNetClassifier().fit(np.empty((0, 3)), [])


@pytest.mark.parametrize(
    "params",
    [
        {"hidden_layer_sizes": 0},
        {"solver": "newton"},
        {"activation": "softplus"},
        {"alpha": -1.0},
        {"learning_rate_init": 0.0},
        {"dropout": 1.0},
        {"dropout": -0.1},
        {"weight_init": "orthogonal"},
        {"dtype": "float16"},
        {"max_grad_norm": 0.0},
        {"class_weight": "equal"},
    ],
)
def test_invalid_parameters(params):
    with pytest.raises(InvalidParameterError):
        FirstNetClassifier(**params).fit(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"hidden_layer_sizes": (4, -1)}, "positive integers"),
        (
            {"hidden_layer_sizes": (4, 4), "activation": ["relu"]},
            "one per hidden layer",
        ),
        (
            {"activation": ["relu", "softplus"], "hidden_layer_sizes": (3, 3)},
            "Unknown activation",
        ),
        (
            {"dropout": [0.2, 1.0], "hidden_layer_sizes": (3, 3)},
            "would drop every unit",
        ),
    ],
)
def test_invalid_per_layer_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        FirstNetClassifier(**params).fit(X, y)


@pytest.mark.parametrize(
    "method", ["predict", "predict_proba", "predict_log_proba", "score"]
)
def test_predict_before_fit(method):
    args = (X, y) if method == "score" else (X,)
    with pytest.raises(NotFittedError):
        getattr(FirstNetClassifier(), method)(*args)


def test_unseen_class_in_partial_fit():
    clf = FirstNetClassifier().partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="classes not in"):
        clf.partial_fit(X[:3], [0, 1, 5])


def test_partial_fit_first_call_needs_classes():
    with pytest.raises(ValueError, match="classes must be passed"):
        FirstNetClassifier().partial_fit(X, y)


def test_continuous_target_to_classifier():
    with pytest.raises(ValueError, match="FirstNetRegressor"):
        FirstNetClassifier().fit(X, X[:, 0])


def test_poisson_needs_non_negative_targets():
    with pytest.raises(ValueError, match="non-negative"):
        FirstNetRegressor(loss="poisson").fit(X, X[:, 0])


def test_early_stopping_with_partial_fit():
    with pytest.raises(ValueError, match="early_stopping"):
        FirstNetClassifier(early_stopping=True).partial_fit(X, y, classes=[0, 1, 2])


def test_diverging_fit_raises_without_leaving_nan_weights():
    X_big = X * 1e30
    reg = FirstNetRegressor(solver="sgd", learning_rate_init=10.0, max_iter=5)
    with pytest.raises(ValueError, match="diverged"):
        reg.fit(X_big, X_big[:, 0])
    assert not hasattr(reg, "coefs_")


def test_diverging_warm_start_keeps_last_finite_weights():
    target = X @ [1.0, 2.0, 3.0]
    reg = FirstNetRegressor(
        solver="sgd",
        learning_rate_init=1e-3,
        max_iter=5,
        warm_start=True,
        random_state=0,
    ).fit(X, target)
    reg.set_params(learning_rate_init=1e6, momentum=0.0)
    with pytest.warns(ConvergenceWarning, match="max_grad_norm"):
        reg.fit(X, target * 1e20)
    assert all(np.isfinite(c).all() for c in reg.coefs_ + reg.intercepts_)
    assert np.isfinite(reg.predict(X)).all()


def test_failed_partial_fit_leaves_the_model_unchanged():
    clf = FirstNetClassifier(random_state=0).partial_fit(X, y, classes=[0, 1, 2])
    before = [c.copy() for c in clf.coefs_]
    t_before = clf.t_
    with pytest.raises(ValueError):
        clf.partial_fit(X[:, :2], y)
    assert clf.t_ == t_before
    for a, b in zip(before, clf.coefs_):
        np.testing.assert_array_equal(a, b)


def test_batch_size_larger_than_data_is_clipped_with_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.warns(UserWarning, match="clipped"):
            FirstNetClassifier(batch_size=1000, max_iter=2).fit(X, y)


def test_values_beyond_float32_are_refused_in_float32_mode():
    X_huge = X.copy()
    X_huge[0, 0] = 1e39
    with pytest.raises(ValueError, match="too large for dtype='float32'"):
        FirstNetClassifier().fit(X_huge, y)
    FirstNetClassifier(dtype="float64", max_iter=2).fit(X_huge / 1e30, y)


@pytest.mark.parametrize("layout", ["C", "F", "csr"])
@pytest.mark.parametrize("row", [0, 1500, -1])
@pytest.mark.parametrize(
    "bad, message",
    [(np.nan, "Input X contains NaN"), (np.inf, "infinity"), (-1e39, "too large")],
)
def test_bad_values_are_found_anywhere_in_a_large_X(layout, row, bad, message):
    # X spans several of the blocks that the value check reads one at a time
    X_big = np.random.default_rng(1).normal(size=(3000, 100))
    X_big[row, 57] = bad
    y_big = np.arange(3000) % 2
    if layout == "F":
        X_big = np.asfortranarray(X_big)
    elif layout == "csr":
        X_big = sp.csr_matrix(X_big)
    with pytest.raises(ValueError, match=message):
        FirstNetClassifier(max_iter=1).fit(X_big, y_big)
    with pytest.raises(ValueError, match=message):
        FirstNetRegressor(max_iter=1).partial_fit(X_big, y_big)


def test_warm_start_refuses_a_different_network_shape():
    reg = FirstNetRegressor(hidden_layer_sizes=(4,), max_iter=2, warm_start=True)
    reg.fit(X, X[:, 0])
    with pytest.raises(ValueError, match="layers changed"):
        reg.fit(X, X[:, :2])
    reg.set_params(hidden_layer_sizes=(5,))
    with pytest.raises(ValueError, match="warm_start=False"):
        reg.fit(X, X[:, 0])
