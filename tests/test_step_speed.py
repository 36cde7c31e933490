"""The cheaper training step of the tabular recipe: dropout masks from raw
random bits, activation slopes kept from the forward pass, a fused embedding,
optimizer passes that skip factors of 1. Each keeps the step's meaning."""

import numpy as np
import pytest
from gradcheck import numeric_gradient

from sknn.core import optimizers
from sknn.core.activations import HIDDEN_ACTIVATIONS
from sknn.core.initializers import INITIALIZERS
from sknn.core.input_layers import InputLayers
from sknn.core.losses import LOSSES
from sknn.core.network import Network, Workspace
from sknn.core.optimizers import OPTIMIZERS, lr_factor_vector


# ---------------------------------------------------------------- dropout
@pytest.mark.parametrize("rate", [0.15, 0.5, 1e-6, 0.999999])
def test_dropout_mask_is_inverted_with_its_exact_keep_probability(rate):
    net = Network([3, 1000, 1], ["relu"], "identity", np.float32)
    ws = Workspace(net, 200, [rate])
    mask = ws.draw_mask(0, 199, np.random.default_rng(0))  # 199 x 1000: not 4k
    threshold = min(round(rate * 2**16), 2**16 - 1)
    keep = 1 - threshold / 2**16
    assert abs(keep - (1 - rate)) <= 2**-16
    assert set(np.unique(mask).tolist()) <= {0.0, np.float32(1 / keep)}
    kept = float(np.count_nonzero(mask)) / mask.size
    assert abs(kept - keep) < 5 * np.sqrt(keep * (1 - keep) / mask.size) + 1e-9


def test_dropout_masks_come_from_the_sessions_generator():
    net = Network([3, 64, 1], ["relu"], "identity", np.float32)
    ws = Workspace(net, 8, [0.3])
    rng = np.random.default_rng(5)
    state = rng.bit_generator.state
    first = ws.draw_mask(0, 8, rng).copy()
    second = ws.draw_mask(0, 8, rng).copy()
    rng.bit_generator.state = state  # a checkpoint's restore replays them
    np.testing.assert_array_equal(ws.draw_mask(0, 8, rng), first)
    np.testing.assert_array_equal(ws.draw_mask(0, 8, rng), second)
    assert not np.array_equal(first, second)


# ------------------------------------------------ slopes kept from forward
@pytest.mark.parametrize("name", sorted(HIDDEN_ACTIVATIONS))
def test_residual_and_slope_are_the_activation_and_its_derivative_less_1(name):
    act = HIDDEN_ACTIVATIONS[name]
    z = np.concatenate([np.linspace(-30, 30, 2001), [-1e3, -50.0, 19.9, 20.1, 1e3]])
    F, D = np.empty_like(z), np.empty_like(z)
    act.residual_and_slope(z, F, D)
    np.testing.assert_allclose(F + z, act(z), rtol=1e-14, atol=1e-13)
    np.testing.assert_allclose(D + 1, act.derivative(z), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["mish", "selu"])
def test_residual_and_slope_stay_finite_and_exact_in_float32(name):
    act = HIDDEN_ACTIVATIONS[name]
    z = np.array([-3e38, -1e30, -100.0, 0.0, 100.0, 1e30, 3e38], np.float32)
    F, D = np.empty_like(z), np.empty_like(z)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        act.residual_and_slope(z, F, D)
    if name == "mish":  # f' - 1 vanishes far above 0
        np.testing.assert_allclose(D[z > 30], 0.0, atol=1e-30)
    else:  # lambda - 1 exactly
        np.testing.assert_array_equal(D[z > 30], np.float32(act.scale) - 1)
    np.testing.assert_allclose(D[z < -30], -1.0, atol=1e-30)
    expected = act(z.astype(np.float64)) - z.astype(np.float64)  # f - z itself
    np.testing.assert_allclose(F, expected, rtol=1e-6, atol=1e-6)


def test_recipe_shaped_backprop_matches_finite_differences():
    # NTK, parametric mish, an embedding and a scale, dropout in both layers:
    # the masks are drawn once, then frozen for the finite differences
    rng = np.random.default_rng(3)
    X, Y = rng.normal(size=(9, 4)), rng.normal(size=(9, 1))
    inputs = InputLayers(4, [0, 2], scale=True, n_frequencies=5, size=3)
    net = Network(
        [inputs.width, 6, 5, 1],
        ["mish", "selu"],
        "identity",
        np.float64,
        parametrization="ntk",
        parametric_activation=True,
        inputs=inputs,
    )
    net.initialize(rng, INITIALIZERS["auto"])
    net.params[net.groups["activations"]] = rng.uniform(0.3, 1.7, 11)
    net.input_params["frequencies"][...] = rng.normal(size=(2, 5))
    ws = Workspace(net, 9, [0.3, 0.3])
    loss = LOSSES["squared_error"]
    net.loss_and_gradient(X, Y, None, ws, loss, 0.0, np.random.default_rng(0))
    analytic = ws.grad.copy()
    ws.draw_mask = lambda i, n, rng: ws.masks[i][:n]  # the same masks again
    numeric = numeric_gradient(net, ws, X, Y, loss)
    for name, region in net.groups.items():
        a, b = analytic[region], numeric[region]
        assert np.linalg.norm(a - b) < 1e-7 * max(1.0, np.linalg.norm(b)), name


# ------------------------------------------------ optimizer passes skipped
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weights_factor", [1.0, 0.5])
@pytest.mark.parametrize("chunk", [7, 1 << 16])
def test_skipped_factors_of_one_change_no_bit(
    monkeypatch, name, dtype, weights_factor, chunk
):
    # the shortcuts (factors of 1 skipped, the weights' shared factor as a
    # scalar) against the whole-vector multiplications, chunks cut mid-group
    monkeypatch.setattr(optimizers, "CHUNK", chunk)
    groups = {"weights": slice(0, 40), "biases": slice(40, 45), "a": slice(45, 53)}
    factors = {"weights": weights_factor, "biases": 0.1, "a": 6.0}
    rng = np.random.default_rng(2)
    start = rng.standard_normal(53).astype(dtype)
    grads = [rng.standard_normal(53).astype(dtype) for _ in range(4)]
    results = []
    for shortcut in (True, False):
        params = start.copy()
        opt = OPTIMIZERS[name](53, dtype, 0.01, weights=slice(0, 40))
        opt.weight_decay = 0.3
        opt.lr_factors = lr_factor_vector(groups, factors, 53, dtype)
        if not shortcut:
            opt._factors_from, opt._weights_factor = 0, None
        for g in grads:
            opt.step(params, g.copy())
        results.append(params)
    assert results[0].tobytes() == results[1].tobytes()
    assert not np.array_equal(results[0], start)


def test_dropout_masks_do_not_depend_on_the_machines_byte_order():
    net = Network([3, 50, 1], ["relu"], "identity", np.float32)
    ws = Workspace(net, 4, [0.4])
    expected = ws.draw_mask(0, 4, np.random.default_rng(2)).copy()

    class BigEndianWords:  # the same raw words, stored as a big-endian machine would
        def __init__(self, rng):
            self.bit_generator = self
            self._rng = rng

        def random_raw(self, size):
            return self._rng.bit_generator.random_raw(size).astype(">u8")

    mask = ws.draw_mask(0, 4, BigEndianWords(np.random.default_rng(2)))
    np.testing.assert_array_equal(mask, expected)
    # each unit reads its own quarter of a word, the lowest 16 bits first
    words = np.random.default_rng(2).bit_generator.random_raw(50)
    quarters = (words[:, None] >> np.array([0, 16, 32, 48], np.uint64)) & 0xFFFF
    threshold = round(0.4 * 2**16)
    kept = quarters.ravel()[: 4 * 50].reshape(4, 50) >= threshold
    np.testing.assert_array_equal(mask > 0, kept)


# ------------------------------------------------- binary cross-entropy
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_zero_one_targets_take_the_cheaper_loss_with_the_same_bits(dtype, n_outputs):
    rng = np.random.default_rng(0)
    A = rng.random((50, n_outputs)).astype(dtype)
    A[:3] = [0.0], [1.0], [1e-30]  # the floors at eps
    Y = (rng.random((50, n_outputs)) > 0.5).astype(dtype)
    general = LOSSES["binary_cross_entropy"]
    cheaper = general.for_targets(Y)
    assert cheaper is not general
    assert cheaper.pointwise(Y, A).tobytes() == general.pointwise(Y, A).tobytes()
    assert cheaper.reported(Y, A) == general.reported(Y, A)
    soft = np.where(Y == 1, 0.9, 0.1).astype(dtype)  # label smoothing's targets
    assert general.for_targets(soft) is general
    assert LOSSES["squared_error"].for_targets(Y) is LOSSES["squared_error"]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_a_session_asks_the_loss_for_its_targets(monkeypatch, label_smoothing):
    from sknn import FirstNetClassifier
    from sknn.core import losses

    asked = []
    real = losses.BinaryCrossEntropy.for_targets

    def spy(self, Y):
        loss = real(self, Y)
        asked.append(loss is not self)
        return loss

    monkeypatch.setattr(losses.BinaryCrossEntropy, "for_targets", spy)
    X = np.random.default_rng(0).normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    FirstNetClassifier(max_iter=2, label_smoothing=label_smoothing).fit(X, y)
    assert asked == [label_smoothing == 0.0] * 2  # once an epoch
