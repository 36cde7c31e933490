"""Per-step schedules: the learning rate ('cosine', 'coslog', 'onecycle',
lr_warmup), the dropout rates and alpha ('flat_cos'), over a horizon of
max_iter epochs that the session counts and checkpoints."""

import copy
import math

import numpy as np
import pytest
from faults import raise_at_batch
from sklearn.exceptions import ConvergenceWarning

from sknn import FirstNetClassifier, FirstNetRegressor
from sknn.core.network import Network, Workspace
from sknn.core.optimizers import SGD, AdamW
from sknn.core.schedules import (
    SCHEDULES,
    Cosine,
    cosine,
    coslog,
    flat_cos,
    onecycle,
)
from sknn.core.training import Trainer

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

rng = np.random.default_rng(0)
X = rng.normal(size=(40, 3))
y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=40)
N_BATCHES = 4  # 40 rows in batches of 10
LR = 0.05


def _reg(**params):
    defaults = dict(
        hidden_layer_sizes=(6,),
        solver="sgd",
        momentum=0.0,
        learning_rate_init=LR,
        batch_size=10,
        max_iter=3,
        dtype="float64",
        random_state=0,
    )
    return FirstNetRegressor(**{**defaults, **params})


def _weights(estimator):
    return np.concatenate([a.ravel() for a in estimator.coefs_ + estimator.intercepts_])


def _t(n_epochs, horizon):
    """t at every step of n_epochs epochs, as the fraction of the horizon done."""
    return [
        min(1.0, (epoch + k / N_BATCHES) / horizon)
        for epoch in range(n_epochs)
        for k in range(N_BATCHES)
    ]


@pytest.fixture
def steps(monkeypatch):
    """The learning rate and weight decay of every optimizer step, as taken."""
    taken = []

    def recording(cls):
        original = cls.step

        def step(self, params, grad, *l2):
            taken.append((self.learning_rate, getattr(self, "weight_decay", None)))
            original(self, params, grad, *l2)

        monkeypatch.setattr(cls, "step", step)

    recording(SGD)
    recording(AdamW)
    return taken


# ---------------------------------------------------------------- formulas
@pytest.mark.parametrize(
    "shape, expected",
    [
        (cosine, [1.0, 0.5, 0.0]),
        (coslog, [0.0, 0.5 * (1 - math.cos(2 * math.pi * math.log2(8.5))), 0.0]),
        (
            onecycle,
            [0.04, 4e-6 + (1 - 4e-6) * 0.5 * (1 + math.cos(math.pi * 2 / 7)), 4e-6],
        ),
        (flat_cos, [1.0, 1.0, 0.0]),
    ],
)
def test_the_shapes_at_the_start_middle_and_end(shape, expected):
    assert [shape(t) for t in (0.0, 0.5, 1.0)] == pytest.approx(expected, abs=1e-12)


def test_coslog_restarts_at_each_doubling_and_flat_cos_halves_at_three_quarters():
    # coslog4's cycles end where 1 + 15 t doubles (t = 1/15, 3/15, 7/15, 1)
    # and peak halfway on the log scale
    for cycle in range(4):
        assert coslog((2**cycle - 1) / 15) == pytest.approx(0.0, abs=1e-12)
        assert coslog((2 ** (cycle + 0.5) - 1) / 15) == pytest.approx(1.0)
    assert flat_cos(0.75) == pytest.approx(0.5)
    assert onecycle(0.3) == pytest.approx(1.0)


def test_per_step_schedules_are_registered_and_stop_on_a_plateau():
    per_step = {name for name, cls in SCHEDULES.items() if cls(0.1).per_step}
    assert per_step == {"cosine", "coslog", "onecycle"}
    optimizer = SGD(1, np.float64, learning_rate=0.1)
    assert Cosine(0.1).on_plateau(optimizer) is False  # only 'adaptive' uses one
    assert optimizer.learning_rate == 0.1


# ------------------------------------------------------ applied at every step
@pytest.mark.parametrize(
    "name, shape", [("cosine", cosine), ("coslog", coslog), ("onecycle", onecycle)]
)
def test_the_rate_is_set_at_every_step_over_max_iter_epochs(steps, name, shape):
    reg = _reg(lr_schedule=name).fit(X, y)
    rates = [rate for rate, _ in steps]
    assert rates == pytest.approx([LR * shape(t) for t in _t(3, 3)], abs=1e-15)
    # the history keeps the rate at each epoch's end: t = 1/3, 2/3, 1
    recorded = [r["learning_rate"] for r in reg.history_]
    assert recorded == pytest.approx([LR * shape(e / 3) for e in (1, 2, 3)], abs=1e-15)


def test_the_horizon_of_partial_fit_is_max_iter_calls_then_the_rate_stays(steps):
    fitted = _reg(lr_schedule="onecycle", max_iter=3).fit(X, y)
    fit_steps = list(steps)
    steps.clear()
    stream = _reg(lr_schedule="onecycle", max_iter=3)
    for _ in range(3):
        stream.partial_fit(X, y)
    assert steps == fit_steps  # three calls take the steps of one fit...
    np.testing.assert_array_equal(_weights(stream), _weights(fitted))
    steps.clear()
    stream.partial_fit(X, y)  # ...and past the horizon the rate stays at its end
    assert [rate for rate, _ in steps] == [LR * onecycle(1.0)] * N_BATCHES


@pytest.mark.parametrize("name, shape", [("constant", None), ("cosine", cosine)])
def test_warmup_ramps_linearly_from_zero_into_the_schedule(steps, name, shape):
    _reg(lr_schedule=name, lr_warmup=0.25, max_iter=2).fit(X, y)
    expected = [
        LR * min(1.0, t / 0.25) * (1.0 if shape is None else shape(t)) for t in _t(2, 2)
    ]
    assert steps[0][0] == 0.0
    assert [rate for rate, _ in steps] == pytest.approx(expected, abs=1e-15)


def test_warmup_applies_to_the_default_constant_rate_of_adam():
    reg = _reg(solver="adam", lr_warmup=0.5, max_iter=4).fit(X, y)
    assert [r["learning_rate"] for r in reg.history_] == pytest.approx(
        [LR / 2, LR, LR, LR]
    )


def test_flat_cos_scales_each_steps_dropout_rates(monkeypatch):
    drawn = []
    original = Workspace.draw_mask

    def draw_mask(ws, i, n, rng):
        drawn.append((i, ws.dropout[i]))
        return original(ws, i, n, rng)

    monkeypatch.setattr(Workspace, "draw_mask", draw_mask)
    _reg(
        hidden_layer_sizes=(5, 4), dropout=[0.4, 0.0], dropout_schedule="flat_cos"
    ).fit(X, y)
    # only the layer with a rate draws masks, at 0.4 times the factor at t
    assert drawn == [(0, pytest.approx(0.4 * flat_cos(t))) for t in _t(3, 3)]


def test_past_the_horizon_flat_cos_dropout_steps_as_no_dropout():
    reg = _reg(dropout=0.5, dropout_schedule="flat_cos", max_iter=2)
    for _ in range(2):
        reg.partial_fit(X, y)
    without = copy.deepcopy(reg).set_params(dropout=0.0)
    reg.partial_fit(X, y)  # t = 1: the rate is 0, so no mask is drawn either
    without.partial_fit(X, y)
    np.testing.assert_array_equal(_weights(reg), _weights(without))


def test_flat_cos_scales_the_l2_penalty_at_every_step(monkeypatch):
    penalties = []
    original = Network.loss_and_gradient

    def loss_and_gradient(network, X, Y, w, ws, loss, alpha=0.0, rng=None, **kw):
        penalties.append(alpha)
        return original(network, X, Y, w, ws, loss, alpha, rng, **kw)

    monkeypatch.setattr(Network, "loss_and_gradient", loss_and_gradient)
    _reg(alpha=0.3, weight_decay_schedule="flat_cos").fit(X, y)
    assert penalties == pytest.approx([0.3 * flat_cos(t) for t in _t(3, 3)])


def test_flat_cos_scales_adamws_decoupled_decay_at_every_step(steps):
    _reg(solver="adamw", alpha=0.3, weight_decay_schedule="flat_cos").fit(X, y)
    decays = [decay for _, decay in steps]
    assert decays == pytest.approx([0.3 * flat_cos(t) for t in _t(3, 3)])


# -------------------------------------------- session state: checkpoints, calls
ALL_SCHEDULES = dict(
    lr_schedule="cosine",
    lr_warmup=0.1,
    dropout=0.2,
    dropout_schedule="flat_cos",
    alpha=0.01,
    weight_decay_schedule="flat_cos",
)


def test_fit_interrupted_then_resumed_is_bit_identical(monkeypatch):
    params = dict(ALL_SCHEDULES, max_iter=6, solver="adamw")
    expected = _reg(**params).fit(X, y)
    interrupt_in_epoch_4 = raise_at_batch(3 * N_BATCHES + 2, KeyboardInterrupt)
    monkeypatch.setattr(Network, "loss_and_gradient", interrupt_in_epoch_4)
    with pytest.warns(UserWarning, match="interrupted"):
        resumed = _reg(**params).fit(X, y)
    monkeypatch.undo()
    assert resumed.n_iter_ == 3
    for _ in range(3):
        resumed.partial_fit(X, y)
    np.testing.assert_array_equal(_weights(resumed), _weights(expected))
    assert resumed.history_ == [
        {**record, "seconds": mine["seconds"]}
        for record, mine in zip(expected.history_, resumed.history_)
    ]


def test_a_diverging_call_rolls_the_schedules_clock_back():
    bad = X * 1e200  # its squared error overflows: the call diverges
    clean = _reg(**ALL_SCHEDULES, max_iter=4)
    recovered = copy.deepcopy(clean)
    for _ in range(3):
        clean.partial_fit(X, y)
    recovered.partial_fit(X, y)
    with pytest.warns(ConvergenceWarning, match="diverged"):
        recovered.partial_fit(bad, y)
    recovered.partial_fit(X, y)
    recovered.partial_fit(X, y)
    np.testing.assert_array_equal(_weights(recovered), _weights(clean))
    assert recovered._session.timeline_epochs == 3


@pytest.mark.parametrize(
    "change",
    [
        dict(lr_schedule="onecycle"),
        dict(lr_warmup=0.5),
        dict(learning_rate_init=0.02),
        dict(max_iter=8),
        dict(dropout_schedule="flat_cos"),
    ],
)
def test_a_changed_schedule_setting_restarts_the_clock(steps, change):
    reg = _reg(lr_schedule="cosine", max_iter=4)
    for _ in range(2):
        reg.partial_fit(X, y)
    steps.clear()
    reg.set_params(**change).partial_fit(X, y)
    schedule = SCHEDULES[reg.lr_schedule](reg.learning_rate_init, 0.5, reg.lr_warmup)
    assert steps[1][0] == pytest.approx(schedule.rate(1 / N_BATCHES / reg.max_iter))
    assert reg._session.timeline_epochs == 1


def test_unchanged_settings_continue_the_clock_and_warm_starts_restart_it(steps):
    reg = _reg(lr_schedule="cosine", max_iter=4, alpha=0.5)
    for _ in range(2):
        reg.partial_fit(X, y)
    reg.set_params(alpha=0.1).partial_fit(X, y)  # not a schedule setting
    assert reg._session.timeline_epochs == 3
    steps.clear()
    reg.set_params(warm_start=True).fit(X, y)
    assert steps[0][0] == LR  # t = 0 again: a new horizon of max_iter epochs
    assert reg._session.timeline_epochs == 4


# ------------------------------------------------------- defaults, refusals
def test_defaults_do_no_per_step_work(monkeypatch):
    def refuse(*args):
        raise AssertionError("a per-step schedule ran")

    monkeypatch.setattr(Trainer, "_scheduled", refuse)
    FirstNetClassifier(hidden_layer_sizes=(4,), max_iter=3).fit(X, y > 0)
    _reg(dropout=0.3, alpha=0.1, learning_rate="invscaling").fit(X, y)


@pytest.mark.parametrize(
    "neutral",
    [
        dict(dropout_schedule="flat_cos"),  # dropout=0: nothing to scale
        dict(alpha=0.0, weight_decay_schedule="flat_cos"),
    ],
)
def test_a_schedule_of_nothing_is_bit_identical_to_none(neutral):
    plain = _reg(solver="adam", alpha=neutral.get("alpha", 1e-4)).fit(X, y)
    scheduled = _reg(solver="adam", **neutral).fit(X, y)
    np.testing.assert_array_equal(_weights(scheduled), _weights(plain))


@pytest.mark.parametrize(
    "params",
    [
        dict(lr_schedule="invscaling", lr_warmup=0.1),
        dict(lr_schedule="adaptive", lr_warmup=0.1),
        dict(solver="sgd", learning_rate="adaptive", lr_warmup=0.1),
    ],
)
def test_warmup_into_an_epoch_level_schedule_is_refused(params):
    with pytest.raises(ValueError, match="lr_warmup=0.1 cannot ramp into"):
        FirstNetRegressor(**params).fit(X, y)
    with pytest.raises(ValueError, match="warm-up"):
        SCHEDULES[params.get("lr_schedule", "adaptive")](0.1, warmup=0.1)


@pytest.mark.parametrize(
    "extra",
    [
        dict(lr_warmup=0.1),
        dict(dropout_schedule="flat_cos"),
        dict(weight_decay_schedule="flat_cos"),
    ],
)
def test_lbfgs_refuses_the_schedules(extra):
    (name,) = extra
    with pytest.raises(ValueError, match=f"{name}=.*no effect with solver='lbfgs'"):
        FirstNetRegressor(solver="lbfgs", **extra).fit(X, y)


@pytest.mark.parametrize(
    "bad",
    [
        dict(lr_warmup=1.0),
        dict(lr_warmup=-0.1),
        dict(lr_schedule="cos"),
        dict(dropout_schedule="cosine"),
        dict(weight_decay_schedule="coslog"),
    ],
)
def test_bad_schedule_values_are_refused(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        FirstNetRegressor(**bad).fit(X, y)
