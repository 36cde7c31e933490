"""How a training call ended, told as scikit-learn's MLP tells it.

Printing each epoch with ``verbose``, and the warnings or errors for a run that
diverged, was interrupted, hit ``max_iter`` or did not converge (L-BFGS).
"""

import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.optimize import _check_optimize_result


def epoch_printer(estimator):
    """With ``verbose``, a callback printing each epoch as scikit-learn's MLP does."""
    if not estimator.verbose:
        return []

    def print_epoch(record):
        print(f"Iteration {record['epoch']}, loss = {record['loss']:.8f}")
        if record["val_score"] is not None:
            print(f"Validation score: {record['val_score']:f}")

    return [print_epoch]


def usable_outcome(estimator, result, resuming, incremental):
    """Warn or raise on how training ended; False when there is nothing to publish.

    A call that completed no epoch changed nothing: an interrupt is raised again,
    and a divergence is an error for a first fit and a warning otherwise.
    """
    remedy = (
        "Lower learning_rate_init, set max_grad_norm (e.g. 1.0), or scale X "
        "(e.g. StandardScaler)."
    )
    if result.reason == "interrupted" and result.n_epochs == 0:
        raise KeyboardInterrupt  # nothing completed: the model is as it was
    if result.reason == "diverged" and result.n_epochs == 0:
        if not resuming:
            raise ValueError(
                "Training diverged in the first epoch: the loss or the weights "
                f"became NaN or infinite. {remedy}"
            )
        warnings.warn(
            "Training diverged: the loss or the weights became NaN or infinite "
            f"in the first epoch of this call, so the model is unchanged. {remedy}",
            ConvergenceWarning,
        )
        return False
    if result.reason == "diverged":
        warnings.warn(
            "Training diverged: the loss or the weights became NaN or infinite "
            f"after {result.n_epochs} completed epoch(s) in this call. Kept the "
            f"model of the last completed epoch. {remedy}",
            ConvergenceWarning,
        )
    elif result.reason == "interrupted":
        kept = (
            "the best on the validation set"
            if estimator.early_stopping
            else ("those of the last completed epoch")
        )
        warnings.warn(f"Training interrupted by user: kept the weights, {kept}.")
    elif result.lbfgs is not None:
        _check_optimize_result("lbfgs", result.lbfgs, estimator.max_iter)
    elif result.reason == "plateau" and estimator.verbose:
        watched = "Validation score" if estimator.early_stopping else "Training loss"
        print(
            f"{watched} did not improve more than tol={estimator.tol:f} for "
            f"{estimator.n_iter_no_change} consecutive epochs. Stopping."
        )
    elif result.reason == "max_epochs" and not incremental:
        warnings.warn(
            f"Stochastic Optimizer: Maximum iterations ({estimator.max_iter}) reached "
            "and the optimization hasn't converged yet.",
            ConvergenceWarning,
        )
    return True
