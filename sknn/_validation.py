"""Early stopping's validation data: rows held out of X, or a set of its own.

The internal split is made of row indices, so the held-out rows are scored
where they lie in X, never copied out of it. As scikit-learn's MLP does, it
holds ``validation_fraction`` of the rows and must have at least 2. An explicit
set (``fit(..., X_val=, y_val=)``, as scikit-learn's HistGradientBoosting
estimators take it) replaces the split, and all of X trains.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import train_test_split

from ._input import fitted_features, sample_weights, training_input

_TOO_SMALL = (
    "The validation set is too small. Increase 'validation_fraction' or the size "
    "of your dataset."
)


@dataclass
class ValidationSet:
    """What early stopping scores: inputs ``X`` (None: the rows ``rows`` of the
    training X), encoded targets ``Y``, labels ``y`` and sample weights."""

    X: object
    Y: np.ndarray
    y: np.ndarray
    sample_weight: np.ndarray | None
    rows: np.ndarray | None = None


def hold_out(y, validation_fraction, stratify, seed):
    """``(train_rows, validation_rows)``: index arrays into the training data.

    With ``stratify``, each class keeps its share in both parts when every class
    can be represented in both; otherwise (a class with a single sample, more
    classes than validation rows) the split falls back to a shuffled one rather
    than fail where scikit-learn's MLP would not. ``seed`` makes it repeatable.
    """
    rows = np.arange(len(y))
    attempts = [y, None] if stratify else [None]
    for labels in attempts:
        try:
            train, validation = train_test_split(
                rows,
                test_size=validation_fraction,
                stratify=labels,
                random_state=np.random.RandomState(seed),
            )
        except ValueError:
            if labels is None:
                raise ValueError(_TOO_SMALL) from None
            continue
        break
    if len(validation) < 2:
        raise ValueError(_TOO_SMALL)
    return train, validation


def check_validation_request(estimator, X_val, y_val, sample_weight_val):
    """Whether ``fit`` was given a validation set; refuse one it cannot use."""
    given = {"X_val": X_val, "y_val": y_val}
    missing = [name for name, value in given.items() if value is None]
    if len(missing) == 1:
        (other,) = set(given) - set(missing)
        raise ValueError(
            f"{other} is provided, but {missing[0]} was not provided: give both, "
            "or neither to hold out validation_fraction of X."
        )
    if missing:
        if sample_weight_val is not None:
            raise ValueError(
                "sample_weight_val is provided without X_val and y_val: it weighs "
                "an explicit validation set only."
            )
        return False
    if not estimator.early_stopping:
        raise ValueError(
            "X_val and y_val are passed to fit while early_stopping=False: they "
            "are used by early stopping only. Set early_stopping=True."
        )
    if estimator.solver == "lbfgs":
        raise ValueError(
            "X_val and y_val have no effect with solver='lbfgs', which ignores "
            "early stopping (as scikit-learn's MLP): use a stochastic solver "
            "(e.g. 'adam')."
        )
    return True


def validation_set(estimator, X_val, y_val, sample_weight_val, data):
    """The explicit validation set, checked as the training data ``data`` was:
    the same features, the same conversion, targets of the same shape encoded
    with the training classes."""
    with fitted_features(estimator, data.features):
        try:
            X_val, y_val, _ = estimator._validate_input(X_val, y_val, reset=False)
        except ValueError as error:  # its message names X and y
            raise ValueError(f"In the validation set (X_val, y_val): {error}") from None
    if y_val.shape[1:] != data.y.shape[1:]:
        kind = f"{data.y.shape[1]} columns" if data.y.ndim == 2 else "1 dimension"
        raise ValueError(
            f"y_val has shape {y_val.shape} but y has {kind}: give y_val in the "
            "form of y."
        )
    dtype = estimator._compute_dtype
    X_val = training_input(
        X_val, dtype, type(estimator).__name__, full_batch=False, input_name="X_val"
    )
    Y_val = estimator._encode_validation_targets(y_val, data.encoder).astype(dtype)
    try:
        weights = sample_weights(sample_weight_val, X_val, name="sample_weight_val")
    except ValueError as error:
        raise ValueError(f"In sample_weight_val: {error}") from None
    return ValidationSet(X_val, Y_val, y_val, weights)
