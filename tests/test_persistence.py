"""Saving and loading models: pickle, joblib and skops round-trips, skops's
refusal of untrusted types, and the warning for a model saved by another sknn
version."""

import io
import pickle
import warnings

import joblib
import numpy as np
import pytest
from sklearn.base import BaseEstimator

import sknn
from sknn import FirstNetClassifier, FirstNetRegressor, _persistence
from sknn._persistence import InconsistentSknnVersionWarning, VersionedPickleMixin

# the fits below stop at a small max_iter on purpose
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _versioned(estimator_class):
    """The estimator class with the version check, adding the mixin if it lacks it."""
    if issubclass(estimator_class, VersionedPickleMixin):
        return estimator_class
    name = f"Versioned{estimator_class.__name__}"
    # bound below to this name in this module, where pickle and skops look it up
    return type(name, (VersionedPickleMixin, estimator_class), {"__module__": __name__})


VersionedFirstNetClassifier = _versioned(FirstNetClassifier)
VersionedFirstNetRegressor = _versioned(FirstNetRegressor)
VERSIONED = (VersionedFirstNetClassifier, VersionedFirstNetRegressor)


class TinyModel(VersionedPickleMixin, BaseEstimator):
    """A stand-in estimator: the mixin on top of a bare BaseEstimator."""

    def __init__(self, scale=1.0):
        self.scale = scale

    def fit(self, X, y=None):
        self.coef_ = np.asarray(X, dtype=float).mean(axis=0) * self.scale
        return self


class Payload:
    """A type skops does not trust; loading it must not even build it."""

    constructed = 0

    def __init__(self):
        self.command = "anything a crafted file may carry"

    def __setstate__(self, state):
        Payload.constructed += 1
        self.__dict__.update(state)


# ------------------------------------------------------------------ fixtures
def _data(n_samples=60, n_features=4, seed=0):
    return np.random.default_rng(seed).normal(size=(n_samples, n_features))


def _fitted(kind, estimator_classes=(FirstNetClassifier, FirstNetRegressor)):
    classifier_class, regressor_class = estimator_classes
    X = _data()
    params = dict(hidden_layer_sizes=(5,), max_iter=20, random_state=0)
    if kind == "binary":
        return classifier_class(**params).fit(X, X[:, 0] > 0), X
    if kind == "multiclass":
        y = np.array(["low", "mid", "high"])[np.digitize(X[:, 0], [-0.5, 0.5])]
        return classifier_class(activation="gelu", **params).fit(X, y), X
    if kind == "multilabel":
        return classifier_class(activation="silu", **params).fit(X, X[:, :3] > 0), X
    if kind == "regressor":
        return regressor_class(activation=["elu"], dtype="float64", **params).fit(
            X, X[:, :2] @ [1.0, -2.0]
        ), X
    if kind == "poisson":
        return regressor_class(loss="poisson", **params).fit(X, np.exp(X[:, 0])), X
    if kind == "lbfgs":
        return classifier_class(solver="lbfgs", **params).fit(X, X[:, 1] > 0), X
    raise ValueError(kind)


KINDS = ["binary", "multiclass", "multilabel", "regressor", "poisson", "lbfgs"]


def _pickle_round_trip(estimator, tmp_path):
    return pickle.loads(pickle.dumps(estimator))


def _joblib_round_trip(estimator, tmp_path):
    path = tmp_path / "model.joblib"
    joblib.dump(estimator, path)
    return joblib.load(path)


def _skops_round_trip(estimator, tmp_path):
    sio = pytest.importorskip("skops.io", reason="needs skops (the sknn[skops] extra)")
    path = tmp_path / "model.skops"
    sio.dump(estimator, path)
    # what a user does with a file: list the types it would build, review, trust
    untrusted = sio.get_untrusted_types(file=path)
    assert untrusted, "an sknn model holds types skops cannot trust by default"
    assert all(name.startswith("sknn.") for name in untrusted), untrusted
    return sio.load(path, trusted=untrusted)


ROUND_TRIPS = {
    "pickle": _pickle_round_trip,
    "joblib": _joblib_round_trip,
    "skops": _skops_round_trip,
}


def _outputs(estimator, X):
    outputs = [estimator.predict(X)]
    if hasattr(estimator, "predict_proba"):
        outputs.append(estimator.predict_proba(X))
    return outputs


# -------------------------------------------------------------- round trips
@pytest.mark.parametrize("route", list(ROUND_TRIPS))
@pytest.mark.parametrize("kind", KINDS)
def test_round_trip_gives_bit_identical_predictions(kind, route, tmp_path):
    estimator, X = _fitted(kind)
    loaded = ROUND_TRIPS[route](estimator, tmp_path)

    assert type(loaded) is type(estimator)
    assert loaded is not estimator
    for expected, got in zip(_outputs(estimator, X), _outputs(loaded, X), strict=True):
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)
    for expected, got in zip(estimator.coefs_, loaded.coefs_, strict=True):
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)
    assert loaded.get_params() == estimator.get_params()
    assert loaded.history_ == estimator.history_


@pytest.mark.parametrize("route", list(ROUND_TRIPS))
def test_loaded_model_resumes_training_identically(route, tmp_path):
    # the optimizer's state travels too: one more partial_fit on the loaded copy
    # lands exactly where it lands on the original
    estimator, X = _fitted("binary")
    loaded = ROUND_TRIPS[route](estimator, tmp_path)
    y = X[:, 0] > 0

    estimator.partial_fit(X, y)
    loaded.partial_fit(X, y)

    for expected, got in zip(estimator.coefs_, loaded.coefs_, strict=True):
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(loaded.predict_proba(X), estimator.predict_proba(X))


# -------------------------------------------------------------------- skops
def test_skops_refuses_a_file_with_an_untrusted_type(tmp_path):
    sio = pytest.importorskip("skops.io", reason="needs skops (the sknn[skops] extra)")
    from skops.io.exceptions import UntrustedTypesFoundException

    path = tmp_path / "crafted.skops"
    sio.dump({"weights": np.arange(3.0), "payload": Payload()}, path)
    Payload.constructed = 0

    payload_type = f"{__name__}.Payload"
    assert sio.get_untrusted_types(file=path) == [payload_type]
    with pytest.raises(UntrustedTypesFoundException, match="Payload"):
        sio.load(path)
    assert Payload.constructed == 0

    loaded = sio.load(path, trusted=[payload_type])
    assert isinstance(loaded["payload"], Payload)
    assert Payload.constructed == 1


def test_skops_refuses_an_sknn_model_until_its_types_are_trusted(tmp_path):
    sio = pytest.importorskip("skops.io", reason="needs skops (the sknn[skops] extra)")
    from skops.io.exceptions import UntrustedTypesFoundException

    estimator, X = _fitted("binary")
    data = sio.dumps(estimator)
    untrusted = sio.get_untrusted_types(data=data)

    assert f"{type(estimator).__module__}.{type(estimator).__name__}" in untrusted
    with pytest.raises(UntrustedTypesFoundException):
        sio.loads(data)
    # trusting only some of the types is not enough
    with pytest.raises(UntrustedTypesFoundException):
        sio.loads(data, trusted=untrusted[:1])
    np.testing.assert_array_equal(
        sio.loads(data, trusted=untrusted).predict(X), estimator.predict(X)
    )


# ---------------------------------------------------------- version warning
def _dumps(route, estimator):
    if route == "pickle":
        return pickle.dumps(estimator)
    if route == "joblib":
        buffer = io.BytesIO()
        joblib.dump(estimator, buffer)
        return buffer.getvalue()
    sio = pytest.importorskip("skops.io", reason="needs skops (the sknn[skops] extra)")
    return sio.dumps(estimator)


def _loads(route, data):
    if route == "pickle":
        return pickle.loads(data)
    if route == "joblib":
        return joblib.load(io.BytesIO(data))
    sio = pytest.importorskip("skops.io", reason="needs skops (the sknn[skops] extra)")
    return sio.loads(data, trusted=sio.get_untrusted_types(data=data))


def test_pickled_state_records_the_sknn_version():
    model = TinyModel().fit(_data())
    state = model.__getstate__()

    assert state["_sknn_version"] == sknn.__version__
    # the live estimator is left untouched
    assert "_sknn_version" not in vars(model)
    assert "_sknn_version" not in vars(pickle.loads(pickle.dumps(model)))


def test_edited_version_in_state_warns_on_load():
    model = TinyModel(scale=2.0).fit(_data())
    state = model.__getstate__()
    state["_sknn_version"] = "0.0.1"

    loaded = TinyModel.__new__(TinyModel)
    with pytest.warns(InconsistentSknnVersionWarning, match="0.0.1") as record:
        loaded.__setstate__(state)

    warning = record[0].message
    assert warning.estimator_name == "TinyModel"
    assert warning.original_sknn_version == "0.0.1"
    assert warning.current_sknn_version == sknn.__version__
    # the state is still restored, without the version key
    np.testing.assert_array_equal(loaded.coef_, model.coef_)
    assert loaded.scale == 2.0
    assert "_sknn_version" not in vars(loaded)


def test_state_without_a_version_warns_as_unknown():
    state = TinyModel().fit(_data()).__getstate__()
    del state["_sknn_version"]

    with pytest.warns(InconsistentSknnVersionWarning, match="unknown"):
        TinyModel.__new__(TinyModel).__setstate__(state)


def test_warning_pickles_with_its_details():
    # joblib's workers send warnings back to the parent process
    warning = InconsistentSknnVersionWarning("FirstNetClassifier", "0.2.0", "0.1.0")
    copy = pickle.loads(pickle.dumps(warning))
    assert copy.estimator_name == "FirstNetClassifier"
    assert copy.current_sknn_version == "0.2.0"
    assert copy.original_sknn_version == "0.1.0"
    assert str(copy) == str(warning)
    assert "0.1.0" in str(warning) and "0.2.0" in str(warning)


@pytest.mark.parametrize("route", list(ROUND_TRIPS))
@pytest.mark.parametrize("kind", ["multiclass", "poisson"])
def test_model_from_another_version_warns_through_every_route(kind, route, monkeypatch):
    estimator, X = _fitted(kind, VERSIONED)
    # save as if sknn were another release, then load with the installed one
    with monkeypatch.context() as patch:
        patch.setattr(_persistence, "_current_version", lambda: "0.0.1.dev0")
        data = _dumps(route, estimator)

    with pytest.warns(InconsistentSknnVersionWarning, match="0.0.1.dev0") as record:
        loaded = _loads(route, data)

    assert type(loaded) is type(estimator)
    assert record[0].message.current_sknn_version == sknn.__version__
    # the warning does not stop the model from working
    for expected, got in zip(_outputs(estimator, X), _outputs(loaded, X), strict=True):
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("route", list(ROUND_TRIPS))
def test_model_from_the_same_version_loads_silently(route):
    estimator, X = _fitted("binary", VERSIONED)
    data = _dumps(route, estimator)
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentSknnVersionWarning)
        loaded = _loads(route, data)
    np.testing.assert_array_equal(loaded.predict(X), estimator.predict(X))


def test_sknn_estimators_check_the_version_on_load():
    # the version check is part of the estimators, not only of test subclasses
    assert issubclass(FirstNetClassifier, VersionedPickleMixin)
    assert issubclass(FirstNetRegressor, VersionedPickleMixin)
    for estimator_class in (FirstNetClassifier, FirstNetRegressor):
        mro = estimator_class.__mro__
        assert mro.index(VersionedPickleMixin) < mro.index(BaseEstimator)
    assert sknn.InconsistentSknnVersionWarning is InconsistentSknnVersionWarning
