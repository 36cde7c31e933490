"""An explicit validation set for early stopping: fit(X, y, X_val=, y_val=).

It replaces the internal split (all of X trains), is checked as X is, and is
routed by scikit-learn's metadata routing as HistGradientBoosting's is.
"""

import warnings

import numpy as np
import pytest
import sklearn
from sklearn.datasets import make_classification, make_regression
from sklearn.metrics import accuracy_score, get_scorer, log_loss
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sknn import FirstNetClassifier, FirstNetRegressor

PARAMS = dict(
    hidden_layer_sizes=(8,),
    random_state=0,
    dtype="float64",
    learning_rate_init=0.01,
    batch_size=32,
)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sklearn.exceptions.ConvergenceWarning)
        yield


def _split(n=200, seed=0):
    X, y = make_classification(n, n_features=6, flip_y=0.2, random_state=seed)
    return X[:150], y[:150], X[150:], y[150:]


def _by_hand(model, X, y, n_epochs, measure):
    """Each epoch's ``measure(model)`` and weights, training one epoch per
    partial_fit call: the trajectory of fit with an explicit validation set."""
    scores, coefs = [], []
    extra = {"classes": np.unique(y)} if hasattr(model, "predict_proba") else {}
    for _ in range(n_epochs):
        model.partial_fit(X, y, **extra)
        scores.append(measure(model))
        coefs.append([W.copy() for W in model.coefs_])
    return scores, coefs


def _assert_same_weights(model, coefs):
    for restored, kept in zip(model.coefs_, coefs):
        np.testing.assert_array_equal(restored, kept)


def test_the_best_epoch_on_X_val_is_the_one_picked_by_hand():
    X, y, X_val, y_val = _split()
    scores, coefs = _by_hand(
        FirstNetClassifier(**PARAMS),
        X,
        y,
        15,
        lambda model: accuracy_score(y_val, model.predict(X_val)),
    )
    clf = FirstNetClassifier(
        **PARAMS, early_stopping=True, max_iter=15, n_iter_no_change=100
    ).fit(X, y, X_val=X_val, y_val=y_val)
    assert clf.validation_scores_ == scores
    assert clf.best_validation_score_ == max(scores)
    best = scores.index(max(scores))  # the first of tied epochs, as scikit-learn
    assert scores.count(max(scores)) > 1  # there are ties
    _assert_same_weights(clf, coefs[best])


def test_all_of_X_trains_and_validation_fraction_is_unused():
    X, y, X_val, y_val = _split()
    fits = [
        FirstNetClassifier(
            **PARAMS, early_stopping=True, validation_fraction=f, max_iter=3
        ).fit(X, y, X_val=X_val, y_val=y_val)
        for f in (0.1, 0.5)
    ]
    assert fits[0].t_ == 3 * len(X)
    np.testing.assert_array_equal(fits[0].coefs_[0], fits[1].coefs_[0])


def test_sample_weight_val_weighs_the_validation_score():
    X, y, X_val, y_val = _split()
    weights = np.where(y_val == 1, 5.0, 1.0)
    clf = FirstNetClassifier(**PARAMS, early_stopping=True, max_iter=2)
    clf.fit(X, y, X_val=X_val, y_val=y_val, sample_weight_val=weights)
    last = clf.history_[-1]["val_score"]
    by_hand = FirstNetClassifier(**PARAMS, max_iter=2).fit(X, y)
    predicted = by_hand.predict(X_val)
    assert last == accuracy_score(y_val, predicted, sample_weight=weights)
    assert last != accuracy_score(y_val, predicted)


def test_regressor_takes_a_validation_set():
    X, y = make_regression(200, n_features=5, noise=1.0, random_state=0)
    y = y / y.std()
    reg = FirstNetRegressor(**PARAMS, early_stopping=True, max_iter=5)
    reg.fit(X[:150], y[:150], X_val=X[150:], y_val=y[150:])
    assert reg.best_validation_score_ == max(reg.validation_scores_)
    assert reg.t_ == 5 * 150


def test_multilabel_validation_set():
    X, _, X_val, _ = _split()
    Y = (X[:, :3] > 0).astype(int)
    clf = FirstNetClassifier(**PARAMS, early_stopping=True, max_iter=3)
    clf.fit(X, Y, X_val=X_val, y_val=(X_val[:, :3] > 0).astype(int))
    assert len(clf.validation_scores_) == 3
    with pytest.raises(ValueError, match=r"y_val has shape \(50, 2\) but y has 3"):
        clf.fit(X, Y, X_val=X_val, y_val=(X_val[:, :2] > 0).astype(int))


def test_feature_names_must_match():
    pd = pytest.importorskip("pandas")
    X, y, X_val, y_val = _split()
    names = [f"f{i}" for i in range(X.shape[1])]
    clf = FirstNetClassifier(**PARAMS, early_stopping=True, max_iter=2)
    frame = pd.DataFrame(X, columns=names)
    clf.fit(frame, y, X_val=pd.DataFrame(X_val, columns=names), y_val=y_val)
    with pytest.raises(ValueError, match="validation set.*feature names"):
        clf.fit(frame, y, X_val=pd.DataFrame(X_val, columns=names[::-1]), y_val=y_val)


def _nan(X):
    X = X.copy()
    X[0, 0] = np.nan
    return X


@pytest.mark.parametrize(
    "settings, given, message",
    [
        ({}, ["X_val"], "X_val is provided, but y_val was not provided"),
        ({}, ["y_val"], "y_val is provided, but X_val was not provided"),
        ({}, ["sample_weight_val"], "sample_weight_val is provided without X_val"),
        ({"early_stopping": False}, ["X_val", "y_val"], "early_stopping=False"),
        ({"solver": "lbfgs"}, ["X_val", "y_val"], "no effect with solver='lbfgs'"),
        ({}, ["narrow X_val", "y_val"], "validation set.*3 features.*expecting 6"),
        ({}, ["NaN X_val", "y_val"], "X_val contains NaN"),
        ({}, ["X_val", "unseen y_val"], r"y_val has labels \[7\] that are not among"),
        ({}, ["X_val", "short y_val"], "validation set.*inconsistent numbers"),
        ({}, ["X_val", "y_val", "zero weights"], "sample_weight_val: .*non-zero"),
    ],
)
def test_bad_validation_sets_are_refused(settings, given, message):
    X, y, X_val, y_val = _split()
    values = {
        "X_val": ("X_val", X_val),
        "y_val": ("y_val", y_val),
        "sample_weight_val": ("sample_weight_val", np.ones(len(y_val))),
        "narrow X_val": ("X_val", X_val[:, :3]),
        "NaN X_val": ("X_val", _nan(X_val)),
        "unseen y_val": ("y_val", np.where(y_val == 1, 7, 0)),
        "short y_val": ("y_val", y_val[:-1]),
        "zero weights": ("sample_weight_val", np.zeros(len(y_val))),
    }
    clf = FirstNetClassifier(**{**PARAMS, "early_stopping": True, **settings})
    with pytest.raises(ValueError, match=message):
        clf.fit(X, y, **dict(values[name] for name in given))
    assert not hasattr(clf, "coefs_")  # nothing trained, nothing published


def test_partial_fit_takes_no_validation_set():
    X, y, X_val, y_val = _split()
    with pytest.raises(TypeError, match="X_val"):
        FirstNetClassifier().partial_fit(X, y, classes=[0, 1], X_val=X_val)


def test_pipeline_transforms_and_routes_X_val():
    X, y, X_val, y_val = _split()
    X, X_val = 100 * X + 50, 100 * X_val + 50  # the scaler matters
    with sklearn.config_context(enable_metadata_routing=True):
        clf = FirstNetClassifier(**PARAMS, early_stopping=True, max_iter=4)
        clf.set_fit_request(X_val=True, y_val=True)
        pipe = Pipeline(
            [("scale", StandardScaler()), ("net", clf)], transform_input=["X_val"]
        ).fit(X, y, X_val=X_val, y_val=y_val)
    scaler = StandardScaler().fit(X)
    alone = FirstNetClassifier(**PARAMS, early_stopping=True, max_iter=4).fit(
        scaler.transform(X), y, X_val=scaler.transform(X_val), y_val=y_val
    )
    assert pipe[-1].validation_scores_ == alone.validation_scores_


def test_grid_search_routes_the_validation_set():
    X, y, X_val, y_val = _split()
    with sklearn.config_context(enable_metadata_routing=True):
        clf = FirstNetClassifier(**PARAMS, early_stopping=True, max_iter=3)
        clf.set_fit_request(X_val=True, y_val=True)
        search = GridSearchCV(clf, {"alpha": [1e-4, 1e-2]}, cv=2)
        search.fit(X, y, X_val=X_val, y_val=y_val)
        assert search.best_estimator_.t_ == 3 * len(X)  # refit: all of X trains
        with pytest.raises(ValueError, match="X_val"):  # requested, not given
            unrequested = FirstNetClassifier(**PARAMS, early_stopping=True)
            GridSearchCV(unrequested, {"alpha": [1e-4]}, cv=2).fit(
                X, y, X_val=X_val, y_val=y_val
            )


# ------------------------------------------------------------------ scoring
def test_scoring_loss_keeps_the_last_epoch_of_least_validation_loss():
    X, y, X_val, y_val = _split()
    losses, coefs = _by_hand(
        FirstNetClassifier(**PARAMS),
        X,
        y,
        12,
        lambda model: log_loss(y_val, model.predict_proba(X_val)),
    )
    clf = FirstNetClassifier(
        **PARAMS, early_stopping=True, max_iter=12, scoring="loss"
    ).fit(X, y, X_val=X_val, y_val=y_val)
    assert clf.validation_scores_ == [-r["val_loss"] for r in clf.history_]
    np.testing.assert_allclose(clf.validation_scores_, -np.array(losses), rtol=1e-12)
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    best = int(np.argmax(clf.validation_scores_))
    _assert_same_weights(clf, coefs[best])


def _sequence_scorer(values):
    """A scorer returning ``values`` in turn, one per epoch."""
    remaining = list(values)
    return lambda estimator, X, y: remaining.pop(0)


@pytest.mark.parametrize(
    "values, best", [([0.5, 0.7, 0.7, 0.6], 2), ([0.7, 0.5, 0.7, 0.7], 3)]
)
def test_with_a_scorer_ties_go_to_the_last_epoch(values, best):
    X, y, X_val, y_val = _split()
    _, coefs = _by_hand(FirstNetClassifier(**PARAMS), X, y, 4, lambda m: None)
    clf = FirstNetClassifier(
        **PARAMS,
        early_stopping=True,
        max_iter=4,
        n_iter_no_change=100,
        scoring=_sequence_scorer(values),
    ).fit(X, y, X_val=X_val, y_val=y_val)
    assert clf.validation_scores_ == values
    assert clf.best_validation_score_ == 0.7
    _assert_same_weights(clf, coefs[best])


_MULTICLASS = dict(n_classes=3, n_informative=4, flip_y=0.2, random_state=0)


@pytest.mark.parametrize("scoring", ["roc_auc", "neg_log_loss", "f1", "accuracy"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_a_scorer_scores_each_epoch_as_it_scores_the_model(scoring, n_classes):
    X, y = make_classification(
        200, n_features=6, **{**_MULTICLASS, "n_classes": n_classes}
    )
    X, y, X_val, y_val = X[:150], y[:150], X[150:], y[150:]
    if n_classes > 2 and scoring in ("roc_auc", "f1"):
        scoring += "_ovr" if scoring == "roc_auc" else "_macro"
    scorer = get_scorer(scoring)
    scores, coefs = _by_hand(
        FirstNetClassifier(**PARAMS), X, y, 6, lambda m: scorer(m, X_val, y_val)
    )
    clf = FirstNetClassifier(
        **PARAMS, early_stopping=True, max_iter=6, scoring=scoring
    ).fit(X, y, X_val=X_val, y_val=y_val)
    np.testing.assert_allclose(clf.validation_scores_, scores, rtol=1e-12)
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    last_best = len(scores) - 1 - int(np.argmax(clf.validation_scores_[::-1]))
    _assert_same_weights(clf, coefs[last_best])


def test_a_scorer_for_the_regressor_on_the_internal_split():
    X, y = make_regression(200, n_features=5, noise=1.0, random_state=0)
    reg = FirstNetRegressor(
        **PARAMS, early_stopping=True, max_iter=5, scoring="neg_mean_absolute_error"
    ).fit(X, y / y.std())
    assert all(score < 0 for score in reg.validation_scores_)
    assert reg.best_validation_score_ == max(reg.validation_scores_)


def test_changing_scoring_on_a_warm_start_restarts_the_best_epoch():
    X, y, X_val, y_val = _split()
    clf = FirstNetClassifier(**PARAMS, early_stopping=True, max_iter=3)
    clf.fit(X, y, X_val=X_val, y_val=y_val)  # accuracies, in [0, 1]
    clf.set_params(warm_start=True, scoring="loss").fit(X, y, X_val=X_val, y_val=y_val)
    assert clf.best_validation_score_ == max(clf.validation_scores_[3:]) < 0


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"scoring": "no such metric"}, "'no such metric' is not a valid scoring"),
        ({"scoring": "loss", "solver": "lbfgs"}, "scoring='loss' has no effect"),
        ({"scoring": 3}, "The 'scoring' parameter"),
    ],
)
def test_bad_scoring_is_refused(settings, message):
    X, y, _, _ = _split()
    clf = FirstNetClassifier(**{**PARAMS, "early_stopping": True, **settings})
    with pytest.raises(ValueError, match=message):
        clf.fit(X, y)
    assert not hasattr(clf, "coefs_")
