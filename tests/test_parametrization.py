"""Per-group learning-rate factors, the NTK parametrization and parametric
activations (the ingredients of RealMLP, Holzmüller et al., NeurIPS 2024)."""

import numpy as np
import pytest
from faults import raise_at_batch
from gradcheck import numeric_gradient
from sklearn.datasets import load_iris

from sknn import FirstNetClassifier, FirstNetRegressor
from sknn._resolve import OPTIONAL_GROUPS, parameter_groups
from sknn.core.activations import HIDDEN_ACTIVATIONS
from sknn.core.initializers import INITIALIZERS
from sknn.core.losses import LOSSES
from sknn.core.network import Network, Workspace
from sknn.core.optimizers import OPTIMIZERS, lr_factor_vector
from sknn.core.parametrization import ntk_normal

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_IRIS = (X_IRIS - X_IRIS.mean(axis=0)) / X_IRIS.std(axis=0)


def _clf(**params):
    defaults = dict(hidden_layer_sizes=(6, 5), max_iter=5, random_state=0)
    return FirstNetClassifier(**{**defaults, **params})


# ------------------------------------------------------------- lr factors
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_lr_factors_scale_every_optimizers_steps(name):
    # without weight decay, each optimizer's displacement is linear in the rate
    rng = np.random.default_rng(0)
    factors = np.array([1.0, 2.0, 0.5, 0.0])
    plain, scaled = (OPTIMIZERS[name](4, np.float64, 0.01) for _ in range(2))
    scaled.lr_factors = factors
    p_plain, p_scaled = np.ones(4), np.ones(4)
    for _ in range(5):
        grad = rng.normal(size=4)
        plain.step(p_plain, grad)
        scaled.step(p_scaled, grad)
    np.testing.assert_allclose(p_scaled - 1, factors * (p_plain - 1), rtol=1e-12)


def test_adamw_decay_follows_the_lr_factors():
    adamw = OPTIMIZERS["adamw"](3, np.float64, 0.1, weight_decay=0.5)
    adamw.lr_factors = np.array([1.0, 0.0, 1.0])
    params = np.ones(3)
    adamw.step(params, np.zeros(3))
    np.testing.assert_allclose(params, [0.95, 1.0, 0.95])


def test_lr_factor_vector_checks_names_and_values():
    groups = {"weights": slice(0, 2), "biases": slice(2, 3)}
    listed = r"unknown.*\['bias'\].*\['weights', 'biases'\]"
    with pytest.raises(ValueError, match=listed):
        lr_factor_vector(groups, {"bias": 0.1}, 3, np.float64)
    for bad in (-1.0, np.inf, "0.1", True):
        with pytest.raises(ValueError, match="lr_factors\\['biases'\\]"):
            lr_factor_vector(groups, {"biases": bad}, 3, np.float64)


@pytest.mark.parametrize("solver", sorted(OPTIMIZERS))
@pytest.mark.parametrize("frozen", ["weights", "biases"])
def test_an_lr_factor_of_zero_freezes_its_group(solver, frozen):
    trained = {"weights": "biases", "biases": "weights"}[frozen]
    clf = _clf(solver=solver, alpha=0.1).fit(X_IRIS, Y_IRIS)
    before = {"weights": clf.coefs_, "biases": clf.intercepts_}
    # taken at the next call; a warm start begins with no momentum to carry
    clf.set_params(lr_factors={frozen: 0.0}, warm_start=True)
    clf.fit(X_IRIS, Y_IRIS)
    after = {"weights": clf.coefs_, "biases": clf.intercepts_}
    for old, new in zip(before[frozen], after[frozen], strict=True):
        np.testing.assert_array_equal(old, new)
    moved = zip(before[trained], after[trained], strict=True)
    assert not all(np.array_equal(a, b) for a, b in moved)


@pytest.mark.parametrize("solver", sorted(OPTIMIZERS))
def test_lr_factors_of_one_change_nothing(solver):
    plain = _clf(solver=solver).fit(X_IRIS, Y_IRIS)
    ones = _clf(solver=solver, lr_factors={"weights": 1.0, "biases": 1.0})
    ones.fit(X_IRIS, Y_IRIS)
    for a, b in zip(plain.coefs_ + plain.intercepts_, ones.coefs_ + ones.intercepts_):
        np.testing.assert_array_equal(a, b)


def test_estimator_refuses_unknown_groups_and_lbfgs():
    with pytest.raises(ValueError, match=r"'bias'.*\['weights', 'biases'\]"):
        _clf(lr_factors={"bias": 0.1}).fit(X_IRIS, Y_IRIS)
    with pytest.raises(ValueError, match="lr_factors.*no effect with solver='lbfgs'"):
        FirstNetRegressor(solver="lbfgs", lr_factors={"biases": 0.1}).fit(
            X_IRIS, Y_IRIS
        )


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("group", sorted(OPTIONAL_GROUPS))
def test_each_optional_group_exists_exactly_while_its_switch_is_on(group):
    switch, _ = OPTIONAL_GROUPS[group]
    on = {
        "parametric_activation": True,
        "feature_scaling": True,
        "numeric_embedding": "periodic",
    }[switch]
    every = {name: 0.5 for name in parameter_groups(_clf(**{switch: on}).get_params())}
    assert group in every
    # the core's network has each group parameter_groups lists: no name refused
    _clf(**{switch: on}, lr_factors=every, max_iter=2).fit(X_IRIS, Y_IRIS)
    with pytest.raises(ValueError, match=f"'{group}'.*only while {switch}"):
        _clf(lr_factors={group: 0.5}).fit(X_IRIS, Y_IRIS)


# ------------------------------------------------------------------- NTK
def _finite_difference_error(net, X, Y, loss, alpha=0.0):
    """Relative error of backprop's gradient against central differences."""
    ws = Workspace(net, X.shape[0], [0.0] * (net.n_layers - 1))
    net.loss_and_gradient(X, Y, None, ws, loss, alpha)
    analytic = ws.grad.copy()

    numeric = numeric_gradient(net, ws, X, Y, loss, alpha=alpha)
    return np.linalg.norm(analytic - numeric) / np.linalg.norm(analytic + numeric)


def _away_from_kinks(net, X, rng, initializer):
    # finite differences are wrong within h of a ReLU-like kink: avoid it
    while True:
        net.initialize(rng, initializer)
        net.biases[0][...] = rng.normal(size=net.biases[0].shape)  # not all zero
        A, smallest = X, np.inf
        for W, b, act in zip(
            net.effective_weights(), net.biases, net.hidden_activations
        ):
            Z = A @ W + b
            smallest = min(smallest, np.abs(Z).min())
            A = act(Z)
        if smallest > 1e-3:
            return


@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("activation", sorted(HIDDEN_ACTIVATIONS))
def test_ntk_backprop_matches_finite_differences(activation, alpha):
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(7, 4)), np.eye(3)[rng.integers(0, 3, 7)]
    loss = LOSSES["categorical_cross_entropy"]
    net = Network(
        [4, 5, 3, 3],
        [activation, activation],
        "softmax",
        np.float64,
        parametrization="ntk",
    )
    _away_from_kinks(net, X, rng, ntk_normal)
    assert _finite_difference_error(net, X, Y, loss, alpha) < 1e-6


def test_ntk_layers_multiply_by_the_effective_weights():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(9, 4))
    net = Network([4, 16, 2], ["tanh"], "identity", np.float64, parametrization="ntk")
    net.initialize(rng, ntk_normal)
    # the trained weights are of order 1, the effective ones of 1 / sqrt(fan_in)
    assert 0.7 < net.weights[0].std() < 1.3 and 0.7 < net.weights[1].std() < 1.3
    effective = net.effective_weights()
    np.testing.assert_allclose(effective[1], net.weights[1] / 4, rtol=1e-15)
    trained = net.forward(X, Workspace(net, 9, [0.0]))
    expected = np.tanh(X @ effective[0] + net.biases[0]) @ effective[1]
    np.testing.assert_allclose(trained, expected + net.biases[1], rtol=1e-12)
    np.testing.assert_allclose(net.predict(X), trained, rtol=1e-12)


def test_ntk_publishes_effective_weights_that_predict_as_in_standard():
    reg = FirstNetRegressor(
        hidden_layer_sizes=(12,),
        activation="tanh",
        parametrization="ntk",
        dtype="float64",
        max_iter=20,
        random_state=0,
    ).fit(X_IRIS[:, :3], X_IRIS[:, 3])
    W0, W1 = reg.coefs_
    by_hand = np.tanh(X_IRIS[:, :3] @ W0 + reg.intercepts_[0]) @ W1
    np.testing.assert_allclose(
        reg.predict(X_IRIS[:, :3]), by_hand.ravel() + reg.intercepts_[1], rtol=1e-12
    )


@pytest.mark.parametrize("weight_init", ["auto", "he_normal"])
def test_ntk_initial_weights(weight_init):
    # 'auto' is RealMLP's N(0, 1) trained weights; others draw coefs_ as usual
    clf = _clf(
        hidden_layer_sizes=(400,),
        parametrization="ntk",
        weight_init=weight_init,
        solver="sgd",
        learning_rate_init=1e-300,
        max_iter=1,
    ).fit(X_IRIS, Y_IRIS)
    trained_std = clf._trained_weights[1].std()
    effective_std = clf.coefs_[1].std()
    if weight_init == "auto":
        assert abs(trained_std - 1) < 0.05 and not np.any(clf.intercepts_[1])
    else:  # He normal coefs_: variance 2 / fan_in
        assert abs(effective_std * np.sqrt(400 / 2) - 1) < 0.05
    assert effective_std == pytest.approx(trained_std / 20, rel=1e-5)


def test_ntk_fit_interrupted_then_resumed_is_bit_identical(monkeypatch):
    params = dict(
        parametrization="ntk", solver="adam", max_iter=6, n_iter_no_change=100
    )
    params.update(batch_size=30, learning_rate_init=0.01)
    expected = _clf(**params).fit(X_IRIS, Y_IRIS)
    interrupt_in_epoch_4 = raise_at_batch(3 * 5 + 2, KeyboardInterrupt)  # 5 an epoch
    monkeypatch.setattr(Network, "loss_and_gradient", interrupt_in_epoch_4)
    with pytest.warns(UserWarning, match="interrupted"):
        resumed = _clf(**params).fit(X_IRIS, Y_IRIS)
    monkeypatch.undo()
    assert resumed.n_iter_ == 3
    for _ in range(3):
        resumed.partial_fit(X_IRIS, Y_IRIS)
    for a, b in zip(
        resumed.coefs_ + resumed.intercepts_, expected.coefs_ + expected.intercepts_
    ):
        np.testing.assert_array_equal(a, b)
    assert resumed.loss_curve_ == expected.loss_curve_


def test_ntk_resume_starts_from_assigned_coefs():
    clf = _clf(parametrization="ntk", dtype="float64").fit(X_IRIS, Y_IRIS)
    doubled = [2 * W for W in clf.coefs_]
    clf.coefs_ = doubled
    clf.set_params(learning_rate_init=1e-12)
    clf.partial_fit(X_IRIS, Y_IRIS)
    for a, b in zip(clf.coefs_, doubled):
        np.testing.assert_allclose(a, b, rtol=1e-9)


def test_partial_fit_refuses_another_parametrization_and_warm_start_takes_it():
    clf = _clf().fit(X_IRIS, Y_IRIS)
    clf.set_params(parametrization="ntk")
    with pytest.raises(ValueError, match="partial_fit cannot continue with parametr"):
        clf.partial_fit(X_IRIS, Y_IRIS)
    before = clf.predict_proba(X_IRIS)
    clf.set_params(warm_start=True, learning_rate_init=1e-12, max_iter=1)
    clf.fit(X_IRIS, Y_IRIS)  # the same coefs_, now trained as NTK weights
    np.testing.assert_allclose(clf.predict_proba(X_IRIS), before, rtol=1e-5)
    assert clf._trained_weights is not None


# ------------------------------------------------- parametric activations
@pytest.mark.parametrize("parametrization", ["standard", "ntk"])
@pytest.mark.parametrize("activation", sorted(HIDDEN_ACTIVATIONS))
def test_parametric_backprop_matches_finite_differences(activation, parametrization):
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(7, 4)), rng.normal(size=(7, 2))
    net = Network(
        [4, 5, 3, 2],
        [activation, "tanh"],
        "identity",
        np.float64,
        parametrization=parametrization,
        parametric_activation=True,
    )
    _away_from_kinks(net, X, rng, INITIALIZERS["xavier_normal"])
    net.params[net.groups["activations"]] = rng.uniform(0.3, 1.7, 8)
    error = _finite_difference_error(net, X, Y, LOSSES["squared_error"], alpha=0.2)
    assert error < 1e-6


def test_parametric_units_mix_the_activation_with_the_identity():
    net = Network(
        [2, 3, 1], ["relu"], "identity", np.float64, parametric_activation=True
    )
    assert net.groups["activations"] == slice(13, 16) and net.n_params == 16
    assert net.activation_params[0].tolist() == [1.0, 1.0, 1.0]  # g = f at first
    net.weights[0][...] = [[1.0, -1.0, 2.0], [0.0, 0.0, 0.0]]
    net.weights[1][...] = 1.0
    net.activation_params[0][...] = [1.0, 0.5, 0.0]
    # z = (2, -2, 4): relu, half way to linear, linear
    expected = 2.0 + (-2.0 + 0.5 * 2.0) + 4.0
    assert net.predict(np.array([[2.0, 0.0]]))[0, 0] == expected
    assert net.forward(np.array([[2.0, 0.0]]), Workspace(net, 1, [0.0]))[0, 0] == (
        expected
    )


def _parametric(**params):
    return _clf(parametric_activation=True, learning_rate_init=0.05, **params)


@pytest.mark.parametrize("activation", sorted(HIDDEN_ACTIVATIONS))
def test_onnx_export_matches_predict_proba_with_parametric_activations(activation):
    ort = pytest.importorskip("onnxruntime")
    from sknn import to_onnx

    clf = _parametric(activation=activation).fit(X_IRIS, Y_IRIS)
    trained = np.concatenate(clf.activation_params_)
    assert activation == "identity" or not np.all(trained == 1)  # they learned
    session = ort.InferenceSession(
        to_onnx(clf).SerializeToString(), providers=["CPUExecutionProvider"]
    )
    _, probabilities = session.run(None, {"X": X_IRIS.astype(np.float32)})
    np.testing.assert_allclose(probabilities, clf.predict_proba(X_IRIS), atol=1e-5)


def test_parametric_activations_are_published_and_predict_uses_them():
    clf = _parametric(dtype="float64").fit(X_IRIS, Y_IRIS)
    assert [a.shape for a in clf.activation_params_] == [(6,), (5,)]
    assert _clf().fit(X_IRIS, Y_IRIS).activation_params_ is None
    A = X_IRIS
    for W, b, a in zip(clf.coefs_, clf.intercepts_, clf.activation_params_):
        Z = A @ W + b
        A = Z + a * (np.maximum(Z, 0) - Z)
    logits = A @ clf.coefs_[-1] + clf.intercepts_[-1]
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(clf.predict_proba(X_IRIS), expected, rtol=1e-10)
    for dtype in (np.float32, np.float64):  # PredictionLayers in both precisions
        np.testing.assert_allclose(
            clf.predict_proba(X_IRIS.astype(dtype)), expected, rtol=1e-4
        )
    clf.activation_params_ = [np.zeros(6), np.zeros(5)]  # linear units now
    linear = X_IRIS @ clf.coefs_[0] + clf.intercepts_[0]
    linear = (linear @ clf.coefs_[1] + clf.intercepts_[1]) @ clf.coefs_[2]
    logits = linear + clf.intercepts_[2]
    np.testing.assert_allclose(
        clf.predict_proba(X_IRIS),
        np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True),
        rtol=1e-10,
    )


def test_an_activation_factor_of_zero_freezes_the_activation_params():
    frozen = _parametric(lr_factors={"activations": 0.0}).fit(X_IRIS, Y_IRIS)
    assert all(np.all(a == 1) for a in frozen.activation_params_)


def _skops_round_trip(estimator):
    sio = pytest.importorskip("skops.io")
    data = sio.dumps(estimator)
    return sio.loads(data, trusted=sio.get_untrusted_types(data=data))


@pytest.mark.parametrize("route", ["pickle", "skops"])
def test_saved_models_carry_parametric_activations_and_ntk(route):
    import pickle

    clf = _parametric(parametrization="ntk").fit(X_IRIS, Y_IRIS)
    if route == "pickle":
        loaded = pickle.loads(pickle.dumps(clf))
    else:
        loaded = _skops_round_trip(clf)
    for a, b in zip(loaded.activation_params_, clf.activation_params_, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(
        loaded.predict_proba(X_IRIS), clf.predict_proba(X_IRIS)
    )
    clf.partial_fit(X_IRIS, Y_IRIS)  # and resume exactly
    loaded.partial_fit(X_IRIS, Y_IRIS)
    for a, b in zip(
        loaded.coefs_ + loaded.activation_params_, clf.coefs_ + clf.activation_params_
    ):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("parametrization", ["standard", "ntk"])
def test_parametric_fit_interrupted_then_resumed_is_bit_identical(
    parametrization, monkeypatch
):
    params = dict(max_iter=6, n_iter_no_change=100, batch_size=30, dropout=0.2)
    params.update(parametrization=parametrization, lr_factors={"activations": 3.0})
    expected = _parametric(**params).fit(X_IRIS, Y_IRIS)
    interrupt_in_epoch_4 = raise_at_batch(3 * 5 + 2, KeyboardInterrupt)  # 5 an epoch
    monkeypatch.setattr(Network, "loss_and_gradient", interrupt_in_epoch_4)
    with pytest.warns(UserWarning, match="interrupted"):
        resumed = _parametric(**params).fit(X_IRIS, Y_IRIS)
    monkeypatch.undo()
    for _ in range(3):
        resumed.partial_fit(X_IRIS, Y_IRIS)
    got = resumed.coefs_ + resumed.intercepts_ + resumed.activation_params_
    want = expected.coefs_ + expected.intercepts_ + expected.activation_params_
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)


def test_parametric_activations_with_lbfgs_and_early_stopping():
    clf = _parametric(solver="lbfgs", max_iter=50).fit(X_IRIS, Y_IRIS)
    assert clf.score(X_IRIS, Y_IRIS) > 0.9
    stopped = _parametric(early_stopping=True, max_iter=30).fit(X_IRIS, Y_IRIS)
    assert stopped.best_validation_score_ is not None


def test_resume_refuses_a_changed_parametric_activation():
    clf = _parametric().fit(X_IRIS, Y_IRIS)
    clf.set_params(parametric_activation=False, warm_start=True)
    with pytest.raises(ValueError, match="parametric_activation changed"):
        clf.fit(X_IRIS, Y_IRIS)
    with pytest.raises(ValueError, match="parametric_activation changed"):
        clf.partial_fit(X_IRIS, Y_IRIS)
    clf.set_params(warm_start=False).fit(X_IRIS, Y_IRIS)  # a new fit may
    assert clf.activation_params_ is None
