"""Per-group learning-rate factors, the NTK parametrization and parametric
activations (the ingredients of RealMLP, Holzmüller et al., NeurIPS 2024)."""

import numpy as np
import pytest
from sklearn.datasets import load_iris

from sknn import FirstNetClassifier, FirstNetRegressor
from sknn.core.optimizers import OPTIMIZERS, lr_factor_vector

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
    with pytest.raises(ValueError, match=r"\['bias'\].*\['weights', 'biases'\]"):
        _clf(lr_factors={"bias": 0.1}).fit(X_IRIS, Y_IRIS)
    with pytest.raises(ValueError, match="lr_factors.*no effect with solver='lbfgs'"):
        FirstNetRegressor(solver="lbfgs", lr_factors={"biases": 0.1}).fit(
            X_IRIS, Y_IRIS
        )
