"""A fit is one transaction: the whole state rolls back, every setting is taken
at the next call, and the estimator's attributes change only when a fit ends
with a usable model."""

import warnings

import numpy as np
import pytest
from faults import raise_at_batch
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from sknn import FirstNetClassifier, FirstNetRegressor
from sknn.core.network import Network

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

rng = np.random.default_rng(0)
X = rng.normal(size=(120, 4))
y = (X[:, 0] + X[:, 1] > 0).astype(int)
CHUNKS = [(X[i : i + 30], y[i : i + 30]) for i in range(0, 120, 30)]


def _weights(estimator):
    return np.concatenate([a.ravel() for a in estimator.coefs_ + estimator.intercepts_])


def _stream(chunks, estimator, between=None):
    for i, (X_chunk, y_chunk) in enumerate(chunks):
        if between is not None:
            between(i, estimator)
        estimator.partial_fit(X_chunk, y_chunk, classes=[0, 1])
    return estimator


def _sgd(**params):
    defaults = dict(
        hidden_layer_sizes=(8,), solver="sgd", learning_rate_init=0.05, random_state=0
    )
    return FirstNetClassifier(**{**defaults, **params})


# ----------------------------------------------------- 1. whole-state rollback
def test_a_stream_recovers_from_a_bad_chunk_exactly():
    # its first batch sends the weights so far that the second one overflows
    bad = (CHUNKS[1][0] * 1e15, CHUNKS[1][1])
    clean = _stream(CHUNKS, _sgd(batch_size=10))
    with pytest.warns(ConvergenceWarning, match="diverged.*model is unchanged"):
        recovered = _stream([CHUNKS[0], bad, *CHUNKS[1:]], _sgd(batch_size=10))
    # the bad chunk left no trace: not in the velocity, the generator or t_
    np.testing.assert_array_equal(_weights(recovered), _weights(clean))
    assert recovered.t_ == clean.t_ and recovered.loss_curve_ == clean.loss_curve_


def test_fit_interrupted_then_resumed_is_bit_identical(monkeypatch):
    params = dict(dropout=0.2, max_iter=8, n_iter_no_change=100, batch_size=20)
    expected = _sgd(**params).fit(X, y)
    interrupt_in_epoch_6 = raise_at_batch(5 * 6 + 2, KeyboardInterrupt)  # 6 an epoch
    monkeypatch.setattr(Network, "loss_and_gradient", interrupt_in_epoch_6)
    with pytest.warns(UserWarning, match="interrupted"):
        resumed = _sgd(**params).fit(X, y)
    monkeypatch.undo()
    assert resumed.n_iter_ == 5
    for _ in range(3):
        resumed.partial_fit(X, y)
    np.testing.assert_array_equal(_weights(resumed), _weights(expected))
    assert resumed.loss_curve_ == expected.loss_curve_ and resumed.t_ == expected.t_


def test_an_interrupt_before_any_epoch_raises_and_changes_nothing(monkeypatch):
    clf = _sgd().partial_fit(X, y, classes=[0, 1])
    before = _weights(clf), clf.t_

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Network, "loss_and_gradient", interrupt)
    with pytest.raises(KeyboardInterrupt):
        clf.partial_fit(X, y)
    with pytest.raises(KeyboardInterrupt):
        fresh = _sgd()
        fresh.fit(X, y)
    monkeypatch.undo()
    np.testing.assert_array_equal(_weights(clf), before[0])
    assert clf.t_ == before[1]
    with pytest.raises(NotFittedError):
        fresh.predict(X)


# ------------------------------------------------- 2. settings at every call
@pytest.mark.parametrize(
    "name, value",
    [
        ("alpha", 5.0),
        ("max_grad_norm", 1e-3),
        ("learning_rate_init", 0.5),
        ("shuffle", False),
        ("momentum", 0.1),
        ("nesterovs_momentum", False),
        ("dropout", 0.5),
        ("batch_size", 7),
        ("activation", "tanh"),
        ("random_state", 1),
    ],
)
def test_partial_fit_takes_a_setting_changed_between_calls(name, value):
    def change(i, estimator):
        if i == 2:
            estimator.set_params(**{name: value})

    unchanged = _stream(CHUNKS, _sgd())
    changed = _stream(CHUNKS, _sgd(), between=change)
    assert not np.array_equal(_weights(changed), _weights(unchanged))


def test_tol_and_patience_changed_between_calls_steer_the_adaptive_rate():
    clf = _sgd(learning_rate="adaptive", tol=0.0, n_iter_no_change=1)
    for _ in range(4):
        clf.partial_fit(X, y, classes=[0, 1])
    assert clf.history_[-1]["learning_rate"] == 0.05  # improving: rate kept
    clf.set_params(tol=1e9)  # nothing counts as progress from now on
    for _ in range(3):
        clf.partial_fit(X, y)
    assert clf.history_[-1]["learning_rate"] < 0.05


def test_the_remedy_a_divergence_names_works_in_a_stream():
    bad = (CHUNKS[1][0] * 1e15, CHUNKS[1][1])
    clf = _sgd(batch_size=10).partial_fit(*CHUNKS[0], classes=[0, 1])
    with pytest.warns(ConvergenceWarning, match="max_grad_norm"):
        clf.partial_fit(*bad)
    t_before = clf.t_
    clf.set_params(max_grad_norm=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.partial_fit(*bad)
    assert clf.t_ == t_before + len(bad[1]) and np.isfinite(_weights(clf)).all()


@pytest.mark.parametrize("name, value", [("solver", "adam"), ("dtype", "float64")])
def test_partial_fit_refuses_what_its_optimizer_state_cannot_follow(name, value):
    clf = _sgd().partial_fit(X, y, classes=[0, 1])
    before = _weights(clf)
    clf.set_params(**{name: value})
    with pytest.raises(ValueError, match=f"cannot continue with {name}=.*Set {name}="):
        clf.partial_fit(X, y)
    np.testing.assert_array_equal(_weights(clf), before)


def test_partial_fit_refuses_another_regression_loss():
    reg = FirstNetRegressor(hidden_layer_sizes=(4,)).partial_fit(X, np.abs(X[:, 0]))
    reg.set_params(loss="poisson")
    with pytest.raises(ValueError, match="cannot continue with loss='poisson'"):
        reg.partial_fit(X, np.abs(X[:, 0]))


def test_warm_start_may_change_solver_and_dtype():
    clf = _sgd(warm_start=True, max_iter=3).fit(X, y)
    clf.set_params(solver="adam", dtype="float64").fit(X, y)
    assert clf.coefs_[0].dtype == np.float64 and len(clf.loss_curve_) == 6


# ------------------------------------------------ 3. nothing left by a failure
def test_a_failed_fit_leaves_the_previous_model_working():
    clf = FirstNetClassifier(hidden_layer_sizes=(4,), max_iter=5).fit(X, y)
    before = _weights(clf), clf.n_features_in_
    with pytest.raises(ValueError, match="Unknown label type"):
        clf.fit(np.hstack([X, X]), rng.normal(size=len(y)))  # 8 features, bad y
    assert clf.n_features_in_ == before[1]
    clf.predict(X)  # still accepts its own data
    np.testing.assert_array_equal(_weights(clf), before[0])


def test_a_failed_first_fit_leaves_the_estimator_unfitted():
    clf = FirstNetClassifier()
    with pytest.raises(ValueError):
        clf.fit(X, rng.normal(size=len(y)))
    assert not hasattr(clf, "n_features_in_")
    with pytest.raises(NotFittedError):
        clf.predict(X)
    with pytest.raises(ValueError, match="could not convert"):
        clf.partial_fit([["a"] * 4] * 3, [0, 1, 0], classes=[0, 1])
    assert not hasattr(clf, "classes_")


# ------------------------------------------------------ 4. a frozen network
def test_prediction_and_export_read_the_fitted_activations():
    clf = FirstNetClassifier(hidden_layer_sizes=(6,), max_iter=20, random_state=0)
    clf.fit(X, y)
    proba = clf.predict_proba(X)
    clf.set_params(activation="tanh", hidden_layer_sizes=(3, 3))
    np.testing.assert_array_equal(clf.predict_proba(X), proba)
    assert clf.hidden_activations_ == ["relu"]
    onnxruntime = pytest.importorskip("onnxruntime")
    from sknn import to_onnx

    model = to_onnx(clf, X[:1].astype(np.float32))
    session = onnxruntime.InferenceSession(model.SerializeToString())
    out = session.run(["probabilities"], {"X": X.astype(np.float32)})[0]
    np.testing.assert_allclose(out, proba, atol=1e-5)


# --------------------------------------------- 5. non-finite weights caught
def test_an_overflowing_last_step_never_yields_non_finite_weights():
    X_iris, y_iris = load_iris(return_X_y=True)  # 150 rows: one batch per epoch
    clf = FirstNetClassifier(solver="sgd", learning_rate_init=1e100, random_state=0)
    try:
        clf.fit(X_iris, y_iris)
    except ValueError as error:
        assert "diverged in the first epoch" in str(error)
        return
    assert np.isfinite(_weights(clf)).all()


# ----------------------------------------------------- 6. L-BFGS interrupted
def test_lbfgs_interrupted_keeps_the_last_iteration_with_a_warning(monkeypatch):
    monkeypatch.setattr(
        Network, "loss_and_gradient", raise_at_batch(12, KeyboardInterrupt)
    )
    clf = FirstNetClassifier(hidden_layer_sizes=(5,), solver="lbfgs", random_state=0)
    with pytest.warns(UserWarning, match="interrupted"):
        clf.fit(X, y)
    assert 0 < clf.n_iter_ < 12 and len(clf.loss_curve_) == clf.n_iter_
    assert clf.predict(X).shape == y.shape


def test_lbfgs_interrupted_before_an_iteration_leaves_it_unfitted(monkeypatch):
    monkeypatch.setattr(
        Network, "loss_and_gradient", raise_at_batch(1, KeyboardInterrupt)
    )
    clf = FirstNetClassifier(solver="lbfgs")
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    with pytest.raises(NotFittedError):
        clf.predict(X)


# ------------------------------------------- 7, 8. weights that mean something
def test_balanced_class_weight_counts_a_weighted_row_as_its_copies():
    X_small, y_small = X[:40], y[:40]
    weights = np.ones(40)
    weights[:5] = 3
    repeated = np.repeat(np.arange(40), weights.astype(int))
    params = dict(
        hidden_layer_sizes=(5,),
        solver="lbfgs",
        dtype="float64",
        class_weight="balanced",
        random_state=0,
    )
    weighted = FirstNetClassifier(**params).fit(X_small, y_small, sample_weight=weights)
    copies = FirstNetClassifier(**params).fit(X_small[repeated], y_small[repeated])
    np.testing.assert_allclose(
        weighted.predict_proba(X_small), copies.predict_proba(X_small), atol=1e-6
    )


def test_zero_effective_weights_are_refused():
    with pytest.raises(ValueError, match="all zero.*learn nothing"):
        FirstNetClassifier(class_weight={0: 0, 1: 0}).fit(X, y)
    with pytest.raises(ValueError, match="non-zero|all zero"):
        FirstNetClassifier().fit(X, y, sample_weight=np.zeros(len(y)))


def test_tiny_sample_weights_are_relative():
    params = dict(hidden_layer_sizes=(4,), alpha=0.0, max_iter=5, random_state=0)
    unit = FirstNetClassifier(**params).fit(X, y)
    tiny = FirstNetClassifier(**params).fit(X, y, sample_weight=np.full(len(y), 1e-50))
    np.testing.assert_allclose(_weights(tiny), _weights(unit), rtol=1e-5, atol=1e-6)


# ------------------------------------ 10. the best epoch is the one restored
def test_early_stopping_restores_the_best_epochs_weights():
    params = dict(
        hidden_layer_sizes=(16,),
        early_stopping=True,
        n_iter_no_change=4,
        tol=0.0,
        learning_rate_init=0.05,
        random_state=0,
    )
    stopped = FirstNetClassifier(**params).fit(X, y)
    best_epoch = int(np.argmax(stopped.validation_scores_)) + 1
    assert stopped.n_iter_ > best_epoch, "training should have gone past its best"
    # the same run cut at the best epoch: its last weights are the best ones
    cut = FirstNetClassifier(**{**params, "max_iter": best_epoch}).fit(X, y)
    np.testing.assert_array_equal(_weights(stopped), _weights(cut))
    assert stopped.best_validation_score_ == max(stopped.validation_scores_)


def test_lbfgs_warm_started_from_an_early_stopped_fit_keeps_its_own_result():
    clf = FirstNetClassifier(
        hidden_layer_sizes=(5,), early_stopping=True, warm_start=True, random_state=0
    ).fit(X, y)
    early_best = _weights(clf)
    clf.set_params(solver="lbfgs", max_iter=30).fit(X, y)
    assert not np.array_equal(_weights(clf), early_best)
    assert clf.validation_scores_ is None and clf.best_validation_score_ is None
