"""The estimators' side of the input layers (:mod:`sknn.core.input_layers`).

Resolves ``feature_scaling``, ``numeric_embedding`` and ``embedded_features``
into an :class:`InputSpec` (part of the fit's architecture), builds the core
layers from it, and turns the trained parameters into fitted attributes and
back (resume).

The scale is published folded into ``coefs_[0]`` (``s[:, None] * W_0``), so
prediction and export need nothing else. A resume continues exactly from the
unfolded parts, kept in a private attribute, as long as ``coefs_[0]`` still
equals their product; a ``coefs_[0]`` assigned by hand is taken as the folded
weights it is: training resumes from ``W_0 = coefs_[0]`` and ``s = 1``, which
computes the same function.
"""

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils._param_validation import Interval, StrOptions

from .core.input_layers import EMBEDDINGS, InputLayers

# RealMLP's number of frequencies per embedded column (its plr_hidden_1).
N_FREQUENCIES = 16

CONSTRAINTS = {
    "feature_scaling": ["boolean"],
    "numeric_embedding": [StrOptions(set(EMBEDDINGS)), None],
    "embedded_features": [StrOptions({"auto"}), "array-like"],
    "embedding_size": [Interval(Integral, 2, None, closed="left")],
    "embedding_frequency_scale": [Interval(Real, 0, None, closed="neither")],
}

# Fitted attributes of the input layers, removed by a fit without them.
ATTRIBUTES = ("embedded_features_", "embedding_", "_unfolded_first_layer")


@dataclass(frozen=True)
class InputSpec:
    """The input layers a fit resolved: what ``coefs_[0]``'s rows mean."""

    n_features: int  # of X
    scale: bool
    embedding: str | None
    columns: tuple  # the embedded columns of X; () without an embedding
    size: int  # outputs per embedded column, the value itself included

    @property
    def width(self):
        """Width of the first dense layer's input."""
        return self.n_features + len(self.columns) * (self.size - 1)


def buffer_elements_per_row(spec):
    """Elements of the input layers' training buffers per row of a batch (see
    :meth:`sknn.core.input_layers.InputLayers.buffers`); 0 without an embedding."""
    if spec is None or not spec.embedding:
        return 0
    # per embedded column: its value and a 1, k phases and k cosines; then
    # the whole dense input (which holds the embedding's outputs)
    per_column = 2 + 2 * N_FREQUENCIES
    return len(spec.columns) * per_column + spec.width


def resolve(estimator, X, previous):
    """The input layers for this fit; None when both are off.

    ``previous`` is the last fit's spec when resuming: "auto" keeps the
    columns that the first fit chose.
    """
    embedding = estimator.numeric_embedding
    if not estimator.feature_scaling and embedding is None:
        return None
    columns = ()
    if embedding is not None:
        if sp.issparse(X):
            raise TypeError(
                f"numeric_embedding={embedding!r} needs dense X, got a sparse "
                "matrix: convert it with X.toarray(), or set numeric_embedding=None."
            )
        chosen = estimator.embedded_features
        if isinstance(chosen, str):  # "auto"
            reused = previous is not None and previous.embedding is not None
            columns = previous.columns if reused else auto_columns(X)
        else:
            columns = explicit_columns(chosen, X.shape[1])
    return InputSpec(
        X.shape[1],
        bool(estimator.feature_scaling),
        embedding,
        columns,
        estimator.embedding_size,
    )


def auto_columns(X):
    """The columns of X with more than two distinct values.

    One-hot and binary columns then pass through unembedded, as RealMLP embeds
    numeric columns only.
    """
    low, high = X.min(axis=0), X.max(axis=0)
    many = ((X != low) & (X != high)).any(axis=0)
    columns = tuple(int(j) for j in np.flatnonzero(many))
    if not columns:
        raise ValueError(
            "embedded_features='auto' found no column with more than two distinct "
            "values to embed: choose the columns with embedded_features, or set "
            "numeric_embedding=None."
        )
    return columns


def explicit_columns(chosen, n_features):
    """Column indices from an index array or a boolean mask, checked."""
    chosen = np.asarray(chosen)
    if chosen.ndim != 1 or chosen.dtype.kind not in "biu" or chosen.size == 0:
        raise ValueError(
            "embedded_features must be 'auto', a non-empty 1-d array of column "
            f"indices, or a boolean mask of the {n_features} columns; got "
            f"{chosen.tolist()!r}."
        )
    if chosen.dtype.kind == "b":
        if chosen.size != n_features:
            raise ValueError(
                f"embedded_features is a boolean mask of {chosen.size} values but "
                f"X has {n_features} columns: give one value per column."
            )
        chosen = np.flatnonzero(chosen)
        if chosen.size == 0:
            raise ValueError(
                "embedded_features selects no column: set at least one True, or "
                "set numeric_embedding=None."
            )
    bad = [int(j) for j in chosen if not 0 <= j < n_features]
    if bad or len(set(chosen.tolist())) != chosen.size:
        why = f"indices {bad} are not in [0, {n_features})" if bad else "repeats"
        raise ValueError(
            f"embedded_features {chosen.tolist()} {why}: give distinct column "
            "indices of X."
        )
    return tuple(sorted(int(j) for j in chosen))


def check_resumable(before, now):
    """Refuse a resume whose input layers differ from the fitted ones."""
    if before != now:
        raise ValueError(
            "The input layers changed since the last fit (feature_scaling, "
            "numeric_embedding, embedded_features or embedding_size: "
            f"{_describe(before)} -> {_describe(now)}); set them back, or set "
            "warm_start=False to start over."
        )


def _describe(spec):
    if spec is None:
        return "none"
    return (
        f"n_features={spec.n_features}, scale={spec.scale}, "
        f"embedding={spec.embedding}, columns={list(spec.columns)}, size={spec.size}"
    )


def make_layers(spec, estimator):
    """The core layers for ``spec``; None without input layers."""
    if spec is None:
        return None
    return InputLayers(
        spec.n_features,
        embedded=list(spec.columns) if spec.embedding else None,
        scale=spec.scale,
        embedding=spec.embedding or "periodic",
        n_frequencies=N_FREQUENCIES,
        size=spec.size,
        frequency_scale=estimator.embedding_frequency_scale,
    )


def restore(estimator, network):
    """Put the fitted input layers into ``network`` (``coefs_`` already set)."""
    if network.inputs is None:
        return
    params = network.input_params
    if network.inputs.scale is not None:
        params["scale"][...] = 1.0  # coefs_[0] holds the folded weights
        saved = vars(estimator).get("_unfolded_first_layer")
        if saved is not None and _unchanged(estimator.coefs_[0], saved["folded"]):
            params["scale"][...] = saved["scale"]
            network.weights[0][...] = saved["coefs"]
    if network.inputs.embedding is not None:
        for name, value in estimator.embedding_.items():
            params[name][...] = value


def _unchanged(coefs, folded):
    return coefs.shape == folded.shape and np.array_equal(coefs, folded)


def attributes(network):
    """The fitted attributes of the input layers of ``network``."""
    inputs = network.inputs
    if inputs is None:
        return {}
    params, published = network.input_params, {}
    if inputs.scale is not None:
        # "folded" is coefs_[0] as published (under NTK, with 1 / sqrt(fan_in))
        published["_unfolded_first_layer"] = {
            "scale": params["scale"].copy(),
            "coefs": network.weights[0].copy(),
            "folded": network.effective_weights()[0].copy(),
        }
    if inputs.embedding is not None:
        published["embedded_features_"] = inputs.embedding.columns.copy()
        published["embedding_"] = {
            name: params[name].copy() for name in inputs.embedding.shapes
        }
    return published


def prediction_embedding(estimator):
    """What :func:`~sknn.core.prediction.predict` takes as ``embedding``; None
    for a model without an embedding."""
    fitted = vars(estimator)
    if "embedding_" not in fitted:
        return None
    return {"columns": fitted["embedded_features_"], **fitted["embedding_"]}
