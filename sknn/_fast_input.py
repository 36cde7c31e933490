"""The input check of prediction, lean for the common case.

scikit-learn's ``validate_data(reset=False)`` costs about ten times the forward
pass of a small network on a few rows. :func:`lean_prediction_input` accepts,
in a few microseconds, the input it can check completely: a dense float32 or
float64 array (or a pandas DataFrame of one such dtype) of the fitted width,
finite, whose feature names are trivially those of the fit. Any other input
goes through ``validate_data``, which then raises, warns or converts exactly as
it always does: the lean check never raises nor warns itself, so both paths
give the same errors and warnings.
"""

import sys

import numpy as np

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
# Inputs up to this many values are checked finite with a mask.
_SMALL = 1 << 14


def lean_prediction_input(estimator, X):
    """``X`` as a float ndarray when the lean check accepts it, else None.

    None means "take the full path", never "invalid": it is returned for every
    input the lean check does not settle, valid or not.

    Parameters
    ----------
    estimator : FirstNetClassifier or FirstNetRegressor
        The estimator about to predict; only its fitted attributes are read.
    X : object
        The input given to ``predict``, ``predict_proba`` or ``predict_log_proba``.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features_in_) or None
        ``X`` itself, or its values for a DataFrame, when accepted.
    """
    fitted = vars(estimator)
    if type(X) is np.ndarray:
        # fitted with names, scikit-learn warns about an array without them
        if "feature_names_in_" in fitted:
            return None
    else:
        X = _frame_values(X, fitted.get("feature_names_in_"))
        if X is None:
            return None
    if (
        X.ndim != 2
        or X.dtype not in _FLOATS
        or X.shape[0] == 0
        or X.shape[1] != fitted.get("n_features_in_")
    ):
        return None
    # non-finite values are left to validate_data, which raises its error or,
    # under sklearn.set_config(assume_finite=True), accepts them
    if not _all_finite(X):
        return None
    return X


def _all_finite(X):
    if X.size <= _SMALL:
        # a mask of a few rows costs less than the floating-point error state
        # that the sum below needs
        return bool(np.isfinite(X).all())
    # scikit-learn's own first pass, reading X once with no copy: a finite sum
    # means finite values; a sum that overflows from finite values only sends
    # them to validate_data's exact check
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isfinite(np.add.reduce(X, axis=None)))


def _frame_values(X, feature_names):
    """The values of a pandas DataFrame of one float dtype whose columns are the
    fitted feature names, in order; None for anything else."""
    pandas = sys.modules.get("pandas")
    if pandas is None or type(X) is not pandas.DataFrame or feature_names is None:
        return None
    columns = X.columns
    if len(columns) != len(feature_names) or columns.tolist() != feature_names.tolist():
        return None
    dtypes = set(X.dtypes)
    if len(dtypes) != 1 or dtypes.pop() not in _FLOATS:
        return None
    return X.to_numpy()
