"""Data-dependent initialization (``data_init``): each layer starts at unit
pre-activation variance, with every unit bending inside the data, through
the input layers and NTK; only training rows are read; a resumed fit keeps
its weights; sparse and dense X start alike."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from sknn import FirstNetClassifier, FirstNetRegressor
from sknn.core import data_init
from sknn.core.initializers import INITIALIZERS
from sknn.core.input_layers import InputLayers, embed
from sknn.core.network import Network
from sknn.core.training import Data, Trainer

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _far_wide_data(n=300, seed=0):
    """Columns of very different offsets and spreads, one of them constant."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)) * [1.0, 50.0, 0.01, 0.0] + [0.0, 500.0, -3.0, 7.0]
    y = X[:, 0] + X[:, 1] / 50 + 100 * X[:, 2]
    return X, y


def _network(inputs=None, parametrization="standard", n_features=4):
    width = n_features if inputs is None else inputs.width
    net = Network(
        [width, 16, 8, 2],
        ["tanh", "relu"],
        "identity",
        np.float64,
        parametrization=parametrization,
        inputs=inputs,
    )
    net.initialize(np.random.default_rng(0), INITIALIZERS["auto"])
    return net


def _pre_activations(net, X):
    """Each layer's pre-activations on X, the output layer's included."""
    embedding = net.embedding_arrays()
    A = X if embedding is None else embed(X, embedding)
    layers = []
    for i, (W, b) in enumerate(zip(net.effective_weights(), net.biases)):
        layers.append(A @ W + b)
        if i < net.n_layers - 1:
            A = net.hidden_activations[i].forward(layers[-1].copy())
    return layers


@pytest.mark.parametrize(
    "inputs, parametrization",
    [
        (None, "standard"),
        (None, "ntk"),
        (InputLayers(4, embedded=[0, 1], scale=True, n_frequencies=3), "ntk"),
    ],
)
def test_every_layer_starts_at_unit_variance_bending_inside_the_data(
    inputs, parametrization
):
    X, _ = _far_wide_data()
    net = _network(inputs, parametrization)
    data_init.fit_to_data(net, X, None, np.random.default_rng(1))
    for Z in _pre_activations(net, X):
        assert np.allclose(Z.std(axis=0), 1.0)
        # b = -(a convex combination of the unit's pre-activations): some
        # rows fall on each side of the bend
        assert ((Z > 0).mean(axis=0) > 0).all() and ((Z < 0).mean(axis=0) > 0).all()


def test_a_unit_constant_on_the_data_keeps_its_weights():
    X = np.ones((50, 4))  # every pre-activation is constant
    net = _network()
    before = [W.copy() for W in net.weights]
    data_init.fit_to_data(net, X, None, np.random.default_rng(0))
    assert net.is_finite()
    for W, W0 in zip(net.weights, before):
        assert np.array_equal(W, W0)


def test_only_the_training_rows_are_read():
    X, _ = _far_wide_data(400)
    train_rows = np.arange(0, 400, 2)
    poisoned = X.copy()
    poisoned[1::2] = np.nan  # rows the session does not train on
    nets = []
    for data in (X, poisoned):
        net = _network()
        data = Data(data, np.zeros((400, 2)), train_rows=train_rows)
        Trainer(0).initialize_from_data(net, data)
        nets.append(net)
    assert nets[1].is_finite()
    assert np.array_equal(nets[0].params, nets[1].params)


def test_large_data_is_sampled_and_sparse_input_reads_the_same_rows():
    X, _ = _far_wide_data(data_init.MAX_ROWS + 500)
    dense, sparse = _network(), _network()
    data_init.fit_to_data(dense, X, None, np.random.default_rng(3))
    data_init.fit_to_data(sparse, sp.csr_matrix(X), None, np.random.default_rng(3))
    assert np.allclose(dense.params, sparse.params)
    Z = dense.predict(X)  # fitted to a sample: close to unit variance on all
    assert np.allclose(Z.std(axis=0), 1.0, atol=0.05)


def _first_epoch_weights(est, X, y):
    """The initial weights, seen through a fit whose one step changes nothing."""
    est.set_params(solver="sgd", learning_rate_init=1e-12, max_iter=1)
    return est.fit(X, y)


@pytest.mark.parametrize("Estimator", [FirstNetClassifier, FirstNetRegressor])
def test_the_estimators_start_from_the_fitted_initialization(Estimator):
    X, y = _far_wide_data()
    y = y > np.median(y) if Estimator is FirstNetClassifier else y
    common = dict(hidden_layer_sizes=(16,), dtype="float64", random_state=0)
    plain = _first_epoch_weights(Estimator(**common), X, y)
    fitted = _first_epoch_weights(Estimator(**common, data_init=True), X, y)
    Z_plain = X @ plain.coefs_[0] + plain.intercepts_[0]
    Z = X @ fitted.coefs_[0] + fitted.intercepts_[0]
    assert not np.allclose(Z_plain.std(axis=0), 1.0, atol=0.1)
    assert np.allclose(Z.std(axis=0), 1.0, atol=1e-3)


def test_data_init_is_unused_when_resuming():
    X, y = _far_wide_data()
    runs = []
    for second in (True, False):
        reg = FirstNetRegressor(hidden_layer_sizes=(8,), data_init=True, random_state=0)
        reg.partial_fit(X, y)
        runs.append(reg.set_params(data_init=second).partial_fit(X, y).coefs_)
    for W_a, W_b in zip(*runs):
        assert np.array_equal(W_a, W_b)


def test_data_init_helps_a_network_on_unscaled_inputs():
    X, y = _far_wide_data(600)
    scores = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for on in (False, True):
            reg = FirstNetRegressor(
                hidden_layer_sizes=(32,), max_iter=40, data_init=on, random_state=0
            )
            scores[on] = reg.fit(X[:400], y[:400]).score(X[400:], y[400:])
    assert scores[True] > scores[False] + 0.2
