"""scikit-learn's callback framework (``sklearn.callback``, scikit-learn >= 1.9).

``est.set_callbacks(ProgressBar())`` or ``ScoringMonitor(...)`` then see each
fit as a task whose subtasks are the epochs (or the L-BFGS iterations). With
an older scikit-learn the estimators simply have no ``set_callbacks``.
"""

try:
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # scikit-learn < 1.9

    class CallbackSupportMixin:
        """No callback framework before scikit-learn 1.9: nothing to support."""


class EpochTasks:
    """Reports a fit to scikit-learn's callbacks, one subtask per epoch.

    It is itself an epoch callback for :meth:`sknn.core.training.Trainer.fit`.
    The next epoch's task begins when the previous one ends (the trainer has no
    begin-of-epoch hook), so :meth:`close` ends the one that never ran when
    training stops before ``max_epochs``.

    Parameters
    ----------
    estimator : estimator with CallbackSupportMixin
    X, y, sample_weight : the training data of this fit
    max_epochs : int
    fitted_attributes : callable
        Returns the attributes of a model that would stop now (coefs_, ...),
        from which scikit-learn builds the ``fitted_estimator`` a callback sees.
    """

    def __init__(self, estimator, X, y, sample_weight, max_epochs, fitted_attributes):
        self.estimator = estimator
        self.data = dict(
            X=X,
            y=y,
            metadata={} if sample_weight is None else {"sample_weight": sample_weight},
        )
        self.max_epochs = max_epochs
        self.fitted_attributes = fitted_attributes
        self.fit_task = estimator._init_callback_context(max_subtasks=max_epochs)
        self.fit_task.call_on_fit_task_begin(estimator=estimator, **self.data)
        self.epochs_begun = 0
        self.epoch_task = self._begin_epoch()

    def _begin_epoch(self):
        self.epochs_begun += 1
        task = self.fit_task.subcontext(task_name="epoch")
        task.call_on_fit_task_begin(estimator=self.estimator, **self.data)
        return task

    def __call__(self, record):
        stop = self.epoch_task.call_on_fit_task_end(
            estimator=self.estimator,
            reconstruction_attributes=self.fitted_attributes,
            **self.data,
        )
        self.epoch_task = None
        if not stop and self.epochs_begun < self.max_epochs:
            self.epoch_task = self._begin_epoch()
        return stop

    def close(self):
        """End the begun-but-never-run epoch, if any, then the fit task itself."""
        if self.epoch_task is not None:
            self.epoch_task.call_on_fit_task_end(estimator=self.estimator)
        self.fit_task.call_on_fit_task_end(
            estimator=self.estimator,
            reconstruction_attributes=self.fitted_attributes,
            **self.data,
        )


def epoch_tasks(estimator, X, y, sample_weight, max_epochs, fitted_attributes):
    """An :class:`EpochTasks` when callbacks are set (or propagated), else None."""
    in_use = getattr(estimator, "_skl_callbacks", None) or hasattr(
        estimator, "_parent_callback_ctx"
    )
    if not in_use or not hasattr(estimator, "_init_callback_context"):
        return None
    return EpochTasks(estimator, X, y, sample_weight, max_epochs, fitted_attributes)
