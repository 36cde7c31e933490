"""Early stopping's metric: the number each epoch's validation outputs get.

``scoring=None`` is scikit-learn's MLP's: accuracy or R². ``"loss"`` is the
validation loss, negated so that higher is better. Any other value is a
scikit-learn scorer (a name or a callable, see
:func:`sklearn.metrics.check_scoring`), called on :class:`EpochOutputs`: a
read-only stand-in for the model at this epoch, whose response methods return
the outputs already computed on the validation rows, decoded as the estimator
decodes them. So scoring an epoch never runs the network again.
"""

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.metrics import check_scoring
from sklearn.utils.metaestimators import available_if

from .core.losses import LOSSES


def _responds(name):
    return lambda proxy: name in proxy.responses


class EpochOutputs(BaseEstimator):
    """The model at one epoch, as a scorer sees it on the validation rows.

    Parameters
    ----------
    responses : dict
        Maps each response method the estimator has ('predict',
        'predict_proba', ...) to a function returning its values on the
        validation rows.
    estimator_type : {'classifier', 'regressor'}
    classes : ndarray or None
        The estimator's ``classes_``, for classifiers.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.metrics import get_scorer
    >>> from sknn._scoring import EpochOutputs
    >>> labels = np.array([0, 1, 1])
    >>> proxy = EpochOutputs({"predict": lambda: labels}, "classifier", [0, 1])
    >>> get_scorer("accuracy")(proxy, np.empty((3, 0)), [0, 1, 0])
    0.666...
    """

    def __init__(self, responses, estimator_type, classes=None):
        self.responses = responses
        self.estimator_type = estimator_type
        self.classes = classes
        if classes is not None:
            self.classes_ = np.asarray(classes)

    def _response(self, name, X):
        values = self.responses[name]()
        if len(values) != X.shape[0]:
            raise ValueError("EpochOutputs answers for the validation rows only.")
        return values

    @available_if(_responds("predict"))
    def predict(self, X):
        """The epoch's predictions on the validation rows."""
        return self._response("predict", X)

    @available_if(_responds("predict_proba"))
    def predict_proba(self, X):
        """The epoch's class probabilities on the validation rows."""
        return self._response("predict_proba", X)

    @available_if(_responds("predict_log_proba"))
    def predict_log_proba(self, X):
        """The logarithm of the epoch's class probabilities."""
        return self._response("predict_log_proba", X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = self.estimator_type
        return tags


def validation_measure(estimator, encoder):
    """``measure(outputs, held)``: the score of an epoch's outputs on the
    validation set ``held`` (:class:`sknn._validation.ValidationSet`), higher
    is better, NaN for non-finite outputs. A bad ``scoring`` is refused here,
    before training."""
    scoring = estimator.scoring
    if scoring is None:

        def measure(outputs, held):
            return estimator._validation_score(
                outputs, held.y, held.sample_weight, encoder
            )
    elif isinstance(scoring, str) and scoring == "loss":
        loss = LOSSES[estimator._loss_name(encoder)]

        def measure(outputs, held):  # the true labels' loss, not smoothed ones
            return -loss.reported(held.Y, outputs, held.sample_weight)
    else:
        scorer = check_scoring(estimator, scoring)

        def measure(outputs, held):
            weights = {}
            if held.sample_weight is not None:
                weights["sample_weight"] = held.sample_weight
            proxy = estimator._epoch_outputs(outputs, encoder)
            return scorer(proxy, np.empty((len(outputs), 0)), held.y, **weights)

    def finite_measure(outputs, held):
        return measure(outputs, held) if np.isfinite(outputs).all() else np.nan

    return finite_measure
