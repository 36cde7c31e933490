"""The proof of "drop-in": from identical weights, sknn (dtype='float64',
shuffle=False) and scikit-learn's MLP take the same steps.

Each case trains both for 20 epochs (L-BFGS: 20 iterations) from the same
initial weights, with an L2 penalty and sample weights, and compares every
coefficient to 1e-10 and the loss curves likewise. It fails as soon as one of
scikit-learn's meanings drifts: a solver's update, a schedule, which solvers a
schedule applies to, the loss scale, sample-weight averaging, a gradient.
"""

import warnings

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier, MLPRegressor

from sknn import FirstNetClassifier, FirstNetRegressor

rng = np.random.default_rng(0)
N = 60
X = rng.normal(size=(N, 5))
SAMPLE_WEIGHT = rng.uniform(0.2, 2.0, N)
TARGETS = {
    "binary": (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int),
    "multiclass": np.digitize(X[:, 0] - X[:, 2], [-0.5, 0.5]),
    "multilabel": np.column_stack([X[:, 0] > 0, X[:, 1] + X[:, 3] > 0]).astype(int),
    "regression": X @ rng.normal(size=5) / 3,
    "multi_output": X @ rng.normal(size=(5, 3)) / 3,
    "poisson": rng.poisson(np.exp(0.3 * X[:, 0])).astype(float),
}
SOLVERS = {
    "sgd-nesterov": dict(solver="sgd", learning_rate_init=0.05),
    "sgd-momentum": dict(
        solver="sgd", learning_rate_init=0.05, nesterovs_momentum=False
    ),
    "sgd-invscaling": dict(
        solver="sgd", learning_rate="invscaling", learning_rate_init=0.01, power_t=0.3
    ),
    # tol=10: no epoch counts as progress, so the rate is divided every 3 epochs
    "sgd-adaptive": dict(
        solver="sgd", learning_rate="adaptive", tol=10.0, n_iter_no_change=2
    ),
    "adam": dict(solver="adam", learning_rate_init=0.01),
    # scikit-learn applies learning_rate to 'sgd' only: adam ignores it
    "adam-ignores-invscaling": dict(solver="adam", learning_rate="invscaling"),
    "lbfgs": dict(solver="lbfgs"),
}


def _pair(task, solver, activation):
    is_classifier = task in ("binary", "multiclass", "multilabel")
    params = dict(
        hidden_layer_sizes=(7, 4),
        activation=activation,
        alpha=0.1,
        batch_size=16,
        shuffle=False,
        max_iter=20,
        n_iter_no_change=1000,
        random_state=0,
    )
    params.update(SOLVERS[solver])
    if task == "poisson":
        params["loss"] = "poisson"
    Ours, Theirs = (
        (FirstNetClassifier, MLPClassifier)
        if is_classifier
        else (FirstNetRegressor, MLPRegressor)
    )
    return Ours(dtype="float64", **params), Theirs(**params)


def _start_from_the_same_weights(ours, theirs, y):
    """Fit both once, then give both the same initial weights, to warm-start from.

    The set-up epoch only creates the fitted attributes: its tiny learning rate
    keeps it from diverging from either library's own random weights.
    """
    learning_rate_init = theirs.learning_rate_init
    for estimator in (ours, theirs):
        estimator.set_params(max_iter=1, warm_start=True, learning_rate_init=1e-6)
        estimator.fit(X, y, sample_weight=SAMPLE_WEIGHT)
        estimator.set_params(learning_rate_init=learning_rate_init)
    init = np.random.default_rng(1)
    coefs = [init.uniform(-0.5, 0.5, W.shape) for W in theirs.coefs_]
    intercepts = [init.uniform(-0.5, 0.5, b.shape) for b in theirs.intercepts_]
    for estimator in (ours, theirs):
        estimator.coefs_ = [W.copy() for W in coefs]
        estimator.intercepts_ = [b.copy() for b in intercepts]
        estimator.set_params(max_iter=20)


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
@pytest.mark.parametrize("solver", list(SOLVERS))
@pytest.mark.parametrize("task", list(TARGETS))
def test_same_coefficients_as_scikit_learn(task, solver, activation):
    y = TARGETS[task]
    ours, theirs = _pair(task, solver, activation)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 20 epochs do not converge
        _start_from_the_same_weights(ours, theirs, y)
        ours.fit(X, y, sample_weight=SAMPLE_WEIGHT)
        theirs.fit(X, y, sample_weight=SAMPLE_WEIGHT)
    assert ours.n_iter_ == theirs.n_iter_
    for mine, reference in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_
    ):
        np.testing.assert_allclose(mine, reference, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ours.loss_, theirs.loss_, rtol=1e-10)
    if solver != "lbfgs":  # scikit-learn's L-BFGS records no curve
        # the first entry is the set-up epoch, from different random weights
        np.testing.assert_allclose(
            ours.loss_curve_[1:], theirs.loss_curve_[1:], rtol=1e-10
        )
        assert ours.t_ == theirs.t_
