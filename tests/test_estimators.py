"""The estimators as a user meets them: tutorials, every solver, scikit-learn tools."""

import inspect
import pickle

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import load_iris, make_regression
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import FirstNetClassifier, FirstNetRegressor
from sknn.core.activations import HIDDEN_ACTIVATIONS
from sknn.core.optimizers import OPTIMIZERS

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


# ------------------------------------------------------------- the contract
def test_same_parameters_and_defaults_as_scikit_learn():
    for ours, theirs in [
        (FirstNetClassifier, MLPClassifier),
        (FirstNetRegressor, MLPRegressor),
    ]:
        our_params, their_params = ours().get_params(), theirs().get_params()
        for name, default in their_params.items():
            assert our_params[name] == default, name
        extras = set(our_params) - set(their_params)
        assert extras <= {
            "dropout",
            "weight_init",
            "class_weight",
            "dtype",
            "max_grad_norm",
            "lr_schedule",
            "lr_warmup",
            "dropout_schedule",
            "weight_decay_schedule",
            "normalize_y",
            "lr_factors",
            "parametrization",
            "parametric_activation",
            "feature_scaling",
            "data_init",
            "numeric_embedding",
            "embedded_features",
            "embedding_size",
            "embedding_frequency_scale",
            "scoring",
            "label_smoothing",
        }


def test_classifier_and_regressor_share_signatures():
    clf = inspect.signature(FirstNetClassifier).parameters
    reg = inspect.signature(FirstNetRegressor).parameters
    shared = set(clf) & set(reg)
    classifier_only = {"class_weight", "label_smoothing"}
    regressor_only = {"loss", "normalize_y"}
    assert shared == set(clf) - classifier_only == set(reg) - regressor_only
    for name in shared:
        assert (
            clf[name].default == reg[name].default and clf[name].kind == reg[name].kind
        )


def test_fitted_attributes(iris):
    X, y = iris
    clf = FirstNetClassifier(
        hidden_layer_sizes=(5, 4), max_iter=20, random_state=0
    ).fit(X, y)
    assert [c.shape for c in clf.coefs_] == [(4, 5), (5, 4), (4, 3)]
    assert [b.shape for b in clf.intercepts_] == [(5,), (4,), (3,)]
    assert all(c.dtype == np.float32 for c in clf.coefs_)
    assert (
        clf.n_layers_ == 4 and clf.n_outputs_ == 3 and clf.out_activation_ == "softmax"
    )
    assert clf.n_features_in_ == 4 and list(clf.classes_) == [0, 1, 2]
    assert clf.n_iter_ == 20 == len(clf.loss_curve_) == len(clf.history_)
    assert clf.t_ == 20 * X.shape[0]
    assert clf.loss_ == clf.loss_curve_[-1] and clf.best_loss_ == min(clf.loss_curve_)
    assert clf.validation_scores_ is None and clf.best_validation_score_ is None
    assert clf.predict_proba(X).dtype == np.float64


def test_same_random_state_gives_identical_weights(iris):
    X, y = iris
    params = dict(hidden_layer_sizes=(6,), max_iter=5, random_state=3, dropout=0.1)
    a = FirstNetClassifier(**params).fit(X, y)
    b = FirstNetClassifier(**params).fit(X, y)
    for ca, cb in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_array_equal(ca, cb)
    c = FirstNetClassifier(**{**params, "random_state": 4}).fit(X, y)
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])


# ------------------------------------------------------------ the tutorials
def test_xor():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0, 1, 1, 0])
    clf = FirstNetClassifier(
        hidden_layer_sizes=(4,), activation="tanh", solver="lbfgs", random_state=1
    ).fit(X, y)
    assert clf.score(X, y) == 1.0


def test_gaussian_blobs():
    rng = np.random.default_rng(0)
    X = np.vstack(
        [rng.normal((2, 2), 1.0, (500, 2)), rng.normal((6, 6), 1.0, (500, 2))]
    )
    y = np.repeat([0, 1], 500)
    model = make_pipeline(
        StandardScaler(),
        FirstNetClassifier(
            hidden_layer_sizes=(8, 4),
            activation="logistic",
            learning_rate_init=0.01,
            random_state=0,
        ),
    ).fit(X, y)
    assert model.score(X, y) >= 0.99


def test_linear_regression_with_identity_activation():
    X, y = make_regression(n_samples=200, n_features=5, noise=1.0, random_state=0)
    reg = FirstNetRegressor(
        hidden_layer_sizes=(10,), activation="identity", solver="lbfgs", random_state=0
    ).fit(X, y)
    assert reg.score(X, y) > 0.99


@pytest.mark.parametrize("activation", sorted(HIDDEN_ACTIVATIONS))
@pytest.mark.parametrize("solver", ["lbfgs", *sorted(OPTIMIZERS)])
def test_every_solver_and_activation_learns_iris(iris, solver, activation):
    X, y = iris
    lr = {"sgd": 0.1, "adam": 0.01, "rmsprop": 0.01, "adamw": 0.01}.get(solver, 0.001)
    clf = FirstNetClassifier(
        hidden_layer_sizes=(16,),
        activation=activation,
        solver=solver,
        learning_rate_init=lr,
        max_iter=300,
        random_state=0,
    ).fit(X, y)
    assert clf.score(X, y) >= 0.9


def test_poisson_regression_predicts_positive_counts():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = rng.poisson(np.exp(0.5 * X[:, 0] + 0.3))
    reg = FirstNetRegressor(
        loss="poisson", hidden_layer_sizes=(8,), learning_rate_init=0.01, random_state=0
    ).fit(X, y)
    assert reg.out_activation_ == "exp" and (reg.predict(X) > 0).all()
    assert np.corrcoef(reg.predict(X), np.exp(0.5 * X[:, 0]))[0, 1] > 0.9


def test_multilabel_and_multioutput():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] + X[:, 2] > 0]).astype(int)
    clf = FirstNetClassifier(
        hidden_layer_sizes=(16,), learning_rate_init=0.01, random_state=0
    ).fit(X, Y)
    assert clf.out_activation_ == "logistic" and clf.predict(X).shape == (300, 2)
    assert (clf.predict(X) == Y).mean() > 0.95
    targets = np.column_stack([X[:, 0] * 2, X[:, 1] - X[:, 3]])
    reg = FirstNetRegressor(hidden_layer_sizes=(16,), solver="lbfgs", random_state=0)
    assert (
        reg.fit(X, targets).predict(X).shape == (300, 2)
        and reg.score(X, targets) > 0.95
    )


def test_sparse_input_matches_dense(iris):
    X, y = iris
    params = dict(hidden_layer_sizes=(8,), max_iter=10, random_state=0, dtype="float64")
    dense = FirstNetClassifier(**params).fit(X, y)
    sparse = FirstNetClassifier(**params).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(
        dense.predict_proba(X), sparse.predict_proba(sp.csc_matrix(X)), rtol=1e-10
    )


@pytest.mark.parametrize("shuffle", [True, False])
def test_training_converts_batches_as_a_converted_copy_of_X_would(iris, shuffle):
    # float64 X is read in place and each batch converted to float32 on the way:
    # the model must be the one trained on X converted whole, whatever the layout
    X, y = iris
    params = dict(hidden_layer_sizes=(8,), batch_size=32, max_iter=5, shuffle=shuffle)
    reference = FirstNetClassifier(**params, random_state=0).fit(
        X.astype(np.float32), y
    )
    for layout in (X, np.asfortranarray(X), np.repeat(X, 2, axis=1)[:, ::2]):
        model = FirstNetClassifier(**params, random_state=0).fit(layout, y)
        for W, W_ref in zip(model.coefs_, reference.coefs_):
            np.testing.assert_array_equal(W, W_ref)


def test_string_labels_and_pandas_feature_names(iris):
    pd = pytest.importorskip("pandas", reason="pandas input needs pandas")
    X, y = iris
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = FirstNetClassifier(hidden_layer_sizes=(8,), solver="lbfgs", random_state=0)
    clf.fit(frame, labels)
    assert list(clf.feature_names_in_) == ["a", "b", "c", "d"]
    assert set(clf.predict(frame)) <= set(labels) and clf.score(frame, labels) > 0.9


def test_class_weight_shifts_predictions_toward_the_weighted_class():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2))
    y = (X[:, 0] + 0.8 * rng.normal(size=400) > 1.0).astype(int)  # about 20% positives
    params = dict(hidden_layer_sizes=(8,), learning_rate_init=0.01, random_state=0)
    plain = FirstNetClassifier(**params).fit(X, y)
    balanced = FirstNetClassifier(class_weight="balanced", **params).fit(X, y)
    heavy = FirstNetClassifier(class_weight={0: 1.0, 1: 10.0}, **params).fit(X, y)
    assert (
        plain.predict(X).mean() < balanced.predict(X).mean() < heavy.predict(X).mean()
    )


def test_zero_weight_minibatch_is_skipped():
    X = np.arange(20, dtype=float).reshape(10, 2)
    y = np.array([0, 1] * 5)
    w = np.array([0.0] * 4 + [1.0] * 6)
    clf = FirstNetClassifier(
        hidden_layer_sizes=(3,), batch_size=2, shuffle=False, max_iter=3, random_state=0
    ).fit(X, y, sample_weight=w)
    assert all(np.isfinite(c).all() for c in clf.coefs_)
    assert np.isfinite(clf.loss_curve_).all()


def test_dropout_per_layer_and_dtype_float64(iris):
    X, y = iris
    clf = FirstNetClassifier(
        hidden_layer_sizes=(32, 16),
        dropout=[0.3, 0.1],
        dtype="float64",
        learning_rate_init=0.01,
        random_state=0,
    ).fit(X, y)
    assert clf.coefs_[0].dtype == np.float64 and clf.score(X, y) > 0.9


def test_max_grad_norm_bounds_each_step():
    X, y = make_regression(n_samples=64, n_features=3, random_state=0)
    params = dict(
        hidden_layer_sizes=(4,),
        solver="sgd",
        momentum=0.0,
        batch_size=64,
        max_iter=1,
        shuffle=False,
        random_state=0,
    )

    def step_norm(**extra):
        start = FirstNetRegressor(**params, learning_rate_init=1e-12).fit(X, y)
        moved = FirstNetRegressor(**params, learning_rate_init=0.1, **extra).fit(X, y)
        return np.linalg.norm(
            np.concatenate(
                [
                    (a - b).ravel()
                    for a, b in zip(
                        moved.coefs_ + moved.intercepts_,
                        start.coefs_ + start.intercepts_,
                    )
                ]
            )
        )

    assert step_norm() > 0.1 * 0.5  # the raw gradient is larger than the bound...
    assert step_norm(max_grad_norm=0.5) == pytest.approx(
        0.1 * 0.5, rel=1e-3
    )  # ...clipped


@pytest.mark.parametrize("schedule", ["invscaling", "adaptive"])
def test_lr_schedule_applies_schedules_to_adam(iris, schedule):
    X, y = iris
    clf = FirstNetClassifier(
        hidden_layer_sizes=(8,),
        lr_schedule=schedule,
        tol=1.0,
        n_iter_no_change=2,
        max_iter=30,
        random_state=0,
    ).fit(X, y)
    rates = [record["learning_rate"] for record in clf.history_]
    assert rates[-1] < rates[0]


def test_early_stopping_records_a_validation_score_per_epoch(iris):
    X, y = iris
    clf = FirstNetClassifier(
        hidden_layer_sizes=(8,), early_stopping=True, max_iter=60, random_state=0
    ).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None
    assert all(r["val_loss"] is not None for r in clf.history_)


def test_verbose_prints_one_line_per_epoch(iris, capsys):
    X, y = iris
    FirstNetClassifier(hidden_layer_sizes=(4,), max_iter=3, verbose=True).fit(X, y)
    lines = [
        line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("Iteration")
    ]
    assert len(lines) == 3 and "loss = " in lines[0]


# ------------------------------------------------------- incremental learning
def test_partial_fit_over_chunks(iris):
    X, y = iris
    rng = np.random.default_rng(0)
    order = rng.permutation(len(y))
    clf = FirstNetClassifier(
        hidden_layer_sizes=(16,), learning_rate_init=0.01, random_state=0
    )
    for _ in range(30):
        for chunk in np.array_split(order, 5):
            clf.partial_fit(X[chunk], y[chunk], classes=[0, 1, 2])
    assert clf.score(X, y) > 0.9 and clf.t_ == 30 * len(y)
    assert len(clf.loss_curve_) == 150


def test_warm_start_continues_from_previous_weights(iris):
    X, y = iris
    clf = FirstNetClassifier(
        hidden_layer_sizes=(8,), max_iter=5, warm_start=True, random_state=0
    ).fit(X, y)
    first_loss = clf.loss_curve_[-1]
    clf.fit(X, y)
    assert len(clf.loss_curve_) == 10 and clf.loss_curve_[-1] < first_loss


def test_lbfgs_has_no_partial_fit():
    assert not hasattr(FirstNetClassifier(solver="lbfgs"), "partial_fit")
    assert not hasattr(FirstNetRegressor(solver="lbfgs"), "partial_fit")
    assert hasattr(FirstNetRegressor(), "partial_fit")


def test_lbfgs_records_a_loss_curve(iris):
    X, y = iris
    clf = FirstNetClassifier(
        hidden_layer_sizes=(8,), solver="lbfgs", random_state=0
    ).fit(X, y)
    assert len(clf.loss_curve_) == clf.n_iter_ and clf.loss_curve_[-1] == pytest.approx(
        clf.loss_, rel=1e-5
    )


# ------------------------------------------------------- scikit-learn tooling
def test_pipeline_in_grid_search_with_two_jobs(iris):
    X, y = load_iris(return_X_y=True)
    pipe = make_pipeline(
        StandardScaler(),
        FirstNetClassifier(solver="lbfgs", max_iter=100, random_state=0),
    )
    grid = GridSearchCV(
        pipe, {"firstnetclassifier__hidden_layer_sizes": [(4,), (16,)]}, cv=3, n_jobs=2
    ).fit(X, y)
    assert grid.best_score_ > 0.9
    assert grid.best_params_["firstnetclassifier__hidden_layer_sizes"] in [(4,), (16,)]


def test_clone_pickle_and_joblib_round_trips(iris, tmp_path):
    X, y = iris
    clf = FirstNetClassifier(hidden_layer_sizes=(8,), max_iter=20, random_state=0).fit(
        X, y
    )
    assert clone(clf).get_params() == clf.get_params() and not hasattr(
        clone(clf), "coefs_"
    )
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    joblib.dump(clf, tmp_path / "model.joblib")
    np.testing.assert_array_equal(
        joblib.load(tmp_path / "model.joblib").predict_proba(X), clf.predict_proba(X)
    )
    restored.partial_fit(X, y)  # optimizer state survives pickling
    assert restored.t_ == clf.t_ + len(y)


def test_predict_rows_do_not_depend_on_their_neighbours(iris):
    X, y = iris
    clf = FirstNetClassifier(hidden_layer_sizes=(64,), max_iter=5, random_state=0).fit(
        X, y
    )
    together = clf.predict_proba(X)
    one_by_one = np.vstack([clf.predict_proba(X[i : i + 1]) for i in range(len(X))])
    # float32 kernels would differ by ~1e-7 here; float64 prediction keeps rows apart
    np.testing.assert_allclose(together, one_by_one, rtol=0, atol=1e-12)


def test_memory_refused_before_allocation():
    with pytest.raises(MemoryError, match="hidden_layer_sizes"):
        FirstNetClassifier(hidden_layer_sizes=(10**6, 10**6)).fit(
            [[0.0], [1.0]], [0, 1]
        )
