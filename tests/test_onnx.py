"""Tests for sknn.to_onnx: onnxruntime reproduces predict and predict_proba for
every activation and task, and export fails clearly where it cannot work."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.neural_network import MLPClassifier, MLPRegressor

import sknn
from sknn import FirstNetClassifier, FirstNetRegressor
from sknn._onnx import to_onnx
from sknn.core.activations import HIDDEN_ACTIVATIONS
from sknn.ensemble import SeedEnsembleClassifier, SeedEnsembleRegressor

# the fits below stop at a small max_iter on purpose
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

HIDDEN_NAMES = list(HIDDEN_ACTIVATIONS)  # a new activation is tested at once
TASKS = ["binary", "multiclass", "multilabel", "regressor", "poisson"]

# float32 graph against float64 predictions from the same float32 weights
TOLERANCE = dict(rtol=1e-5, atol=1e-5)
# rows whose predicted label sits closer than this to a tie are not compared:
# float32 rounding may legitimately flip them
TIE_MARGIN = 1e-4


@pytest.fixture
def ort():
    pytest.importorskip("onnx", reason="ONNX export needs onnx (the sknn[onnx] extra)")
    return pytest.importorskip(
        "onnxruntime", reason="running the export needs onnxruntime (sknn[onnx])"
    )


def _run(ort, model, X):
    """All outputs of ``model`` on ``X``, by name."""
    options = ort.SessionOptions()
    options.log_severity_level = 3  # errors only
    session = ort.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    names = [output.name for output in session.get_outputs()]
    values = session.run(None, {"X": np.asarray(X, dtype=np.float32)})
    return dict(zip(names, values, strict=True))


def _data(n_samples=60, n_features=4, seed=0):
    # float32-representable, so the estimator and the graph see the same inputs
    X = np.random.default_rng(seed).normal(size=(n_samples, n_features))
    return X.astype(np.float32).astype(np.float64)


def _fit(task, activation, dtype="float32", hidden_layer_sizes=(5,)):
    X = _data()
    params = dict(
        hidden_layer_sizes=hidden_layer_sizes,
        activation=activation,
        dtype=dtype,
        max_iter=20,
        random_state=0,
    )
    if task == "binary":
        y = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
        return FirstNetClassifier(**params).fit(X, y), X
    if task == "multiclass":
        y = np.array([3, 7, 11])[np.digitize(X[:, 0], [-0.5, 0.5])]
        return FirstNetClassifier(**params).fit(X, y), X
    if task == "multilabel":
        return FirstNetClassifier(**params).fit(X, (X[:, :3] > 0).astype(int)), X
    if task == "regressor":
        Y = np.column_stack([X[:, 0] - 2 * X[:, 1], X[:, 2] ** 2])
        return FirstNetRegressor(**params).fit(X, Y), X
    if task == "poisson":
        y = np.exp(0.5 * X[:, 0])
        return FirstNetRegressor(loss="poisson", **params).fit(X, y), X
    raise ValueError(task)


def _decided(probabilities):
    """Mask of the rows (or, multilabel, cells) whose label is not a near-tie."""
    if probabilities.shape[1] == 2:
        return np.abs(probabilities[:, 1] - 0.5) > TIE_MARGIN
    top_two = np.sort(probabilities, axis=1)[:, -2:]
    return top_two[:, 1] - top_two[:, 0] > TIE_MARGIN


def _assert_matches(ort, estimator, X, model):
    outputs = _run(ort, model, X)
    if not hasattr(estimator, "predict_proba"):
        assert set(outputs) == {"variable"}
        expected = estimator.predict(X).reshape(X.shape[0], -1)
        assert outputs["variable"].shape == expected.shape
        np.testing.assert_allclose(outputs["variable"], expected, **TOLERANCE)
        return

    assert set(outputs) == {"label", "probabilities"}
    probabilities = estimator.predict_proba(X)
    np.testing.assert_allclose(outputs["probabilities"], probabilities, **TOLERANCE)
    labels = estimator.predict(X)
    assert outputs["label"].shape == labels.shape
    if labels.ndim == 2:  # multilabel: one 0/1 decision per cell
        decided = np.abs(probabilities - 0.5) > TIE_MARGIN
    else:
        decided = _decided(probabilities)
    assert decided.mean() > 0.9, "too many near-ties for the label check to mean much"
    np.testing.assert_array_equal(outputs["label"][decided], labels[decided])


# ------------------------------------------------------------- agreement
@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("activation", HIDDEN_NAMES)
def test_onnxruntime_matches_predictions(ort, task, activation):
    estimator, X = _fit(task, activation)
    _assert_matches(ort, estimator, X, to_onnx(estimator, X[:5]))


@pytest.mark.parametrize("task", TASKS)
def test_per_layer_activations_export(ort, task):
    # every activation in one network, each on its own layer
    estimator, X = _fit(task, HIDDEN_NAMES, hidden_layer_sizes=[4] * len(HIDDEN_NAMES))
    _assert_matches(ort, estimator, X, to_onnx(estimator, X))


@pytest.mark.parametrize("task", ["multiclass", "regressor"])
def test_float64_models_export(ort, task):
    estimator, X = _fit(
        task, ["gelu", "silu"], dtype="float64", hidden_layer_sizes=(6, 3)
    )
    assert estimator.coefs_[0].dtype == np.float64
    _assert_matches(ort, estimator, X, to_onnx(estimator, X))


def test_gelu_is_exported_as_the_tanh_approximation(ort):
    # large pre-activations, where the tanh approximation and the exact (erf)
    # GELU differ by far more than float32 rounding
    estimator, X = _fit("regressor", "gelu")
    estimator.coefs_[0] = estimator.coefs_[0] * 20
    z = (X * 3) @ estimator.coefs_[0].astype(np.float64) + estimator.intercepts_[0]
    assert np.abs(z).max() > 2
    _assert_matches(ort, estimator, X * 3, to_onnx(estimator))


@pytest.mark.parametrize(
    "labels",
    [
        np.array([-1, 4]),
        np.array([1.0, 3.0]),
        np.array([False, True]),
        np.array(["cat", "dog"], dtype=object),
    ],
    ids=["int", "float", "bool", "object-str"],
)
def test_label_types_survive_export(ort, labels):
    X = _data()
    y = labels[(X[:, 0] > 0).astype(int)]
    estimator = FirstNetClassifier(hidden_layer_sizes=(5,), max_iter=20, random_state=0)
    estimator.fit(X, y)

    label = _run(ort, to_onnx(estimator, X), X)["label"]

    decided = _decided(estimator.predict_proba(X))
    assert np.array_equal(label[decided], estimator.predict(X)[decided])
    assert set(label.tolist()) <= set(labels.tolist())


def test_batch_size_is_dynamic(ort):
    estimator, X = _fit("multiclass", "tanh")
    model = to_onnx(estimator, X)
    for n_rows in (1, 7, 60):
        probabilities = _run(ort, model, X[:n_rows])["probabilities"]
        assert probabilities.shape == (n_rows, 3)
        np.testing.assert_allclose(
            probabilities, estimator.predict_proba(X[:n_rows]), **TOLERANCE
        )


def test_graph_interface(ort):
    import onnx

    estimator, X = _fit("binary", "relu")
    model = to_onnx(estimator, X)

    (graph_input,) = model.graph.input
    assert graph_input.name == "X"
    tensor_type = graph_input.type.tensor_type
    assert tensor_type.elem_type == onnx.TensorProto.FLOAT
    batch, features = tensor_type.shape.dim
    assert not batch.HasField("dim_value")  # any number of rows
    assert features.dim_value == X.shape[1]
    assert [output.name for output in model.graph.output] == ["label", "probabilities"]
    assert model.opset_import[0].version == 17


def test_saved_file_reloads(ort, tmp_path):
    import onnx

    estimator, X = _fit("poisson", "elu")
    path = tmp_path / "model.onnx"
    onnx.save(to_onnx(estimator, X), path)

    _assert_matches(ort, estimator, X, onnx.load(path))


# 13 is the oldest opset accepted, 19 the newest of the oldest onnx (1.14) and
# onnxruntime (1.16) the sknn[onnx] extra allows
@pytest.mark.parametrize("opset", [13, 19])
def test_target_opset(ort, opset):
    estimator, X = _fit("multiclass", "silu")
    model = to_onnx(estimator, X, target_opset=opset)
    assert model.opset_import[0].version == opset
    _assert_matches(ort, estimator, X, model)


@pytest.mark.parametrize(
    "estimator_class, y_of",
    [
        (MLPClassifier, lambda X: X[:, 0] > 0),
        (MLPRegressor, lambda X: X[:, 0] * 3),
    ],
)
def test_scikit_learn_mlps_export_too(ort, estimator_class, y_of):
    X = _data()
    estimator = estimator_class(hidden_layer_sizes=(5,), max_iter=20, random_state=0)
    estimator.fit(X, y_of(X))
    _assert_matches(ort, estimator, X, to_onnx(estimator, X))


# --------------------------------------------------------------- failures
@pytest.mark.parametrize("estimator", [FirstNetClassifier(), FirstNetRegressor()])
def test_unfitted_estimator_raises_not_fitted(estimator):
    # checked before onnx is imported: runs without the optional dependency
    with pytest.raises(NotFittedError):
        to_onnx(estimator, _data())


def test_other_objects_are_refused():
    with pytest.raises(TypeError, match="FirstNetClassifier and FirstNetRegressor"):
        to_onnx(object())


def test_missing_onnx_names_the_extra(monkeypatch):
    estimator, X = _fit("binary", "relu")
    # a None entry makes `import onnx` fail as if it were not installed
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ImportError, match=r'pip install "sknn\[onnx\]"'):
        to_onnx(estimator, X)


def test_module_imports_without_onnx():
    code = (
        "import sys\n"
        "sys.modules['onnx'] = sys.modules['onnxruntime'] = None\n"
        "import sknn._onnx\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_unexportable_hidden_activation_is_named(ort):
    estimator, X = _fit("binary", "relu")
    estimator.hidden_activations_ = ["softsign"]
    with pytest.raises(ValueError, match="softsign"):
        to_onnx(estimator, X)


def test_unexportable_output_activation_is_named(ort):
    estimator, X = _fit("regressor", "relu")
    estimator.out_activation_ = "softplus"
    with pytest.raises(ValueError, match="softplus"):
        to_onnx(estimator, X)


def test_activation_list_of_the_wrong_length_is_refused(ort):
    estimator, X = _fit("multiclass", ["relu", "tanh"], hidden_layer_sizes=(4, 3))
    estimator.hidden_activations_ = ["relu"]
    with pytest.raises(
        ValueError, match="hidden_activations_ has 1 .* 2 hidden layers"
    ):
        to_onnx(estimator, X)


def test_sample_with_other_features_is_refused(ort):
    estimator, X = _fit("binary", "relu")
    with pytest.raises(ValueError, match="4 features"):
        to_onnx(estimator, X[:, :3])


@pytest.mark.parametrize("opset", [12, 10_000])
def test_unsupported_opset_is_refused(ort, opset):
    estimator, X = _fit("binary", "relu")
    with pytest.raises(ValueError, match="target_opset"):
        to_onnx(estimator, X, target_opset=opset)


def test_public_entry_point():
    assert sknn.to_onnx is to_onnx


# ------------------------------------------------------------ ensembles
def _targets(task, X):
    """The same targets as _fit's, for the ensemble's fit."""
    return {
        "binary": np.where(X[:, 0] + X[:, 1] > 0, "yes", "no"),
        "multiclass": np.array([3, 7, 11])[np.digitize(X[:, 0], [-0.5, 0.5])],
        "multilabel": (X[:, :3] > 0).astype(int),
        "regressor": np.column_stack([X[:, 0] - 2 * X[:, 1], X[:, 2] ** 2]),
        "poisson": np.exp(0.5 * X[:, 0]),
    }[task]


@pytest.mark.parametrize("task", TASKS)
def test_a_seed_ensemble_exports_its_members_mean(ort, task):
    single, X = _fit(task, "tanh")
    network = clone(single)
    if task == "regressor":
        network.set_params(normalize_y=True)  # the target scaling is written too
    regression = task in ("regressor", "poisson")
    Ensemble = SeedEnsembleRegressor if regression else SeedEnsembleClassifier
    ensemble = Ensemble(network, n_members=3, random_state=0).fit(X, _targets(task, X))
    _assert_matches(ort, ensemble, X, to_onnx(ensemble, X[:5]))


def test_an_ensemble_of_different_widths_is_refused(ort):
    X = _data()
    ensemble = SeedEnsembleRegressor(
        FirstNetRegressor(hidden_layer_sizes=(4,), max_iter=5), n_members=2
    ).fit(X, X[:, 0])
    narrower = FirstNetRegressor(hidden_layer_sizes=(4,), max_iter=5)
    ensemble.estimators_[1] = narrower.fit(X[:, :3], X[:, 0])
    with pytest.raises(ValueError, match=r"fitted on \[3, 4\] columns"):
        to_onnx(ensemble)
    with pytest.raises(NotFittedError):
        to_onnx(SeedEnsembleRegressor(n_members=2))
