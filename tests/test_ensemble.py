"""Seed ensembles: members with their own seeds, predictions averaged."""

import joblib
import numpy as np
import pytest
import sklearn
from sklearn.base import clone
from sklearn.datasets import (
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV
from sklearn.utils.estimator_checks import parametrize_with_checks

from sknn import FirstNetClassifier, FirstNetRegressor
from sknn.ensemble import SeedEnsembleClassifier, SeedEnsembleRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
SMALL = dict(hidden_layer_sizes=(8,), max_iter=30)
# scikit-learn's checks expect a good training score
CHECKED = dict(hidden_layer_sizes=(16,), max_iter=200)


def _classification():
    return make_classification(
        n_samples=120,
        n_features=5,
        n_informative=4,
        n_redundant=0,
        n_classes=3,
        random_state=0,
    )


def _regression():
    return make_regression(n_samples=100, n_features=4, noise=5.0, random_state=0)


@parametrize_with_checks(
    [
        SeedEnsembleClassifier(FirstNetClassifier(**CHECKED), n_members=2),
        SeedEnsembleRegressor(FirstNetRegressor(**CHECKED), n_members=2),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_classifier_averages_its_members_probabilities():
    X, y = _classification()
    ensemble = SeedEnsembleClassifier(
        FirstNetClassifier(**SMALL), n_members=3, random_state=0
    ).fit(X, y)
    members = [member.predict_proba(X) for member in ensemble.estimators_]
    mean = np.mean(members, axis=0)
    np.testing.assert_allclose(ensemble.predict_proba(X), mean, rtol=1e-12)
    np.testing.assert_allclose(ensemble.predict_log_proba(X), np.log(mean))
    np.testing.assert_array_equal(
        ensemble.predict(X), ensemble.classes_[mean.argmax(axis=1)]
    )
    # the members differ: each was trained with its own seed
    assert not np.allclose(members[0], members[1])


def test_regressor_averages_its_members_predictions():
    X, y = _regression()
    ensemble = SeedEnsembleRegressor(
        FirstNetRegressor(**SMALL), n_members=3, random_state=0
    ).fit(X, y)
    members = [member.predict(X) for member in ensemble.estimators_]
    np.testing.assert_allclose(ensemble.predict(X), np.mean(members, axis=0))
    assert not np.allclose(members[0], members[1])
    seeds = [member.random_state for member in ensemble.estimators_]
    assert len(set(seeds)) == 3


def test_random_state_gives_the_same_ensemble_and_clone_keeps_it():
    X, y = _regression()
    ensemble = SeedEnsembleRegressor(
        FirstNetRegressor(**SMALL), n_members=2, random_state=7
    )
    first = ensemble.fit(X, y).predict(X)
    np.testing.assert_array_equal(clone(ensemble).fit(X, y).predict(X), first)
    other = clone(ensemble).set_params(random_state=8).fit(X, y).predict(X)
    assert not np.allclose(other, first)


def test_members_train_in_parallel_as_they_do_in_turn():
    X, y = _classification()
    params = dict(n_members=2, random_state=0)
    serial = SeedEnsembleClassifier(FirstNetClassifier(**SMALL), **params).fit(X, y)
    parallel = SeedEnsembleClassifier(
        FirstNetClassifier(**SMALL), n_jobs=2, **params
    ).fit(X, y)
    np.testing.assert_array_equal(serial.predict_proba(X), parallel.predict_proba(X))


def test_fit_parameters_reach_every_member():
    X, y = _regression()
    weights = np.random.RandomState(0).uniform(0.1, 2.0, size=len(y))
    ensemble = SeedEnsembleRegressor(
        FirstNetRegressor(**SMALL), n_members=2, random_state=0
    ).fit(X, y, sample_weight=weights)
    for member in ensemble.estimators_:
        alone = clone(member).fit(X, y, sample_weight=weights)
        np.testing.assert_array_equal(member.predict(X), alone.predict(X))
        unweighted = clone(member).fit(X, y)
        assert not np.allclose(member.predict(X), unweighted.predict(X))


def test_metadata_routing_sends_what_members_request():
    X, y = _regression()
    weights = np.random.RandomState(0).uniform(0.1, 2.0, size=len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        requesting = FirstNetRegressor(**SMALL).set_fit_request(sample_weight=True)
        ensemble = SeedEnsembleRegressor(requesting, n_members=2, random_state=0)
        ensemble.fit(X, y, sample_weight=weights)
        member = ensemble.estimators_[0]
        alone = clone(member).fit(X, y, sample_weight=weights)
        np.testing.assert_array_equal(member.predict(X), alone.predict(X))
        silent = SeedEnsembleRegressor(FirstNetRegressor(**SMALL), n_members=2)
        with pytest.raises(ValueError, match="sample_weight"):
            silent.fit(X, y, sample_weight=weights)


def test_member_parameters_are_tuned_through_estimator():
    X, y = _classification()
    ensemble = SeedEnsembleClassifier(
        FirstNetClassifier(**SMALL), n_members=2, random_state=0
    )
    search = GridSearchCV(ensemble, {"estimator__alpha": [1e-4, 1.0]}, cv=2)
    search.fit(X, y)
    assert search.best_estimator_.estimator.alpha in (1e-4, 1.0)
    for member in search.best_estimator_.estimators_:
        assert member.alpha == search.best_estimator_.estimator.alpha


def test_multilabel_members_predict_labels_above_one_half():
    X, Y = make_multilabel_classification(n_samples=80, n_classes=3, random_state=0)
    ensemble = SeedEnsembleClassifier(
        FirstNetClassifier(**SMALL), n_members=2, random_state=0
    ).fit(X, Y)
    proba = ensemble.predict_proba(X)
    assert proba.shape == Y.shape
    np.testing.assert_array_equal(ensemble.predict(X), (proba > 0.5).astype(int))


def test_an_estimator_without_a_seed_is_refused():
    X, y = _regression()
    with pytest.raises(ValueError, match="no random_state parameter"):
        SeedEnsembleRegressor(LinearRegression(), n_members=2).fit(X, y)


def test_default_members_are_firstnets():
    X, y = _classification()
    ensemble = SeedEnsembleClassifier(n_members=2, random_state=0).fit(X[:40], y[:40])
    assert all(type(m) is FirstNetClassifier for m in ensemble.estimators_)
    assert ensemble.estimator is None  # the parameter is left as it was given


def test_unfitted_ensemble_and_persistence(tmp_path):
    X, y = _classification()
    ensemble = SeedEnsembleClassifier(FirstNetClassifier(**SMALL), n_members=2)
    with pytest.raises(NotFittedError):
        ensemble.predict(X)
    ensemble.fit(X, y)
    path = tmp_path / "ensemble.joblib"
    joblib.dump(ensemble, path)
    np.testing.assert_array_equal(
        joblib.load(path).predict_proba(X), ensemble.predict_proba(X)
    )


def test_a_classifier_without_probabilities_is_refused():
    from sklearn.svm import LinearSVC

    X, y = _classification()
    with pytest.raises(ValueError, match="no predict_proba"):
        SeedEnsembleClassifier(LinearSVC(), n_members=2).fit(X, y)


@pytest.mark.parametrize(
    "n_samples, expected", [(40, 5), (2400, 5), (3000, 4), (5000, 2), (20000, 2)]
)
def test_auto_gives_small_tables_more_members(n_samples, expected):
    X, y = make_regression(n_samples=n_samples, n_features=2, random_state=0)
    network = FirstNetRegressor(hidden_layer_sizes=(2,), max_iter=1)
    ensemble = SeedEnsembleRegressor(network, n_members="auto", random_state=0)
    assert len(ensemble.fit(X, y).estimators_) == expected


def test_feature_names_follow_the_latest_fit():
    pd = pytest.importorskip("pandas")
    X, y = _regression()
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    ensemble = SeedEnsembleRegressor(FirstNetRegressor(**SMALL), n_members=2)
    assert list(ensemble.fit(frame, y).feature_names_in_) == list(frame.columns)
    assert not hasattr(ensemble.fit(X, y), "feature_names_in_")
