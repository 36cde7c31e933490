"""The compiled Adam step (numba, optional) gives the NumPy step's bits."""

import sys

import numpy as np
import pytest

from sknn import FirstNetClassifier
from sknn.core import compiled
from sknn.core.compiled import MIN_SIZE
from sknn.core.network import Network, Workspace
from sknn.core.optimizers import OPTIMIZERS

numba = pytest.importorskip("numba")  # the `fast` extra; CI installs it

N_PARAMS = 2 * MIN_SIZE + 1234  # long enough for the compiled step
N_WEIGHTS = N_PARAMS - 300


@pytest.fixture
def numpy_step(monkeypatch):
    """``numpy_step(True)``: Adam takes its NumPy step from then on; ``False``:
    its compiled step, whose calls the returned list counts."""
    calls = []
    real = compiled.adam_step

    def counted():
        step = real()
        return None if step is None else lambda *args: calls.append(step(*args))

    monkeypatch.setattr(compiled, "adam_step", counted)

    def switch(numpy_only):
        monkeypatch.setenv("SKNN_COMPILED", "0" if numpy_only else "1")
        return calls

    return switch


def _train(name, dtype, l2, factors, steps=3, configure=None, lr=1e-2, **settings):
    rng = np.random.default_rng(0)
    params = rng.standard_normal(N_PARAMS).astype(dtype)
    optimizer = OPTIMIZERS[name](
        N_PARAMS, dtype, lr, weights=slice(0, N_WEIGHTS), **settings
    )
    if configure:  # as a resumed session sets them
        optimizer.configure(**configure)
    if factors:
        # the first weights at 1, then a group at 0.5, the biases at 3
        vector = np.ones(N_PARAMS, dtype)
        vector[MIN_SIZE + 7 : N_WEIGHTS] = 0.5
        vector[N_WEIGHTS:] = 3.0
        optimizer.lr_factors = vector
    for k in range(steps):
        grad = rng.standard_normal(N_PARAMS).astype(dtype) * 10.0**-k
        optimizer.step(params, grad, l2)
    return params, optimizer.get_state()


@pytest.mark.parametrize("name", ["adam", "adamw"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("l2", [0.0, 3e-3])
@pytest.mark.parametrize("factors", [False, True])
def test_compiled_step_gives_the_numpy_steps_bits(numpy_step, name, dtype, l2, factors):
    settings = {"weight_decay": 0.1} if name == "adamw" else {}
    numpy_step(True)
    expected, expected_state = _train(name, dtype, l2, factors, **settings)
    calls = numpy_step(False)
    params, state = _train(name, dtype, l2, factors, **settings)
    assert len(calls) == 3
    np.testing.assert_array_equal(params, expected)
    assert state.keys() == expected_state.keys()
    for key, value in expected_state.items():
        np.testing.assert_array_equal(state[key], value, err_msg=key)


def test_numpy_float_settings_train_as_python_floats(numpy_step):
    # NumPy computes float32 * np.float64 in float64; the step rounds its
    # settings as Python floats are rounded, on either path
    numpy_step(True)
    expected, _ = _train("adam", np.float32, 1e-3, False, beta_1=0.8, epsilon=1e-6)
    for numpy_only in (True, False):
        calls = numpy_step(numpy_only)
        params, _ = _train(
            "adam",
            np.float32,
            np.float64(1e-3),
            False,
            lr=np.float64(1e-2),
            beta_1=np.float64(0.8),
            epsilon=np.float64(1e-6),
        )
        np.testing.assert_array_equal(params, expected)
        resumed = dict(beta_1=np.float64(0.8), beta_2=0.999, epsilon=np.float64(1e-6))
        params, _ = _train("adam", np.float32, 1e-3, False, configure=resumed)
        np.testing.assert_array_equal(params, expected)
    assert len(calls) == 6


def test_the_compiled_step_leaves_small_networks_and_rmsprop_to_numpy(numpy_step):
    calls = numpy_step(False)
    params = np.zeros(MIN_SIZE, np.float32)  # short: numba would not repay
    OPTIMIZERS["adam"](MIN_SIZE, np.float32, 0.1).step(params, np.ones(MIN_SIZE))
    big = np.zeros(N_PARAMS, np.float32)
    OPTIMIZERS["rmsprop"](N_PARAMS, np.float32, 0.1).step(big, np.ones(N_PARAMS))
    assert calls == []
    assert (params < 0).all() and (big < 0).all()


@pytest.mark.parametrize(
    "x_dtype, dtype", [(np.float64, np.float32), (np.float32, np.float64)]
)
def test_compiled_gather_gives_numpys_rows(monkeypatch, x_dtype, dtype):
    width = MIN_SIZE // 100 + 3  # 100 rows of it: just over MIN_SIZE entries
    X = np.random.default_rng(0).standard_normal((500, width)).astype(x_dtype)
    Y = np.arange(500.0)[:, None]
    rows = np.random.default_rng(1).permutation(500)[:100]
    network = Network([width, 4, 1], ["relu"], "identity", dtype)
    batches = []
    for numpy_only in (True, False):
        monkeypatch.setenv("SKNN_COMPILED", "0" if numpy_only else "1")
        ws = Workspace(network, 100, [0.0])
        inputs, targets = ws.gather(X, Y, rows)
        batches.append((inputs.copy(), targets.copy()))
    (expected, expected_targets), (inputs, targets) = batches
    assert inputs.dtype == dtype and inputs.tobytes() == expected.tobytes()
    np.testing.assert_array_equal(expected, X[rows].astype(dtype))
    np.testing.assert_array_equal(targets, expected_targets)


def test_compiled_gather_is_for_large_c_contiguous_batches(monkeypatch):
    calls = []
    real = compiled.gather_rows
    monkeypatch.setattr(compiled, "gather_rows", lambda: calls.append(1) or real())
    network = Network([MIN_SIZE // 50, 4, 1], ["relu"], "identity", np.float32)
    X = np.ones((200, MIN_SIZE // 50))
    Y = np.zeros((200, 1))
    rows = np.arange(100)[::-1]
    Workspace(network, 100, [0.0]).gather(X, Y, rows)  # 100 x 1310: large
    assert calls == [1]
    Workspace(network, 40, [0.0]).gather(X, Y, rows[:40])  # short
    Workspace(network, 100, [0.0]).gather(np.asfortranarray(X), Y, rows)
    Workspace(network, 100, [0.0]).gather(X.astype(np.float32), Y, rows)  # no cast
    assert calls == [1]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"solver": "adamw", "alpha": 1e-3, "lr_factors": {"biases": 0.1}},
        {"dtype": "float64", "lr_schedule": "cosine", "alpha": np.float64(1e-3)},
        {"early_stopping": True, "dropout": 0.2},
    ],
)
def test_a_fit_is_the_same_with_or_without_numba(numpy_step, settings):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 400))
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
    fits = []
    for numpy_only in (True, False):
        calls = numpy_step(numpy_only)
        model = FirstNetClassifier(
            hidden_layer_sizes=(256, 64), max_iter=4, random_state=0, **settings
        )
        assert sum(W.size for W in model.fit(X, y).coefs_) > MIN_SIZE
        fits.append(model)
    numpy_fit, compiled_fit = fits
    assert calls  # the second fit took the compiled step
    expected = numpy_fit.coefs_ + numpy_fit.intercepts_
    for a, b in zip(expected, compiled_fit.coefs_ + compiled_fit.intercepts_):
        np.testing.assert_array_equal(a, b)
    assert numpy_fit.loss_curve_ == compiled_fit.loss_curve_


def test_without_numba_the_step_is_numpys(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba fails
    monkeypatch.delenv("SKNN_COMPILED", raising=False)
    compiled._compiled.cache_clear()
    try:
        assert compiled.adam_step() is None and compiled.gather_rows() is None
        params, _ = _train("adam", np.float32, 1e-3, True)
        assert np.isfinite(params).all()
    finally:
        compiled._compiled.cache_clear()


def test_sknn_compiled_0_switches_it_off(monkeypatch):
    monkeypatch.setenv("SKNN_COMPILED", "0")
    assert compiled.adam_step() is None and compiled.gather_rows() is None
    monkeypatch.setenv("SKNN_COMPILED", "1")
    assert compiled.adam_step() is not None and compiled.gather_rows() is not None
