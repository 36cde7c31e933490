"""The NumPy core on its own: gradients, activations, losses, optimizers..."""

import numpy as np
import pytest
from faults import raise_at_batch
from gradcheck import numeric_gradient

from sknn.core.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
from sknn.core.initializers import INITIALIZERS
from sknn.core.losses import LOSSES
from sknn.core.network import Network, Workspace
from sknn.core.optimizers import OPTIMIZERS
from sknn.core.prediction import predict
from sknn.core.schedules import SCHEDULES
from sknn.core.stopping import Plateau
from sknn.core.training import Data, Settings, Trainer, Validation


def _problem(loss_name, rng, n=7, n_in=4, n_out=3):
    X = rng.normal(size=(n, n_in))
    if loss_name == "categorical_cross_entropy":
        Y = np.eye(n_out)[rng.integers(0, n_out, n)]
    elif loss_name == "binary_cross_entropy":
        Y = rng.integers(0, 2, (n, n_out)).astype(float)
    elif loss_name == "poisson":
        Y = rng.poisson(2.0, (n, n_out)).astype(float)
    else:
        Y = rng.normal(size=(n, n_out))
    return X, Y


def _min_abs_pre_activation(net, X):
    A, smallest = X, np.inf
    for W, b, act in zip(net.weights, net.biases, net.hidden_activations):
        Z = A @ W + b
        smallest = min(smallest, np.abs(Z).min())
        A = act(Z)
    return smallest


@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("loss_name", sorted(LOSSES))
@pytest.mark.parametrize("activation", sorted(HIDDEN_ACTIVATIONS))
def test_backprop_matches_finite_differences(activation, loss_name, alpha):
    rng = np.random.default_rng(0)
    loss = LOSSES[loss_name]
    X, Y = _problem(loss_name, rng)
    sample_weight = rng.uniform(0.5, 2.0, X.shape[0])
    net = Network(
        [4, 5, 3, 3], [activation, activation], loss.output_activation, np.float64
    )
    while True:  # finite differences are wrong within h of a ReLU-like kink: avoid it
        net.initialize(rng, INITIALIZERS["xavier_normal"])
        if _min_abs_pre_activation(net, X) > 1e-3:
            break
    ws = Workspace(net, X.shape[0], [0.0, 0.0])
    net.loss_and_gradient(X, Y, sample_weight, ws, loss, alpha)
    analytic = ws.grad.copy()

    numeric = numeric_gradient(net, ws, X, Y, loss, sample_weight, alpha)
    relative_error = np.linalg.norm(analytic - numeric) / np.linalg.norm(
        analytic + numeric
    )
    assert relative_error < 1e-6


@pytest.mark.parametrize("name", sorted(HIDDEN_ACTIVATIONS))
def test_activation_derivative_matches_finite_differences(name):
    act = ACTIVATIONS[name]
    z = np.linspace(-4, 4, 101) + 1e-3  # avoid the kink of ReLU-like functions at 0
    h = 1e-6
    numeric = (act(z + h) - act(z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(z), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(HIDDEN_ACTIVATIONS))
def test_activation_in_place_equals_out_of_place(name):
    act = ACTIVATIONS[name]
    z = np.linspace(-3, 3, 13).reshape(1, -1)
    expected = act.forward(z)
    z_copy = z.copy()
    assert act.forward(z_copy, out=z_copy) is z_copy
    np.testing.assert_allclose(z_copy, expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(HIDDEN_ACTIVATIONS))
def test_activation_keeps_its_dtype_and_does_not_overflow(name, dtype):
    # large |z| on both sides, as a badly scaled input gives: no warnings, no
    # NaN, and float32 buffers stay float32 through forward and backward
    act = ACTIVATIONS[name]
    Z = np.array([[-1e4, -100.0, -1.0, 0.5, 100.0, 1e4]], dtype=dtype)
    with np.errstate(all="raise", under="ignore"):  # underflow to 0 is fine
        A = act.forward(Z)
        dZ = act.backward(Z, A, np.ones_like(Z))
    assert A.dtype == dZ.dtype == dtype
    assert np.isfinite(A).all() and np.isfinite(dZ).all()


def test_known_activation_values():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(ACTIVATIONS["relu"](z), [0, 0, 3])
    np.testing.assert_allclose(ACTIVATIONS["logistic"](z), 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(ACTIVATIONS["leaky_relu"](z), [-0.02, 0, 3])
    np.testing.assert_allclose(ACTIVATIONS["elu"](z), [np.exp(-2) - 1, 0, 3])
    np.testing.assert_allclose(ACTIVATIONS["silu"](z), z / (1 + np.exp(-z)))
    # Klambauer et al. (2017), eq. 2, with their lambda and alpha
    lam, alpha = 1.0507009873554805, 1.6732632423543772
    np.testing.assert_allclose(
        ACTIVATIONS["selu"](z), [lam * alpha * (np.exp(-2) - 1), 0, 3 * lam]
    )
    # Misra (2020): z tanh(softplus(z))
    mish = z * np.tanh(np.log1p(np.exp(z)))
    np.testing.assert_allclose(ACTIVATIONS["mish"](z), mish, atol=1e-15)
    softmax = ACTIVATIONS["softmax"](np.array([[1.0, 2.0, 1000.0]]))
    assert np.isfinite(softmax).all() and softmax.sum() == pytest.approx(1.0)


def test_cross_entropy_of_a_confident_mistake_is_finite():
    A = np.array([[0.0, 1.0]])
    Y = np.array([[1.0, 0.0]])
    for name in ("categorical_cross_entropy", "binary_cross_entropy"):
        assert 30 < LOSSES[name].mean(Y, A) < np.inf  # -log(eps) = 36


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_initializer_scale(name):
    rng = np.random.default_rng(0)
    W, b = INITIALIZERS[name](rng, 400, 300, "relu")
    assert W.shape == (400, 300) and b.shape == (300,)
    expected_variance = {
        "auto": 6.0 / 700 / 3,
        "xavier_uniform": 6.0 / 700 / 3,
        "xavier_normal": 2.0 / 700,
        "he_uniform": 6.0 / 400 / 3,
        "he_normal": 2.0 / 400,
    }[name]
    assert W.var() == pytest.approx(expected_variance, rel=0.05)


def test_auto_initializer_shrinks_for_logistic():
    rng = np.random.default_rng(0)
    W_relu, _ = INITIALIZERS["auto"](rng, 50, 50, "relu")
    W_logistic, _ = INITIALIZERS["auto"](rng, 50, 50, "logistic")
    assert np.abs(W_logistic).max() <= np.sqrt(2 / 100) < np.abs(W_relu).max()


def _quadratic_steps(optimizer, n_steps=500):
    # minimise 0.5 ||p - 3||^2 from p = 0
    params = np.zeros(4)
    for _ in range(n_steps):
        optimizer.step(params, params - 3.0)
    return params


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizers_minimise_a_quadratic(name):
    optimizer = OPTIMIZERS[name](4, np.float64, 0.05)
    np.testing.assert_allclose(_quadratic_steps(optimizer), 3.0, atol=0.05)


def _reference_optimizer(name, params):
    # scikit-learn's own optimizers, the ones its MLP uses, updating a list of arrays
    from sklearn.neural_network._stochastic_optimizers import (
        AdamOptimizer,
        SGDOptimizer,
    )

    if name == "adam":
        return AdamOptimizer([params], learning_rate_init=0.01)
    if name == "adam-edge":
        # no momentum, a short memory and a large epsilon: the folded constants show
        return AdamOptimizer(
            [params], learning_rate_init=0.01, beta_1=0.0, beta_2=0.5, epsilon=0.1
        )
    return SGDOptimizer(
        [params], learning_rate_init=0.01, momentum=0.8, nesterov=name == "nesterov"
    )


@pytest.mark.parametrize("name", ["adam", "adam-edge", "nesterov", "momentum"])
def test_optimizer_steps_match_scikit_learn(name):
    rng = np.random.default_rng(0)
    if name == "adam":
        optimizer = OPTIMIZERS["adam"](50, np.float64, 0.01)
    elif name == "adam-edge":
        optimizer = OPTIMIZERS["adam"](
            50, np.float64, 0.01, beta_1=0.0, beta_2=0.5, epsilon=0.1
        )
    else:
        optimizer = OPTIMIZERS["sgd"](
            50, np.float64, 0.01, momentum=0.8, nesterov=name == "nesterov"
        )
    params = rng.normal(size=50)
    expected = params.copy()
    reference = _reference_optimizer(name, expected)
    for _ in range(20):
        grad = rng.normal(size=50)
        optimizer.step(params, grad)
        reference.update_params([expected], [grad])
    np.testing.assert_allclose(params, expected, rtol=1e-12)


def test_rmsprop_steps_by_the_bias_corrected_root_mean_square():
    rng = np.random.default_rng(0)
    optimizer = OPTIMIZERS["rmsprop"](5, np.float64, 0.01, beta_2=0.9)
    params, expected, v = np.zeros(5), np.zeros(5), np.zeros(5)
    for t in range(1, 6):
        grad = rng.normal(size=5)
        optimizer.step(params, grad)
        # Adam's update with the gradient in place of its running mean
        v = 0.9 * v + 0.1 * grad**2
        expected -= 0.01 * np.sqrt(1 - 0.9**t) * grad / (np.sqrt(v) + 1e-8)
    np.testing.assert_allclose(params, expected, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizers_update_float32_params_in_place(name):
    params = np.zeros(4, dtype=np.float32)
    optimizer = OPTIMIZERS[name](4, np.float32, 0.1)
    optimizer.step(params, np.ones(4, dtype=np.float32))
    assert params.dtype == np.float32 and (params < 0).all()


def test_sgd_without_momentum_is_plain_gradient_descent():
    optimizer = OPTIMIZERS["sgd"](2, np.float64, 0.1, momentum=0.0, nesterov=False)
    params = np.array([1.0, -2.0])
    optimizer.step(params, np.array([0.5, 1.0]))
    np.testing.assert_allclose(params, [0.95, -2.1])


def test_adamw_decays_weights_but_not_biases():
    optimizer = OPTIMIZERS["adamw"](
        4, np.float64, 0.1, weight_decay=0.5, weights=slice(0, 2)
    )
    params = np.ones(4)
    optimizer.step(params, np.zeros(4))
    np.testing.assert_allclose(params, [0.95, 0.95, 1.0, 1.0])


def test_schedules():
    optimizer = OPTIMIZERS["sgd"](1, np.float64, 0.1)
    SCHEDULES["invscaling"](0.1, power_t=0.5).epoch_end(optimizer, samples_seen=99)
    assert optimizer.learning_rate == pytest.approx(0.01)
    adaptive = SCHEDULES["adaptive"](0.1)
    assert adaptive.on_plateau(optimizer) and optimizer.learning_rate == pytest.approx(
        0.002
    )
    optimizer.learning_rate = 1e-7
    assert not adaptive.on_plateau(optimizer)
    assert not SCHEDULES["constant"](0.1).on_plateau(optimizer)


def test_plateau_counts_epochs_without_improvement():
    plateau = Plateau(tol=0.1, patience=1, higher_is_better=False)
    assert plateau.update(1.0)
    plateau.update(0.95)  # better, but not by tol
    assert plateau.count == 1 and not plateau.exhausted
    plateau.update(0.99)
    assert plateau.exhausted and plateau.best_value == pytest.approx(0.95)


def _settings(**changes):
    settings = dict(
        solver="adam",
        loss="squared_error",
        learning_rate_init=0.01,
        schedule="constant",
        power_t=0.5,
        alpha=0.0,
        batch_size=10,
        shuffle=True,
        tol=1e-4,
        n_iter_no_change=10,
        random_state=0,
        solver_settings=dict(beta_1=0.9, beta_2=0.999, epsilon=1e-8),
        dropout=(0.0,),
    )
    return Settings(**{**settings, **changes})


def _regression(n=100, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, X @ np.array([[1.0], [-2.0], [0.5]])


def _session_and_network(activation="tanh", seed=0):
    session = Trainer(random_state=seed)
    net = Network([3, 8, 1], [activation], "identity", np.float64)
    session.initialize(net, INITIALIZERS["auto"])
    return session, net


def test_trainer_learns_and_records_history():
    X, Y = _regression()
    session, net = _session_and_network()
    result = session.fit(
        net, Data(X, Y), _settings(), max_epochs=200, new_optimizer=True
    )
    assert result.reason in ("max_epochs", "plateau")
    losses = [record["loss"] for record in result.history]
    assert len(losses) == result.n_epochs and losses[-1] < 0.05 * losses[0]


def _state(session, net):
    """Everything a session carries, as comparable values."""
    optimizer = session.optimizer.get_state()
    return (
        net.params.tobytes(),
        {k: np.asarray(v).tobytes() for k, v in optimizer.items()},
        str(session.rng.bit_generator.state),
        (session.plateau.best, session.plateau.count),
        session.samples_seen,
        session.n_epochs,
        len(session.history),
    )


def test_divergence_rolls_back_the_whole_session_to_the_last_epoch():
    X, Y = _regression(20)
    session, net = _session_and_network("relu")
    session.fit(net, Data(X, Y), _settings(), max_epochs=1, new_optimizer=True)
    before = _state(session, net)
    X_bad = X.copy()
    X_bad[15, 0] = np.inf  # in the second batch: the first one has stepped
    result = session.fit(
        net, Data(X_bad, Y), _settings(), max_epochs=3, new_optimizer=False
    )
    assert result.reason == "diverged" and result.n_epochs == 0
    assert _state(session, net) == before


def test_non_finite_weights_from_a_finite_loss_count_as_divergence():
    # one batch an epoch: the step that overflows is the epoch's last, and its
    # loss was finite; the epoch must not count as completed
    X, Y = _regression(20)
    session = Trainer(random_state=0)
    net = Network([3, 8, 1], ["relu"], "identity", np.float32)
    session.initialize(net, INITIALIZERS["auto"])
    settings = _settings(
        solver="sgd",
        learning_rate_init=1e38,
        batch_size=20,
        solver_settings=dict(momentum=0.0, nesterov=False),
    )
    result = session.fit(net, Data(X, Y), settings, max_epochs=3, new_optimizer=True)
    assert result.reason == "diverged" and net.is_finite()


def test_interrupted_then_resumed_equals_uninterrupted(monkeypatch):
    X, Y = _regression()
    settings = _settings(dropout=(0.3,))
    session, net = _session_and_network()
    session.fit(net, Data(X, Y), settings, max_epochs=6, new_optimizer=True)
    expected = _state(session, net)

    session, net = _session_and_network()
    interrupt_in_epoch_4 = raise_at_batch(3 * 10 + 5, KeyboardInterrupt)  # 10 a epoch
    monkeypatch.setattr(Network, "loss_and_gradient", interrupt_in_epoch_4)
    result = session.fit(net, Data(X, Y), settings, max_epochs=6, new_optimizer=True)
    assert result.reason == "interrupted" and result.n_epochs == 3
    monkeypatch.undo()
    for _ in range(3):
        session.fit(net, Data(X, Y), settings, max_epochs=1, new_optimizer=False)
    assert _state(session, net) == expected


def test_an_error_restores_the_session_as_it_was_before_the_call(monkeypatch):
    X, Y = _regression()
    session, net = _session_and_network()
    session.fit(net, Data(X, Y), _settings(), max_epochs=2, new_optimizer=True)
    before, optimizer = _state(session, net), session.optimizer

    def fail(record):
        if record["epoch"] == 4:
            raise RuntimeError("callback failed")

    with pytest.raises(RuntimeError, match="callback failed"):
        session.fit(
            net,
            Data(X, Y),
            _settings(solver="sgd", solver_settings=dict(momentum=0.5, nesterov=True)),
            max_epochs=5,
            new_optimizer=True,
            callbacks=[fail],
        )
    assert session.optimizer is optimizer and _state(session, net) == before


def test_resumed_session_takes_the_new_settings():
    X, Y = _regression()
    session, net = _session_and_network()
    session.fit(net, Data(X, Y), _settings(), max_epochs=1, new_optimizer=True)
    optimizer = session.optimizer
    session.fit(
        net,
        Data(X, Y),
        _settings(
            learning_rate_init=0.5,
            tol=0.25,
            n_iter_no_change=3,
            solver_settings=dict(beta_1=0.5, beta_2=0.9, epsilon=1e-3),
        ),
        max_epochs=1,
        new_optimizer=False,
    )
    assert session.optimizer is optimizer and optimizer.t == 20  # state carried over
    assert (optimizer.beta_1, optimizer.beta_2, optimizer.epsilon) == (0.5, 0.9, 1e-3)
    assert optimizer.learning_rate == 0.5
    assert (session.plateau.tol, session.plateau.patience) == (0.25, 3)


def test_changed_betas_keep_adams_moments():
    rng = np.random.default_rng(0)
    optimizer = OPTIMIZERS["adam"](5, np.float64, 0.01)
    for _ in range(3):
        optimizer.step(np.zeros(5), rng.normal(size=5))
    m = (1 - 0.9) * optimizer.grad_sum
    v = (1 - 0.999) * optimizer.squared_grad_sum
    optimizer.configure(beta_1=0.5, beta_2=0.99, epsilon=1e-8)
    np.testing.assert_allclose((1 - 0.5) * optimizer.grad_sum, m, rtol=1e-12)
    np.testing.assert_allclose((1 - 0.99) * optimizer.squared_grad_sum, v, rtol=1e-12)


def test_validation_rows_are_scored_where_they_lie_and_the_best_epoch_kept():
    X, Y = _regression()
    val_rows = np.arange(80, 100)
    seen = []

    def score(outputs):  # peaks at the 4th epoch, whatever the outputs
        seen.append(outputs.copy())
        return -((len(seen) - 4) ** 2)

    data = Data(
        X, Y, None, np.arange(80), Validation(val_rows, Y[val_rows], None, score)
    )
    session, net = _session_and_network()
    result = session.fit(net, data, _settings(), max_epochs=8, new_optimizer=True)
    assert result.n_epochs == 8 and result.best_value == 0
    np.testing.assert_array_equal(net.predict(X, rows=val_rows), seen[3])
    np.testing.assert_array_equal(seen[3], net.predict(X[80:]))


def test_dropout_masks_are_inverted_and_off_at_predict():
    rng = np.random.default_rng(0)
    net = Network([5, 2000, 1], ["identity"], "identity", np.float64)
    net.initialize(rng, INITIALIZERS["auto"])
    ws = Workspace(net, 1, [0.5])
    x = np.ones((1, 5))
    net.forward(x, ws, rng)
    mask = ws.masks[0][0]
    assert set(np.unique(mask)) == {0.0, 2.0}
    assert mask.mean() == pytest.approx(
        1.0, abs=0.1
    )  # E[mask] = 1: no rescale at predict
    clean = predict(x, net.weights, net.biases, ["identity"], "identity", chunk_rows=8)
    np.testing.assert_allclose(
        clean,
        x @ net.weights[0] @ net.weights[1]
        + net.biases[0] @ net.weights[1]
        + net.biases[1],
    )


def test_predict_is_chunk_invariant_and_float64():
    rng = np.random.default_rng(0)
    net = Network([6, 7, 3], ["gelu"], "softmax", np.float32)
    net.initialize(rng, INITIALIZERS["auto"])
    X = rng.normal(size=(50, 6))
    args = (net.weights, net.biases, ["gelu"], "softmax")
    whole = predict(X, *args, chunk_rows=1000)
    assert whole.dtype == np.float64
    np.testing.assert_allclose(
        whole, predict(X, *args, chunk_rows=7), rtol=0, atol=1e-13
    )
    in_float32 = predict(X.astype(np.float32), *args, chunk_rows=7)
    assert in_float32.dtype == np.float64
    np.testing.assert_allclose(in_float32, whole, rtol=1e-5)


def _core_imports():
    import ast
    import pathlib

    import sknn.core

    for path in pathlib.Path(sknn.core.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names]
                yield path.name, names + [getattr(node, "module", "") or ""]


def test_core_does_not_import_scikit_learn():
    for module, names in _core_imports():
        assert not any(n.startswith("sklearn") for n in names), module


def test_core_calls_no_blas_but_numpys():
    # SciPy's wheels bundle their own OpenBLAS: calling it between NumPy's matrix
    # products makes the two thread pools fight for the cores (10-100x slower fits)
    for module, names in _core_imports():
        assert not any(n.startswith("scipy.linalg") for n in names), module
        assert not ("scipy" in names and "linalg" in names), module
