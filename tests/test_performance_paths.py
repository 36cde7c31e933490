"""The faster paths must give the same bits as the plain ones: an optimizer
step run chunk by chunk (for the cache), the L2 gradient added by the step,
ReLU against a scalar zero."""

import numpy as np
import pytest

from sknn.core import optimizers
from sknn.core.optimizers import OPTIMIZERS, lr_factor_vector

N_PARAMS = 103  # not a multiple of the chunk sizes below: a short last chunk


@pytest.fixture(autouse=True)
def numpy_step(monkeypatch):
    # these are the NumPy step's paths: with CHUNK patched below N_PARAMS, Adam
    # would take the compiled step instead (tests/test_compiled.py)
    monkeypatch.setenv("SKNN_COMPILED", "0")


def _trained(name, dtype, lr_factors):
    rng = np.random.default_rng(0)
    params = rng.standard_normal(N_PARAMS).astype(dtype)
    optimizer = OPTIMIZERS[name](N_PARAMS, dtype, 0.01, weights=slice(0, 90))
    groups = {"weights": slice(0, 90), "biases": slice(90, N_PARAMS)}
    optimizer.lr_factors = lr_factor_vector(groups, lr_factors, N_PARAMS, dtype)
    for _ in range(5):
        optimizer.step(params, rng.standard_normal(N_PARAMS).astype(dtype))
    state = optimizer.get_state()
    return params, [v for v in state.values() if isinstance(v, np.ndarray)]


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("lr_factors", [None, {"biases": 0.5}])
@pytest.mark.parametrize("chunk", [1, 10, 64])
def test_chunked_step_is_bit_identical(monkeypatch, name, dtype, lr_factors, chunk):
    whole, whole_state = _trained(name, dtype, lr_factors)  # CHUNK > N_PARAMS
    monkeypatch.setattr(optimizers, "CHUNK", chunk)
    chunked, chunked_state = _trained(name, dtype, lr_factors)
    assert chunked.tobytes() == whole.tobytes()
    assert [a.tobytes() for a in chunked_state] == [a.tobytes() for a in whole_state]


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("chunk", [10, 1 << 16])
def test_step_adds_the_l2_gradient_as_the_network_would(monkeypatch, name, chunk):
    # step(p, g, l2) == step(p, g + l2 W): the L2 term on the weights only
    monkeypatch.setattr(optimizers, "CHUNK", chunk)
    rng = np.random.default_rng(1)
    params = rng.standard_normal(N_PARAMS).astype(np.float32)
    grads = [rng.standard_normal(N_PARAMS).astype(np.float32) for _ in range(3)]
    results = []
    for fused in (False, True):
        p = params.copy()
        optimizer = OPTIMIZERS[name](N_PARAMS, np.float32, 0.01, weights=slice(0, 90))
        for g in grads:
            g = g.copy()
            if fused:
                optimizer.step(p, g, 0.3)
            else:
                g[:90] += np.multiply(p[:90], 0.3)
                optimizer.step(p, g)
            results.append(g)
        results.append(p)
    half = len(results) // 2
    assert [a.tobytes() for a in results[:half]] == [
        a.tobytes() for a in results[half:]
    ]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_l2_in_the_step_equals_l2_in_the_gradient(solver):
    # without clipping the step adds the L2 gradient; with a clipping norm never
    # reached, the network adds it: both must train to the same bits
    from sknn import FirstNetClassifier

    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 6))
    y = (X[:, 0] > 0).astype(int)
    settings = dict(
        hidden_layer_sizes=(8,), solver=solver, alpha=0.1, max_iter=3,
        batch_size=32, random_state=0,
    )  # fmt: skip
    fused = FirstNetClassifier(**settings).fit(X, y)
    added = FirstNetClassifier(**settings, max_grad_norm=1e30).fit(X, y)
    for a, b in zip(fused.coefs_ + fused.intercepts_, added.coefs_ + added.intercepts_):
        assert a.tobytes() == b.tobytes()
    assert fused.loss_curve_ == added.loss_curve_


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_against_a_scalar_gives_the_bits_of_max_against_zeros(dtype):
    from sknn.core.activations import HIDDEN_ACTIVATIONS

    Z = np.array([[-0.0, 0.0, np.nan, -1.5, 2.5, -np.inf, np.inf, 1e-40]] * 3, dtype)
    out = HIDDEN_ACTIVATIONS["relu"].forward(Z)
    assert out.dtype == dtype
    assert out.tobytes() == np.maximum(Z, np.zeros_like(Z)).tobytes()


@pytest.mark.parametrize("n_rows", [1, 100, 256, 257, 1000])
def test_biases_repeated_over_rows_give_the_bits_of_broadcasting(n_rows):
    # 64 units: the float64 copy of a float32 model repeats each bias over 256 rows
    from sknn import FirstNetClassifier
    from sknn.core.prediction import predict

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5))
    y = rng.integers(0, 3, 300)
    clf = FirstNetClassifier(hidden_layer_sizes=(64, 64), max_iter=3, random_state=0)
    clf.fit(X, y)
    rows = rng.normal(size=(n_rows, 5))
    plain = predict(
        rows,
        [W.astype(np.float64) for W in clf.coefs_],
        [b.astype(np.float64) for b in clf.intercepts_],
        clf.hidden_activations_,
        clf.out_activation_,
        chunk_rows=512,
    )
    expected = plain / plain.sum(axis=1, keepdims=True)
    assert clf.predict_proba(rows).tobytes() == expected.tobytes()
    assert clf._prediction_layers.layers(
        np.dtype(np.float64), clf.coefs_, clf.intercepts_
    )[1][0].shape == (256, 64)
