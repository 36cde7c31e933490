"""FirstNetRegressor(normalize_y=True): training on standardized targets."""

import numpy as np
import pytest
from sklearn.compose import TransformedTargetRegressor
from sklearn.preprocessing import StandardScaler

from sknn import FirstNetRegressor


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = 5000.0 + 800.0 * (X @ [1.0, -2.0, 0.5]) + rng.normal(scale=50.0, size=200)
    return X, y


def _net(**params):
    defaults = dict(hidden_layer_sizes=(8,), max_iter=30, random_state=0)
    return FirstNetRegressor(dtype="float64", **{**defaults, **params})


def test_same_model_as_a_target_transformer(data):
    X, y = data
    ours = _net(normalize_y=True).fit(X, y)
    theirs = TransformedTargetRegressor(_net(), transformer=StandardScaler()).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-10)
    np.testing.assert_allclose(ours.loss_curve_, theirs.regressor_.loss_curve_)


def test_large_targets_fit_only_when_normalized(data):
    X, y = data
    fast = dict(learning_rate_init=0.03, max_iter=100)
    assert _net(normalize_y=True, **fast).fit(X, y).score(X, y) > 0.9
    assert _net(**fast).fit(X, y).score(X, y) < 0.5


def test_multioutput_constant_column(data):
    X, y = data
    Y = np.column_stack([y, np.full_like(y, 3.0)])
    model = _net(normalize_y=True, learning_rate_init=0.03, max_iter=100)
    predictions = model.fit(X, Y).predict(X)
    np.testing.assert_allclose(predictions[:, 1], 3.0, atol=0.5)  # no 0 / 0


def test_scaling_fixed_while_resuming(data):
    X, y = data
    model = _net(normalize_y=True).partial_fit(X[:100], y[:100])
    first = model._target_scaling
    model.partial_fit(X[100:], y[100:] + 1e4)
    assert model._target_scaling is first


def test_refit_without_it_forgets_it(data):
    X, y = data
    model = _net(normalize_y=True).fit(X, y)
    model.set_params(normalize_y=False).fit(X, y)
    plain = _net().fit(X, y)
    np.testing.assert_array_equal(model.predict(X), plain.predict(X))


def test_toggling_on_resume_is_refused(data):
    X, y = data
    model = _net(normalize_y=True).fit(X, y)
    with pytest.raises(ValueError, match="normalize_y=False"):
        model.set_params(normalize_y=False, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match="normalize_y=True"):
        _net().partial_fit(X, y).set_params(normalize_y=True).partial_fit(X, y)


def test_refused_with_poisson(data):
    X, y = data
    with pytest.raises(ValueError, match="poisson"):
        _net(normalize_y=True, loss="poisson").fit(X, np.abs(y))


def test_early_stopping_scores_in_units_of_y(data):
    X, y = data
    fast = dict(learning_rate_init=0.03, max_iter=100)
    model = _net(normalize_y=True, early_stopping=True, **fast).fit(X, y)
    assert 0.5 < model.best_validation_score_ <= 1


def test_onnx_export_maps_back(data):
    pytest.importorskip("onnxruntime")
    import onnxruntime

    from sknn import to_onnx

    X, y = data
    model = _net(normalize_y=True).fit(X, y)
    session = onnxruntime.InferenceSession(to_onnx(model).SerializeToString())
    (exported,) = session.run(None, {"X": X.astype(np.float32)})
    np.testing.assert_allclose(exported.ravel(), model.predict(X), rtol=1e-4)


@pytest.mark.parametrize("scoring", [None, "r2", "neg_mean_squared_error", "loss"])
def test_explicit_validation_set_is_scored_in_units_of_y(data, scoring):
    X, y = data
    fast = dict(learning_rate_init=0.03, max_iter=40, n_iter_no_change=100)
    model = _net(normalize_y=True, early_stopping=True, scoring=scoring, **fast)
    model.fit(X[:150], y[:150], X_val=X[150:], y_val=y[150:])
    errors = model.predict(X[150:]) - y[150:]
    if scoring == "neg_mean_squared_error":
        expected = -np.mean(errors**2)
    elif scoring == "loss":  # half the squared error, in standardized units
        expected = -0.5 * np.mean((errors / model._target_scaling.scale) ** 2)
    else:
        expected = model.score(X[150:], y[150:])
    np.testing.assert_allclose(model.best_validation_score_, expected, rtol=1e-9)
