"""Prediction with a fitted network: its weights in the precision of X, and the
forward pass, chunk by chunk, with nothing kept for a backward pass.

Training's forward pass (:meth:`~sknn.core.network.Network.forward`) writes
into preallocated buffers and keeps what backpropagation needs; prediction
needs neither, and runs on any number of rows in bounded memory.
"""

import operator

import numpy as np

from .activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from .input_layers import embed
from .parametric import ParametricActivation


class PredictionLayers:
    """A fitted network's weights and biases in both prediction precisions.

    Prediction computes in the precision of ``X`` (see :func:`predict`), so a
    model trained in float32 and fed float64 needs float64 weights: converting
    them on every call costs more than the arithmetic on a few rows. They are
    converted once, here; the copies in the training precision are the fitted
    arrays themselves.

    The copies are never written to, so threads may share them. They stand for
    the arrays they were made from, compared by identity (:meth:`layers`):
    assigning new arrays, or a new list, takes effect at once; writing into the
    arrays in place changes only predictions made in the training precision.
    A converted bias is kept repeated over a few rows (see :func:`add_bias`).
    The layers :func:`predict_layers` runs are made once per precision too
    (:meth:`forward_layers`).

    Parameters
    ----------
    weights, biases : list of ndarray
        Per-layer weight matrices and bias vectors, as a fit publishes them.
    activation_params : list of ndarray, default=()
        Per-hidden-layer parameters of parametric activations, if any.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.prediction import PredictionLayers
    >>> weights, biases = [np.ones((2, 1), np.float32)], [np.zeros(1, np.float32)]
    >>> prepared = PredictionLayers(weights, biases)
    >>> prepared.layers(np.dtype("float64"), weights, biases)[0][0].dtype
    dtype('float64')
    >>> prepared.layers(np.dtype("float32"), weights, biases)[0][0] is weights[0]
    True
    """

    def __init__(self, weights, biases, activation_params=()):
        groups = (weights, biases, activation_params or ())
        self._sources = [a for group in groups for a in group]
        self._by_dtype = {}
        for dtype in (np.dtype(np.float32), np.dtype(np.float64)):
            converted, converted_biases, params = _converted(groups, dtype)
            tiled = [
                b if b is source else _repeated_over_rows(b)
                for b, source in zip(converted_biases, biases)
            ]
            self._by_dtype[dtype] = (converted, tiled, params)
        # per dtype: what forward_layers last made from those arrays, and for
        # which activations
        self._forward_layers = {}

    def layers(self, dtype, weights, biases, activation_params=()):
        """``(weights, biases, activation_params)`` in ``dtype``; converted now
        if they are not the arrays these layers were made from."""
        groups = (weights, biases, activation_params or ())
        given = [*weights, *biases, *groups[2]]
        sources = self._sources
        # map(operator.is_) rather than a generator: a prediction on a few rows
        # feels each microsecond
        if len(given) == len(sources) and all(map(operator.is_, sources, given)):
            return self._by_dtype[dtype]
        return _converted(groups, dtype)

    def forward_layers(
        self,
        dtype,
        weights,
        biases,
        activation_params,
        hidden_activations,
        output_activation,
    ):
        """:func:`prediction_layers` of these arrays (see :meth:`layers`) and
        activation names in ``dtype``, and the widest layer's width (its input
        included); made once per dtype while both stay those of the fit."""
        converted = self.layers(dtype, weights, biases, activation_params)
        activations = (hidden_activations, output_activation)
        made = self._forward_layers.get(dtype)
        if made is not None and made[0] is converted and made[1] == activations:
            return made[2]
        weights, biases, params = converted
        layers = prediction_layers(
            weights,
            biases,
            hidden_activations,
            output_activation,
            dtype,
            params or None,
        )
        widest = max(max(W.shape[1] for W in weights), weights[0].shape[0])
        result = (layers, widest)
        if converted is self._by_dtype[dtype]:  # the fit's arrays: kept
            names = (list(hidden_activations), output_activation)  # a copy
            self._forward_layers[dtype] = (converted, names, result)
        return result


def _converted(groups, dtype):
    return tuple([np.asarray(a, dtype=dtype) for a in group] for group in groups)


# Elements of a bias repeated over rows: a few tens of KiB per layer.
_REPEATED_ELEMENTS = 1 << 14


def _repeated_over_rows(b):
    rows = max(1, min(256, _REPEATED_ELEMENTS // max(1, b.size)))
    return np.tile(b, (rows, 1))


def add_bias(A, b):
    """``A += b``, for ``b`` a bias vector or that vector repeated over rows.

    Broadcasting a vector over the rows of ``A`` pays a loop per row: on
    100 x 64 float64, 6 µs against 2 µs for adding a block of ``A``'s shape,
    a third of a small prediction's arithmetic. A repeated bias with at least
    as many rows as ``A`` is added as such a block.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.prediction import add_bias
    >>> A = np.zeros((2, 3))
    >>> add_bias(A, np.tile([1.0, 2.0, 3.0], (4, 1)))
    array([[1., 2., 3.],
           [1., 2., 3.]])
    """
    if b.ndim == 2:
        if len(A) <= len(b):
            A += b[: len(A)]
            return A
        b = b[0]
    A += b
    return A


def predict(
    X,
    weights,
    biases,
    hidden_activations,
    output_activation,
    chunk_rows,
    rows=None,
    activation_params=None,
    embedding=None,
):
    """Output activations for ``X``, ``chunk_rows`` rows at a time, as float64.

    ``activation_params``, one array per hidden layer, makes the hidden
    activations parametric (:class:`~sknn.core.parametric.ParametricActivation`).
    With ``embedding`` (see :func:`~sknn.core.input_layers.embed`), the
    first layer's input is ``X`` with the periodic features of its columns.

    With ``rows`` (an index array), only those rows of ``X``, gathered a chunk at
    a time: held-out rows are scored without a copy of them all.

    The arithmetic runs in the precision of ``X``: float32 for float32 input,
    float64 otherwise (as scikit-learn's MLP does). In float64 a row's result
    does not depend on the other rows of the call, which float32 BLAS kernels
    cannot promise (they round differently with the batch size and the row's
    position). Chunking bounds the memory to a few ``chunk_rows x width``
    buffers whatever ``n_samples``. Weights and biases already in that precision
    are used as they are (see :class:`PredictionLayers`).

    Examples
    --------
    A network without hidden layers, whose output is the sum of the inputs
    plus 0.5:

    >>> import numpy as np
    >>> from sknn.core.prediction import predict
    >>> weights, biases = [np.array([[1.0], [1.0]])], [np.array([0.5])]
    >>> X = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> predict(X, weights, biases, [], "identity", chunk_rows=1)
    array([[3.5],
           [7.5]])
    """
    dtype = np.float32 if X.dtype == np.float32 else np.float64
    layers = prediction_layers(
        weights,
        biases,
        hidden_activations,
        output_activation,
        dtype,
        activation_params,
        embedding,
    )
    return predict_layers(X, layers, chunk_rows, rows)


def prediction_layers(
    weights,
    biases,
    hidden_activations,
    output_activation,
    dtype,
    activation_params=None,
    embedding=None,
):
    """What :func:`predict_layers` runs: ``(W, b, activation)`` per layer, in
    ``dtype``, after the embedding's arrays when there is one. The arguments
    are :func:`predict`'s.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.prediction import prediction_layers
    >>> weights, biases = [np.ones((2, 3)), np.ones((3, 1))], [np.zeros(3), np.zeros(1)]
    >>> layers = prediction_layers(weights, biases, ["relu"], "identity", np.float32)
    >>> [(W.dtype.name, activation.name) for W, _, activation in layers]
    [('float32', 'relu'), ('float32', 'identity')]
    """
    activations = [HIDDEN_ACTIVATIONS[name] for name in hidden_activations]
    if activation_params is not None:
        activations = [
            ParametricActivation(act, np.asarray(a, dtype=dtype))
            for act, a in zip(activations, activation_params, strict=True)
        ]
    activations.append(OUTPUT_ACTIVATIONS[output_activation])
    layers = [
        (np.asarray(W, dtype=dtype), np.asarray(b, dtype=dtype), activation)
        for W, b, activation in zip(weights, biases, activations)
    ]
    if embedding is not None:
        embedding = {
            name: np.asarray(value, dtype=dtype) if name != "columns" else value
            for name, value in embedding.items()
        }
        layers.insert(0, embedding)
    return layers


def predict_layers(X, layers, chunk_rows, rows=None):
    """:func:`predict` with its layers made by :func:`prediction_layers` in the
    precision of ``X``.

    Examples
    --------
    Layers made once serve every call (a network whose output is the sum of
    the inputs plus 0.5):

    >>> import numpy as np
    >>> from sknn.core.prediction import predict_layers, prediction_layers
    >>> weights, biases = [np.array([[1.0], [1.0]])], [np.array([0.5])]
    >>> layers = prediction_layers(weights, biases, [], "identity", np.float64)
    >>> predict_layers(np.array([[1.0, 2.0], [3.0, 4.0]]), layers, chunk_rows=1)
    array([[3.5],
           [7.5]])
    """
    n_samples = X.shape[0] if rows is None else len(rows)
    if rows is None and n_samples <= chunk_rows:
        # one chunk: its own output is the result, with no buffer to copy it to
        return _forward_chunk(X, layers).astype(np.float64, copy=False)
    result = np.empty((n_samples, layers[-1][0].shape[1]), dtype=np.float64)
    for start in range(0, n_samples, chunk_rows):
        chunk = slice(start, start + chunk_rows)
        A = X[chunk] if rows is None else X[rows[chunk]]
        result[chunk] = _forward_chunk(A, layers)
    return result


def _forward_chunk(A, layers):
    if isinstance(layers[0], dict):  # the embedding's arrays
        A, layers = embed(A, layers[0]), layers[1:]
    for W, b, activation in layers:
        A = A @ W  # a new array: the caller's input is never written to
        add_bias(A, b)
        activation.forward(A, out=A)
    return A
