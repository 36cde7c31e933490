"""The lean prediction path: the inputs it takes, and the same answers, errors
and warnings as the full path (validate_data) for every input."""

import pickle
import threading
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError

import sknn._base
from sknn import FirstNetClassifier, FirstNetRegressor

N_FEATURES = 4
NAMES = [f"f{i}" for i in range(N_FEATURES)]


def _data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, N_FEATURES))
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


def _fit(estimator, names=False, **params):
    X, y = _data()
    if isinstance(estimator, FirstNetRegressor):
        y = X @ np.arange(1.0, N_FEATURES + 1)
    if names:
        X = pd.DataFrame(X, columns=NAMES)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return estimator.set_params(
            hidden_layer_sizes=(5,), max_iter=3, random_state=0, **params
        ).fit(X, y)


@pytest.fixture(scope="module")
def models():
    return {
        "classifier": _fit(FirstNetClassifier()),
        "classifier-f64": _fit(FirstNetClassifier(), dtype="float64"),
        "regressor": _fit(FirstNetRegressor()),
        "classifier-names": _fit(FirstNetClassifier(), names=True),
    }


def _methods(model):
    names = ["predict", "predict_proba", "predict_log_proba"]
    return [getattr(model, name) for name in names if hasattr(model, name)]


class _FullPathOnly:
    """Within it, predictions take the full path: the lean check declines all."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def __enter__(self):
        self.monkeypatch.setattr(sknn._base, "lean_prediction_input", _decline)

    def __exit__(self, *exc):
        self.monkeypatch.undo()


def _decline(estimator, X):
    return None


def _outcome(method, X):
    """What calling ``method(X)`` gives: its result or its exception, and the
    warnings it sends."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = ("result", method(X))
        except Exception as exc:
            result = ("error", type(exc), str(exc))
    return result, [(w.category, str(w.message)) for w in caught]


def _same_outcome(got, expected):
    (result, warned), (expected_result, expected_warned) = got, expected
    assert warned == expected_warned
    assert result[0] == expected_result[0]
    if result[0] == "error":
        assert result == expected_result
    else:
        np.testing.assert_array_equal(result[1], expected_result[1])


def _bad_inputs():
    X, _ = _data(n=5, seed=1)
    nan, inf = X.copy(), X.copy()
    nan[2, 1] = np.nan
    inf[0, 3] = np.inf
    return {
        "nan": nan,
        "inf": inf,
        "-inf": -inf,
        "nan-float32": nan.astype(np.float32),
        "nan-fortran": np.asfortranarray(nan),
        "too-wide": np.hstack([X, X]),
        "too-narrow": X[:, :2],
        "one-dimensional": X[0],
        "no-rows": X[:0],
        "three-dimensional": X[None],
        "strings": X.astype(str).astype(object),
        "complex": X.astype(complex),
        "sparse-coo": sp.coo_matrix(X),
        "sparse-nan": sp.csr_matrix(nan),
        "frame-nan": pd.DataFrame(nan, columns=NAMES),
        "frame-names": pd.DataFrame(X, columns=NAMES),
        "frame-other-names": pd.DataFrame(X, columns=["a", "b", "c", "d"]),
        "frame-reordered": pd.DataFrame(X, columns=NAMES[::-1]),
        "frame-int-columns": pd.DataFrame(X),
        "frame-mixed-dtypes": pd.DataFrame(X, columns=NAMES).astype({"f0": int}),
        "frame-objects": pd.DataFrame(X.astype(object), columns=NAMES),
        "list": X.tolist(),
        "array": X,
    }


@pytest.mark.parametrize("model_name", ["classifier", "regressor", "classifier-names"])
@pytest.mark.parametrize("input_name", list(_bad_inputs()))
def test_both_paths_give_the_same_errors_and_warnings(
    models, monkeypatch, model_name, input_name
):
    X = _bad_inputs()[input_name]
    for method in _methods(models[model_name]):
        got = _outcome(method, X)
        with _FullPathOnly(monkeypatch):
            expected = _outcome(method, X)
        _same_outcome(got, expected)


def test_non_finite_input_is_refused_by_both_paths(models, monkeypatch):
    X = _bad_inputs()["nan"]
    for method in _methods(models["classifier"]):
        with pytest.raises(ValueError, match="Input X contains NaN"):
            method(X)
        with _FullPathOnly(monkeypatch), pytest.raises(ValueError, match="NaN"):
            method(X)


def test_unfitted_estimators_refuse_to_predict():
    X, _ = _data(n=3)
    for estimator in (FirstNetClassifier(), FirstNetRegressor()):
        for method in _methods(estimator):
            with pytest.raises(NotFittedError):
                method(X)


def _common_inputs():
    X, _ = _data(n=7, seed=2)
    wide = np.hstack([X, X])
    return {
        "float64": X,
        "float32": X.astype(np.float32),
        "fortran": np.asfortranarray(X),
        "strided-columns": wide[:, ::2],
        "strided-rows": np.vstack([X, X])[::2],
        "one-row": X[:1],
        "read-only": np.frombuffer(X.tobytes()).reshape(X.shape),
    }


@pytest.mark.parametrize("model_name", ["classifier", "classifier-f64", "regressor"])
@pytest.mark.parametrize("input_name", list(_common_inputs()))
def test_common_inputs_take_the_lean_path_with_the_same_results(
    models, monkeypatch, model_name, input_name
):
    X = _common_inputs()[input_name]
    model = models[model_name]
    with _FullPathOnly(monkeypatch):
        expected = [method(X) for method in _methods(model)]
    # validate_data is not called: the lean path answered alone
    monkeypatch.setattr(sknn._base, "validate_data", _must_not_be_called)
    for method, want in zip(_methods(model), expected):
        got = method(X)
        np.testing.assert_array_equal(got, want)
        assert got.dtype == want.dtype


def _must_not_be_called(*args, **kwargs):
    raise AssertionError("the full path was taken")


def test_frames_of_the_fitted_names_take_the_lean_path(models, monkeypatch):
    model = models["classifier-names"]
    X, _ = _data(n=6, seed=3)
    for dtype in (np.float64, np.float32):
        frame = pd.DataFrame(X.astype(dtype), columns=NAMES)
        with _FullPathOnly(monkeypatch):
            expected = model.predict_proba(frame)
        monkeypatch.setattr(sknn._base, "validate_data", _must_not_be_called)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            np.testing.assert_array_equal(model.predict_proba(frame), expected)
        monkeypatch.undo()


def _reference_outputs(model, X):
    """The forward pass written out, in X's precision, independently of sknn."""
    dtype = X.dtype
    A = X
    for i, (W, b) in enumerate(zip(model.coefs_, model.intercepts_)):
        A = A @ W.astype(dtype) + b.astype(dtype)
        if i < len(model.coefs_) - 1:
            A = np.maximum(A, 0)
    return A.astype(np.float64)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_new_coefs_are_seen_by_the_next_prediction(dtype):
    model = _fit(FirstNetRegressor())
    X = _data(n=5)[0].astype(dtype)
    before = model.predict(X)
    model.coefs_[0] = model.coefs_[0] * 2  # a new array in the list
    model.intercepts_ = [b + 1 for b in model.intercepts_]  # a new list
    after = model.predict(X)
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, _reference_outputs(model, X).ravel(), rtol=1e-5)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_prediction_layers_are_made_once_per_precision(dtype):
    model = _fit(FirstNetClassifier())
    prepared = model._prediction_layers
    X = _data(n=5)[0].astype(dtype)
    first = model.predict_proba(X)
    made = prepared._forward_layers[np.dtype(dtype)]
    np.testing.assert_array_equal(model.predict_proba(X), first)
    assert prepared._forward_layers[np.dtype(dtype)] is made  # not made again
    # arrays other than the fit's are converted for the call, and not kept
    coefs = [W * 2 for W in model.coefs_]
    args = (coefs, model.intercepts_, None, model.hidden_activations_, "logistic")
    layers, _ = prepared.forward_layers(np.dtype(dtype), *args)
    assert layers[0][0][0, 0] == pytest.approx(2 * model.coefs_[0][0, 0])
    assert prepared._forward_layers[np.dtype(dtype)] is made


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_activations_changed_by_hand_are_seen_by_the_next_prediction(dtype):
    model = _fit(FirstNetRegressor())
    X = _data(n=5)[0].astype(dtype)
    before = model.predict(X)
    model.hidden_activations_[0] = "tanh"  # in place: the same list
    after = model.predict(X)
    A = np.tanh(X @ model.coefs_[0].astype(dtype) + model.intercepts_[0].astype(dtype))
    want = A @ model.coefs_[1].astype(dtype) + model.intercepts_[1].astype(dtype)
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, want.ravel(), rtol=1e-5)


def test_prepared_layers_are_not_pickled_and_are_rebuilt_on_load():
    model = _fit(FirstNetClassifier())
    assert "_prediction_layers" not in model.__getstate__()
    loaded = pickle.loads(pickle.dumps(model))
    assert "_prediction_layers" in vars(loaded)
    X = _data(n=9)[0]
    for dtype in (np.float64, np.float32):
        np.testing.assert_array_equal(
            loaded.predict_proba(X.astype(dtype)), model.predict_proba(X.astype(dtype))
        )


def test_float64_input_computes_in_float64_with_float32_weights():
    model = _fit(FirstNetRegressor())
    assert model.coefs_[0].dtype == np.float32
    X = _data(n=5)[0]
    np.testing.assert_allclose(
        model.predict(X), _reference_outputs(model, X).ravel(), rtol=1e-12
    )


def test_threads_predicting_at_once_get_the_serial_results(models):
    model = models["classifier"]
    inputs = [_data(n=n, seed=n)[0] for n in (1, 3, 10, 50)]
    inputs += [X.astype(np.float32) for X in inputs]
    serial = [model.predict_proba(X) for X in inputs]
    mismatches = [0] * 8
    start = threading.Barrier(8)

    def work(thread):
        start.wait()
        for _ in range(50):
            for X, want in zip(inputs, serial):
                if not np.array_equal(model.predict_proba(X), want):
                    mismatches[thread] += 1

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert mismatches == [0] * 8


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame(np.ones((3, N_FEATURES)), columns=NAMES).astype({"f0": int}),
        pd.DataFrame(np.ones((3, N_FEATURES)), columns=NAMES).astype(
            {"f1": np.float32}
        ),
        pd.DataFrame(np.ones((3, N_FEATURES)), columns=NAMES).astype("Float64"),
    ],
    ids=["int-and-float", "float32-and-float64", "nullable-float"],
)
def test_frames_of_several_or_extension_dtypes_take_the_full_path(
    models, monkeypatch, frame
):
    calls = []
    validate = sknn._base.validate_data

    def spy(*args, **kwargs):
        calls.append(args)
        return validate(*args, **kwargs)

    monkeypatch.setattr(sknn._base, "validate_data", spy)
    models["classifier-names"].predict_proba(frame)
    assert len(calls) == 1
