"""Input checks of a fit: data, sample weights, class weights and memory.

Each function checks one thing and raises scikit-learn's exception with a
message that names the problem and the fix. None of them changes the estimator:
what a fit learns about its input is published only when the fit succeeds.
"""

import os
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import (
    _check_sample_weight,
    assert_all_finite,
    validate_data,
)

_FEATURE_ATTRIBUTES = ("n_features_in_", "feature_names_in_")


def validate_training_data(estimator, X, y, reset, **check_params):
    """``validate_data`` without its side effects on ``estimator``.

    ``validate_data(reset=True)`` sets ``n_features_in_`` and
    ``feature_names_in_`` before the fit can still fail, so a failed fit would
    leave a previously fitted model rejecting its own data. Here they are put
    back as they were, and returned to be published by a fit that succeeds.

    Returns ``(X, y, features)``, ``features`` mapping each attribute name to its
    new value (None: the attribute is to be removed).
    """
    state = vars(estimator)
    kept = {name: state[name] for name in _FEATURE_ATTRIBUTES if name in state}
    try:
        X, y = validate_data(estimator, X, y, reset=reset, **check_params)
        features = {name: state.get(name) for name in _FEATURE_ATTRIBUTES}
    finally:
        for name in _FEATURE_ATTRIBUTES:
            state.pop(name, None)
        state.update(kept)
    return X, y, features


@contextmanager
def fitted_features(estimator, features):
    """``estimator``'s feature attributes as this fit found them (``features``,
    from :func:`validate_training_data`), while more data of the fit is checked
    against them; then back as they were."""
    state = vars(estimator)
    kept = {name: state.pop(name) for name in _FEATURE_ATTRIBUTES if name in state}
    state.update({name: value for name, value in features.items() if value is not None})
    try:
        yield
    finally:
        for name in _FEATURE_ATTRIBUTES:
            state.pop(name, None)
        state.update(kept)


def _value_range(values, chunk_elements=1 << 17):
    """``(min, max)`` of an array, NaN when it holds a NaN, reading it once.

    Both reductions run on one block of rows at a time: the block is still in
    cache for the second, so a large X crosses the memory bus once, not twice.
    """
    rows = max(1, chunk_elements // max(1, values[0].size)) if values.size else 1
    lows, highs = [], []
    for start in range(0, values.shape[0], rows):
        block = values[start : start + rows]
        lows.append(block.min())
        highs.append(block.max())
    # np.min and np.max propagate NaN, as Python's min and max would not
    return (np.min(lows), np.max(highs)) if lows else (0.0, 0.0)


def training_input(X, dtype, estimator_name, full_batch, input_name="X"):
    """``X`` as training reads it, checked finite and within ``dtype``.

    Minibatch solvers read a dense, C-contiguous ``X`` in place and convert
    each batch as they gather it, so a float64 ``X`` is never copied whole.
    Sparse ``X`` and full batches (L-BFGS) are converted once, here. Both checks
    share one pass over X's values, which is why ``validate_data`` is told to
    skip its own finiteness pass.
    """
    values = X.data if sp.issparse(X) else X
    low, high = _value_range(values)
    largest = np.finfo(dtype).max
    if not (-largest <= low and high <= largest):  # False for NaN too
        assert_all_finite(values, input_name=input_name, estimator_name=estimator_name)
        raise ValueError(
            f"{input_name} has values too large for dtype='{dtype}' (largest "
            f"finite value {largest:.3g}): scale it, e.g. with StandardScaler, or use "
            "dtype='float64'."
        )
    if sp.issparse(X):
        return X.tocsr().astype(dtype, copy=False)
    if full_batch or not X.flags.c_contiguous:
        return np.ascontiguousarray(X, dtype=dtype)
    return X


def check_targets_fit(Y, dtype):
    """Refuse targets beyond ``dtype``'s range before they turn into infinities."""
    largest = np.finfo(dtype).max
    if Y.size and not np.abs(Y).max() <= largest:
        raise ValueError(
            f"y has values too large for dtype='{dtype}' (largest finite value "
            f"{largest:.3g}): scale y (e.g. sklearn.compose.TransformedTargetRegressor"
            " with StandardScaler) or use dtype='float64'."
        )


def sample_weights(sample_weight, X, name="sample_weight"):
    """Sample weights as float64, checked; None when not given.

    They stay float64 whatever the training dtype: weights are relative, and a
    float32 cast would turn 1e-50 everywhere into all zeros.
    """
    if sample_weight is None:
        return None
    weights = _check_sample_weight(sample_weight, X, dtype=np.float64)
    check_effective_weights(weights, name)
    return weights


def check_effective_weights(weights, source):
    """Refuse weights that would train nothing: all zero, or not finite."""
    if not np.isfinite(weights).all():
        raise ValueError(f"{source} contains NaN or infinity: give finite weights.")
    if not np.any(weights != 0):
        raise ValueError(
            f"The sample weights ({source}) are all zero: the model would learn "
            "nothing. Give at least one sample a positive weight."
        )


def _physical_memory_bytes():
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(layer_units, batch_size, dtype, row_elements=0):
    """Refuse, before allocating, a network too large for this machine's memory.

    ``row_elements`` counts the input layers' buffer elements per row of a batch.
    """
    available = _physical_memory_bytes()
    if available is None:
        return
    n_params = sum(a * b + b for a, b in zip(layer_units[:-1], layer_units[1:]))
    # parameters, gradient and up to 3 optimizer vectors; 4 buffers per unit and row
    needed = np.dtype(dtype).itemsize * (
        5 * n_params + batch_size * (4 * sum(layer_units[1:]) + row_elements)
    )
    if needed > available:
        fewer = ", or fewer embedded_features" if row_elements else ""
        raise MemoryError(
            f"This network needs about {needed / 2**30:.1f} GiB "
            f"({n_params:,} parameters with layer sizes {layer_units}) but the "
            f"machine has {available / 2**30:.1f} GiB: use smaller "
            f"hidden_layer_sizes or batch_size{fewer}."
        )


def class_weight_per_row(class_weight, y, classes, sample_weight):
    """The weight ``class_weight`` gives each row of ``y``, as float64.

    'balanced' gives class c the weight ``n / (n_classes * n_c)`` with weighted
    counts (``n_c`` sums the sample weights of class c), so that a row of weight
    k weighs exactly as k copies of it; in multilabel y each indicator column is
    balanced and the row takes the product. A dict maps labels to weights;
    labels it does not name weigh 1.
    """
    if y.ndim == 2:
        if class_weight != "balanced":
            raise ValueError(
                "For multilabel y, class_weight must be 'balanced' or None: a dict "
                "of labels does not say which indicator column it weights. Weight "
                "the samples with sample_weight instead."
            )
        per_row = np.ones(y.shape[0])
        for column in y.T:
            per_row *= _balanced(column, sample_weight)
        return per_row
    if class_weight == "balanced":
        return _balanced(y, sample_weight)
    return _from_dict(class_weight, y, classes)


def _balanced(labels, sample_weight):
    present, codes = np.unique(labels, return_inverse=True)
    counts = np.bincount(codes, weights=sample_weight, minlength=len(present))
    total = counts.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = np.where(counts > 0, total / (len(present) * counts), 0.0)
    return weights[codes]


def _from_dict(class_weight, y, classes):
    known = classes.tolist()
    unknown = [label for label in class_weight if label not in known]
    if unknown:
        raise ValueError(
            f"class_weight has label(s) {unknown} that are not among the classes "
            f"{known}: give weights for those classes only."
        )
    values = np.array([float(value) for value in class_weight.values()])
    if not (np.isfinite(values) & (values >= 0)).all():
        shown = {label: float(value) for label, value in class_weight.items()}
        raise ValueError(
            f"class_weight values must be finite and non-negative, got {shown}."
        )
    per_row = np.ones(y.shape[0])
    for label, value in zip(class_weight, values):
        per_row[y == label] = value
    return per_row
