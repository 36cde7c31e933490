"""Input layers: the learnable feature scale and the periodic embedding.

Their gradients against finite differences, what the fitted model publishes
(folded scale, embedding arrays) and that prediction, pickles and ONNX compute
the training forward pass, the choice of embedded columns, exact rollback and
resume, the refusals, and that they help where they should.
"""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from faults import raise_at_batch
from gradcheck import numeric_gradient

from sknn import FirstNetClassifier, FirstNetRegressor, to_onnx
from sknn._input_layers import restore
from sknn.core.initializers import INITIALIZERS
from sknn.core.input_layers import InputLayers
from sknn.core.losses import LOSSES
from sknn.core.network import Network, Workspace

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

BOTH = dict(numeric_embedding="periodic", feature_scaling=True)


def _data(n=60, seed=0):
    """Two continuous columns, a binary one and a two-column one-hot block."""
    rng = np.random.default_rng(seed)
    X = np.column_stack(
        [
            rng.uniform(-1, 1, n),
            rng.integers(0, 2, n),
            rng.normal(size=n),
            np.eye(2)[rng.integers(0, 2, n)],
        ]
    )
    y = np.sin(3 * X[:, 0]) + X[:, 1] - 0.5 * X[:, 2]
    return X, y


# ------------------------------------------------------------------- gradients
@pytest.mark.parametrize(
    "embedded, scale", [(None, True), ([0, 2], False), ([0, 1, 3], True)]
)
@pytest.mark.parametrize("loss_name", ["squared_error", "categorical_cross_entropy"])
def test_backprop_matches_finite_differences(embedded, scale, loss_name):
    rng = np.random.default_rng(0)
    loss, alpha = LOSSES[loss_name], 0.3
    X = rng.normal(size=(7, 4))
    Y = np.eye(3)[rng.integers(0, 3, 7)] if loss_name != "squared_error" else X[:, :3]
    sample_weight = rng.uniform(0.5, 2.0, 7)
    inputs = InputLayers(4, embedded, scale, n_frequencies=5, size=3)
    net = Network(
        [inputs.width, 6, 3],
        ["tanh"],
        loss.output_activation,
        np.float64,
        inputs=inputs,
    )
    net.initialize(rng, INITIALIZERS["auto"])
    if scale:  # away from 1, so that a gradient that ignores s is wrong
        net.input_params["scale"][...] = rng.uniform(0.5, 1.5, inputs.width)
    if embedded:  # frequencies of order 1: cos is far from linear
        net.input_params["frequencies"][...] = rng.normal(size=(len(embedded), 5))
    ws = Workspace(net, 7, [0.0])
    net.loss_and_gradient(X, Y, sample_weight, ws, loss, alpha)
    analytic = ws.grad.copy()

    numeric = numeric_gradient(net, ws, X, Y, loss, sample_weight, alpha)
    for name, region in net.groups.items():
        a, b = analytic[region], numeric[region]
        assert np.linalg.norm(a - b) < 1e-7 * max(1.0, np.linalg.norm(b)), name


def test_groups_lay_out_params_in_order():
    inputs = InputLayers(4, [1, 2], scale=True, n_frequencies=3, size=4)
    net = Network([inputs.width, 5, 2], ["relu"], "identity", np.float64, inputs=inputs)
    assert list(net.groups) == ["weights", "biases", "scale", "embedding"]
    stops = [0] + [s.stop for s in net.groups.values()]
    assert [s.start for s in net.groups.values()] == stops[:-1]
    assert stops[-1] == net.n_params
    assert net.groups["scale"].stop - net.groups["scale"].start == 4 + 2 * 3
    # the L2 region is the dense weights only
    assert net.groups["weights"] == slice(0, net.n_weights)


# ------------------------------------------------- prediction = training forward
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_network_predict_is_the_training_forward(dtype):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(9, 4)).astype(dtype)
    inputs = InputLayers(4, [0, 3], scale=True, n_frequencies=6, size=3)
    net = Network([inputs.width, 5, 2], ["gelu"], "identity", dtype, inputs=inputs)
    net.initialize(rng, INITIALIZERS["auto"])
    net.input_params["scale"][...] = rng.uniform(0.5, 1.5, inputs.width)
    trained = net.forward(X, Workspace(net, 9, [0.0]))
    tol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(net.predict(X), trained, rtol=tol, atol=tol)


def test_folded_coefs_reproduce_predict_exactly():
    X, y = _data()
    reg = FirstNetRegressor(
        hidden_layer_sizes=(8,), max_iter=20, feature_scaling=True, random_state=0
    ).fit(X, y)
    A = X
    for i, (W, b) in enumerate(zip(reg.coefs_, reg.intercepts_)):
        A = A @ W + b
        if i < len(reg.coefs_) - 1:
            A = np.maximum(A, 0)
    np.testing.assert_array_equal(reg.predict(X), A.ravel())
    # the scale learned something, and coefs_[0] is it folded into W_0
    unfolded = reg._unfolded_first_layer
    assert not np.allclose(unfolded["scale"], 1.0)
    folded = unfolded["scale"][:, None] * unfolded["coefs"]
    np.testing.assert_array_equal(reg.coefs_[0], folded)


def test_embedding_attributes_pickle_and_predict():
    X, y = _data()
    reg = FirstNetRegressor(
        hidden_layer_sizes=(8,), max_iter=10, random_state=0, **BOTH
    ).fit(X, y)
    m = len(reg.embedded_features_)
    assert reg.coefs_[0].shape == (X.shape[1] + 3 * m, 8)
    assert reg.embedding_["coefs"].shape == (m, 16, 3)
    loaded = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))
    # float32 input is predicted in float32, close to float64's
    np.testing.assert_allclose(
        reg.predict(X.astype(np.float32)), reg.predict(X), atol=1e-4
    )


# ------------------------------------------------------------ embedded columns
def test_auto_embeds_columns_with_more_than_two_values_and_keeps_them():
    X, y = _data()
    reg = FirstNetRegressor(
        hidden_layer_sizes=(4,), max_iter=3, numeric_embedding="periodic"
    )
    reg.fit(X, y)
    assert reg.embedded_features_.tolist() == [0, 2]
    # decided at the first fit: a resumed fit on other data keeps the columns
    X_binary = (X > 0).astype(float)
    reg.partial_fit(X_binary, y)
    assert reg.embedded_features_.tolist() == [0, 2]


@pytest.mark.parametrize(
    "chosen", [[2, 0], np.array([True, False, True, False, False])]
)
def test_explicit_columns_by_index_or_mask(chosen):
    X, y = _data()
    reg = FirstNetRegressor(
        hidden_layer_sizes=(4,),
        max_iter=3,
        numeric_embedding="periodic",
        embedded_features=chosen,
    ).fit(X, y)
    assert reg.embedded_features_.tolist() == [0, 2]


def test_a_fit_without_input_layers_drops_their_attributes():
    X, y = _data()
    reg = FirstNetRegressor(hidden_layer_sizes=(4,), max_iter=3, **BOTH).fit(X, y)
    reg.set_params(numeric_embedding=None, feature_scaling=False).fit(X, y)
    for name in ("embedded_features_", "embedding_", "_unfolded_first_layer"):
        assert not hasattr(reg, name), name
    assert reg.coefs_[0].shape[0] == X.shape[1]


# ---------------------------------------------------------- rollback and resume
@pytest.mark.filterwarnings("ignore:Training interrupted")
def test_interrupted_fit_equals_the_uninterrupted_one(monkeypatch):
    X, y = _data()
    params = dict(hidden_layer_sizes=(6,), batch_size=20, random_state=3, **BOTH)
    reference = FirstNetRegressor(max_iter=2, **params).fit(X, y)
    # 3 batches per epoch: interrupted in the third epoch, it keeps two
    monkeypatch.setattr(
        Network, "loss_and_gradient", raise_at_batch(8, KeyboardInterrupt())
    )
    interrupted = FirstNetRegressor(max_iter=10, **params).fit(X, y)
    assert interrupted.n_iter_ == 2
    _assert_same_model(interrupted, reference)


def test_failed_and_resumed_partial_fits_equal_one_uninterrupted_fit(monkeypatch):
    X, y = _data()
    params = dict(hidden_layer_sizes=(6,), batch_size=20, random_state=3, **BOTH)
    # one fit of three epochs: no resume, so no restore of the input layers
    reference = FirstNetRegressor(max_iter=3, **params).fit(X, y)
    resumed = FirstNetRegressor(**params).partial_fit(X, y)
    with monkeypatch.context() as patch:
        patch.setattr(
            Network, "loss_and_gradient", raise_at_batch(2, RuntimeError("fault"))
        )
        with pytest.raises(RuntimeError, match="fault"):
            resumed.partial_fit(X, y)
    resumed.partial_fit(X, y)
    resumed.partial_fit(X, y)
    _assert_same_model(resumed, reference)


def _assert_same_model(a, b):
    for left, right in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_array_equal(left, right)
    for name in b.embedding_:
        np.testing.assert_array_equal(a.embedding_[name], b.embedding_[name])
    np.testing.assert_array_equal(
        a._unfolded_first_layer["scale"], b._unfolded_first_layer["scale"]
    )


def test_hand_assigned_coefs_resume_as_the_folded_weights():
    X, y = _data()
    reg = FirstNetRegressor(
        hidden_layer_sizes=(4,), max_iter=5, feature_scaling=True, random_state=0
    ).fit(X, y)
    reg.coefs_[0] = 2.0 * reg.coefs_[0]
    architecture = reg._architecture_
    net = reg._network(architecture, reg._session, resuming=True)
    assert (net.input_params["scale"] == 1.0).all()
    np.testing.assert_array_equal(net.effective_weights()[0], reg.coefs_[0])
    reg.coefs_[0] = reg.coefs_[0] / 2.0  # the fitted values again: exact resume
    restore(reg, net)
    np.testing.assert_array_equal(
        net.input_params["scale"], reg._unfolded_first_layer["scale"]
    )


# ------------------------------------------------------------------ refusals
def test_sparse_input_with_an_embedding_is_refused():
    X, y = _data()
    reg = FirstNetRegressor(max_iter=2, numeric_embedding="periodic")
    with pytest.raises(TypeError, match="dense X"):
        reg.fit(sp.csr_matrix(X), y)
    reg.fit(X, y)
    with pytest.raises(TypeError, match="dense input"):
        reg.predict(sp.csr_matrix(X))
    # the scale alone folds into the first layer: sparse input trains
    FirstNetRegressor(max_iter=2, feature_scaling=True).fit(sp.csr_matrix(X), y)


@pytest.mark.parametrize(
    "chosen, match",
    [
        ([5], r"not in \[0, 5\)"),
        ([1, 1], "repeats"),
        ([], "non-empty"),
        ([[0]], "1-d"),
        ([0.5], "indices"),
        (np.array([True, False]), "boolean mask of 2 values"),
        (np.zeros(5, bool), "selects no column"),
    ],
)
def test_bad_embedded_features_are_refused(chosen, match):
    X, y = _data()
    reg = FirstNetRegressor(numeric_embedding="periodic", embedded_features=chosen)
    with pytest.raises(ValueError, match=match):
        reg.fit(X, y)


def test_auto_with_no_numeric_column_is_refused():
    X, y = _data()
    reg = FirstNetRegressor(numeric_embedding="periodic")
    with pytest.raises(ValueError, match="no column with more than two"):
        reg.fit(X[:, [1, 3, 4]], y)


@pytest.mark.parametrize(
    "change",
    [
        dict(feature_scaling=False),
        dict(numeric_embedding=None),
        dict(embedded_features=[0]),
        dict(embedding_size=3),
    ],
)
def test_changing_the_input_layers_on_resume_is_refused(change):
    X, y = _data()
    reg = FirstNetRegressor(max_iter=2, warm_start=True, **BOTH).fit(X, y)
    before = reg.coefs_[0].copy()
    reg.set_params(**change)
    with pytest.raises(ValueError, match="input layers changed"):
        reg.fit(X, y)
    with pytest.raises(ValueError, match="input layers changed"):
        reg.partial_fit(X, y)
    np.testing.assert_array_equal(reg.coefs_[0], before)


# ---------------------------------------------------------------------- ONNX
@pytest.mark.parametrize("Estimator", [FirstNetClassifier, FirstNetRegressor])
def test_onnx_export_computes_the_embedding(Estimator):
    ort = pytest.importorskip("onnxruntime")
    X, y = _data()
    target = y > 0 if Estimator is FirstNetClassifier else y
    model = Estimator(
        hidden_layer_sizes=(8,),
        max_iter=10,
        random_state=0,
        embedding_frequency_scale=1.0,
        **BOTH,
    ).fit(X, target)
    session = ort.InferenceSession(
        to_onnx(model, X).SerializeToString(), providers=["CPUExecutionProvider"]
    )
    outputs = session.run(None, {"X": X.astype(np.float32)})
    if Estimator is FirstNetClassifier:
        np.testing.assert_allclose(outputs[1], model.predict_proba(X), atol=1e-5)
        np.testing.assert_array_equal(outputs[0], model.predict(X))
    else:
        np.testing.assert_allclose(outputs[0].ravel(), model.predict(X), atol=1e-4)


# ------------------------------------------------------------------ learning
def test_the_embedding_fits_a_fast_oscillation_better():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (300, 1))
    y = np.sin(8 * X[:, 0])
    params = dict(
        hidden_layer_sizes=(32,), max_iter=150, learning_rate_init=0.01, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = FirstNetRegressor(**params).fit(X, y).score(X, y)
        embedded = FirstNetRegressor(
            numeric_embedding="periodic", embedding_frequency_scale=1.0, **params
        ).fit(X, y)
    assert embedded.score(X, y) > 0.95 > plain + 0.1


def test_lbfgs_trains_the_input_layers():
    X, y = _data()
    reg = FirstNetRegressor(
        hidden_layer_sizes=(8,), solver="lbfgs", max_iter=50, random_state=0, **BOTH
    ).fit(X, y)
    assert reg.score(X, y) > 0.9
    assert not np.allclose(reg._unfolded_first_layer["scale"], 1.0)


def test_resume_is_exact_with_every_recipe_ingredient():
    # NTK divides the published coefs_ by sqrt(fan_in) on resume and the scale
    # is folded into coefs_[0]: the resume must still continue bit for bit
    rng = np.random.default_rng(3)
    X = rng.normal(size=(120, 4))
    y = (np.sin(3 * X[:, 0]) + X[:, 1] > 0).astype(int)
    params = dict(
        hidden_layer_sizes=(8,),
        parametrization="ntk",
        parametric_activation=True,
        feature_scaling=True,
        numeric_embedding="periodic",
        lr_factors={"biases": 0.1, "activations": 0.1, "scale": 6.0, "embedding": 0.1},
        learning_rate_init=0.01,
        dtype="float64",
        random_state=0,
    )
    straight = FirstNetClassifier(**params, max_iter=3, tol=0).fit(X, y)
    resumed = FirstNetClassifier(**params).partial_fit(X, y, classes=[0, 1])
    resumed = pickle.loads(pickle.dumps(resumed))
    resumed.partial_fit(X, y).partial_fit(X, y)
    for ours, theirs in zip(resumed.coefs_, straight.coefs_):
        np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(resumed.predict_proba(X), straight.predict_proba(X))


# ---------------------------------------------------------------------- memory
def test_the_memory_check_counts_the_embedding_buffers(monkeypatch):
    import sknn._input
    from sknn._input_layers import InputSpec, buffer_elements_per_row, make_layers

    spec = InputSpec(
        n_features=6, scale=True, embedding="periodic", columns=(0, 2, 5), size=4
    )
    estimator = FirstNetRegressor(embedding_frequency_scale=0.1)
    layers = make_layers(spec, estimator)
    buffers = layers.buffers(7, np.zeros((spec.width, 3)), np.float64)
    per_batch = sum(a.size for name, a in buffers.items() if name != "folded")
    assert buffer_elements_per_row(spec) * 7 == per_batch

    # full-batch L-BFGS: 2,000 rows of embedding buffers, which the weights dwarf not
    X, y = np.random.default_rng(0).normal(size=(2000, 50)), np.zeros(2000)
    reg = FirstNetRegressor(
        hidden_layer_sizes=(4,),
        solver="lbfgs",
        max_iter=1,
        numeric_embedding="periodic",
    )
    monkeypatch.setattr(sknn._input, "_physical_memory_bytes", lambda: 8 * 2**20)
    with pytest.raises(MemoryError, match="embedded_features"):
        reg.fit(X, y)
