"""Seed ensembles: the same network trained several times, its predictions averaged.

A network's test error depends on its random draws: the initial weights, the
order of the batches, the dropout masks and, with ``early_stopping``, which
rows are held out. Averaging networks that differ only in those draws removes
part of that variance; Lakshminarayanan et al., "Simple and Scalable
Predictive Uncertainty Estimation using Deep Ensembles" (NeurIPS 2017),
showed how well such "deep ensembles" work, and RealMLP (Holzmüller et al.,
NeurIPS 2024) averages networks trained on different validation splits.

:class:`SeedEnsembleClassifier` averages the members' class probabilities and
:class:`SeedEnsembleRegressor` their predictions. Each member is a clone of
``estimator`` with its own ``random_state``, drawn from the ensemble's, so a
fixed ``random_state`` gives the same ensemble every time, and parameters of
the members are set and tuned as ``estimator__<name>``.
"""

from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    RegressorMixin,
    _fit_context,
    clone,
)
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import _num_samples, check_is_fitted

from ._classifier import FirstNetClassifier
from ._regressor import FirstNetRegressor

__all__ = ["SeedEnsembleClassifier", "SeedEnsembleRegressor"]

# n_members="auto": as many members as keep members x training rows within
# _AUTO_ROWS, from _AUTO_MIN to _AUTO_MAX. On sknn's quality benchmark, five
# recipe networks beat two by 0.4-1.8 points of R² on tables of 800-2,200
# training rows, while a third gained 0.1 on average on tables of 6,000.
_AUTO_ROWS, _AUTO_MIN, _AUTO_MAX = 12_000, 2, 5


# the two ensembles' numpydoc entries for what they share
_SHARED_PARAMETERS = """\
    n_members : int or 'auto', default=5
        How many members to train and average. 'auto': ``12_000 // n_samples``,
        at least 2 and at most 5, so that a small training set, where
        averaging pays most and costs least, gets more members.
    random_state : int, RandomState instance or None, default=None
        Draws each member's ``random_state``. An int gives the same ensemble on
        every fit.
    n_jobs : int, default=None
        Members trained at once, with joblib: None means 1, -1 all CPUs.
"""
_SHARED_ATTRIBUTES = """\
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit, when they all were strings.
"""


class _SeedEnsemble(MetaEstimatorMixin, BaseEstimator):
    """What both seed ensembles share: fitting the members and the routing."""

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_members": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    }

    def __init__(self, estimator=None, *, n_members=5, random_state=None, n_jobs=None):
        self.estimator = estimator
        self.n_members = n_members
        self.random_state = random_state
        self.n_jobs = n_jobs

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, **fit_params):
        """Fit ``n_members`` clones of ``estimator``, each with its own seed.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training input samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.
        **fit_params : dict
            Passed to every member's ``fit`` (``sample_weight``, ``X_val``,
            ``y_val``...); with metadata routing on, routed as requested.

        Returns
        -------
        self : object
            The fitted ensemble.
        """
        estimator = self._base_estimator()
        self._check_member(estimator)
        member_params = self._member_fit_params(fit_params)
        # one seed per member, as BaggingClassifier draws them
        seeds = check_random_state(self.random_state).randint(
            np.iinfo(np.int32).max, size=self._member_count(_num_samples(X))
        )
        members = [clone(estimator).set_params(random_state=s) for s in seeds]
        fitted = Parallel(n_jobs=self.n_jobs)(
            delayed(member.fit)(X, y, **member_params) for member in members
        )
        self._publish(fitted, y)
        return self

    def _member_count(self, n_samples):
        if self.n_members != "auto":
            return self.n_members
        # members x rows within a budget, 2 to 5 members: averaging pays most
        # on small tables, where it also costs least
        return min(_AUTO_MAX, max(_AUTO_MIN, _AUTO_ROWS // max(n_samples, 1)))

    def _check_member(self, estimator):
        if "random_state" not in estimator.get_params():
            raise ValueError(
                f"{type(estimator).__name__} has no random_state parameter, so its "
                "members would all be the same model; a seed ensemble needs one."
            )

    def _publish(self, members, y):
        """Set the fitted attributes, all at once, once every member has fitted."""
        self.estimators_ = members
        self.n_features_in_ = members[0].n_features_in_
        if hasattr(members[0], "feature_names_in_"):
            self.feature_names_in_ = members[0].feature_names_in_
        elif hasattr(self, "feature_names_in_"):  # from an earlier fit on a frame
            del self.feature_names_in_

    def _member_fit_params(self, fit_params):
        if _routing_enabled():
            return process_routing(self, "fit", **fit_params).estimator.fit
        return fit_params  # without routing, as a Pipeline's step parameters

    def get_metadata_routing(self):
        """How ``fit``'s metadata reaches the members' ``fit``.

        Returns
        -------
        routing : MetadataRouter
            The ensemble's routing: ``fit`` to each member's ``fit``.
        """
        return MetadataRouter(owner=self).add(
            estimator=self._base_estimator(),
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )

    def _base_estimator(self):
        return self._default_estimator() if self.estimator is None else self.estimator

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        member_tags = self._base_estimator().__sklearn_tags__()
        tags.input_tags = member_tags.input_tags
        tags.target_tags.multi_output = member_tags.target_tags.multi_output
        return tags


class SeedEnsembleClassifier(ClassifierMixin, _SeedEnsemble):
    __doc__ = f"""Class probabilities averaged over networks with different seeds.

    Parameters
    ----------
    estimator : estimator, default=None
        The classifier to train ``n_members`` times; it needs ``predict_proba``
        and a ``random_state`` parameter. None: ``FirstNetClassifier()``.
{_SHARED_PARAMETERS}
    Attributes
    ----------
    estimators_ : list of estimators
        The fitted members.
    classes_ : ndarray of shape (n_classes,)
        The class labels, those of the members.
{_SHARED_ATTRIBUTES}
    See Also
    --------
    SeedEnsembleRegressor : The same for regression.
    sklearn.ensemble.VotingClassifier : Averages different estimators.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sknn import FirstNetClassifier
    >>> from sknn.ensemble import SeedEnsembleClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> net = FirstNetClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01,
    ...                          max_iter=300)
    >>> ensemble = SeedEnsembleClassifier(net, n_members=3, random_state=0)
    >>> ensemble.fit(X, y).predict_proba(X[:1]).round(2)
    array([[1., 0., 0.]])
    >>> len(ensemble.estimators_), ensemble.score(X, y)
    (3, 0.98)
    """

    @staticmethod
    def _default_estimator():
        return FirstNetClassifier()

    def _check_member(self, estimator):
        super()._check_member(estimator)
        if not hasattr(estimator, "predict_proba"):
            raise ValueError(
                f"{type(estimator).__name__} has no predict_proba, so its members' "
                "probabilities cannot be averaged."
            )

    def _publish(self, members, y):
        super()._publish(members, y)
        self.classes_ = members[0].classes_
        self._multilabel = type_of_target(y) == "multilabel-indicator"

    def predict_proba(self, X):
        """The members' class probabilities, averaged.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            The mean of the members' ``predict_proba``.
        """
        check_is_fitted(self)
        total = self.estimators_[0].predict_proba(X)
        for member in self.estimators_[1:]:
            total += member.predict_proba(X)
        return total / len(self.estimators_)

    def predict_log_proba(self, X):
        """The logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            The log of the averaged probabilities.
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """The class with the highest averaged probability.

        Multilabel members (an indicator matrix as ``y``) predict each label
        whose averaged probability exceeds 0.5, as a single network does.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The predicted classes.
        """
        proba = self.predict_proba(X)
        if self._multilabel:
            return (proba > 0.5).astype(int)
        return self.classes_[np.argmax(proba, axis=1)]


class SeedEnsembleRegressor(RegressorMixin, _SeedEnsemble):
    __doc__ = f"""Predictions averaged over networks with different seeds.

    Parameters
    ----------
    estimator : estimator, default=None
        The regressor to train ``n_members`` times; it needs a
        ``random_state`` parameter. None: ``FirstNetRegressor()``.
{_SHARED_PARAMETERS}
    Attributes
    ----------
    estimators_ : list of estimators
        The fitted members.
{_SHARED_ATTRIBUTES}
    See Also
    --------
    SeedEnsembleClassifier : The same for classification.
    sklearn.ensemble.VotingRegressor : Averages different estimators.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sknn import FirstNetRegressor
    >>> from sknn.ensemble import SeedEnsembleRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> net = FirstNetRegressor(hidden_layer_sizes=(16,), normalize_y=True,
    ...                         learning_rate_init=0.01, max_iter=200)
    >>> ensemble = SeedEnsembleRegressor(net, n_members=3, random_state=0)
    >>> ensemble.fit(X[:300], y[:300])
    SeedEnsembleRegressor(...)
    >>> [round(m.score(X[300:], y[300:]), 2) for m in ensemble.estimators_]
    [0.49, 0.51, 0.5]
    >>> round(ensemble.score(X[300:], y[300:]), 2)
    0.51
    """

    @staticmethod
    def _default_estimator():
        return FirstNetRegressor()

    def predict(self, X):
        """The members' predictions, averaged.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The mean of the members' ``predict``.
        """
        check_is_fitted(self)
        total = np.asarray(self.estimators_[0].predict(X), dtype=np.float64)
        for member in self.estimators_[1:]:
            total = total + member.predict(X)
        return total / len(self.estimators_)
