"""Input layers: a periodic embedding of numeric columns, and a per-feature scale.

Both come from RealMLP (Holzmüller et al., "Better by Default: Strong Pre-Tuned
MLPs and Boosted Trees on Tabular Data", NeurIPS 2024). They stand between the
data ``X`` (``n_features`` columns) and the first dense layer:

    X -> [embedding] -> [scale] -> Z_0 = A W_0 + b_0 -> ...

The embedding widens the input: the first dense layer sees X's columns as they
are, then ``size - 1`` embedding outputs per embedded column (RealMLP's
"densenet" layout: the value itself plus its learned periodic features). The
scale multiplies each column of that input by a learned factor.

Their parameters live in the network's flat ``params`` after the dense biases
(:class:`~sknn.core.network.Network`), so optimizers, checkpoints and
rollbacks cover them with no code of their own. They are not in the L2 region
``params[:n_weights]``.
"""

import math

import numpy as np

_TWO_PI = 2.0 * math.pi


class FeatureScale:
    """A learned factor per input column, initialized to 1: ``A_s = A diag(s)``.

    It folds exactly into the first dense layer,

        Z_0 = (A diag(s)) W_0 = A (s[:, None] * W_0),

    so training multiplies the (small) weight matrix, never the batch, and
    sparse input keeps working. With ``G = A^T delta_0``:

        dL/dW_0 = s[:, None] * G        dL/ds_j = sum_h G_jh W_0,jh

    which costs no product beyond the ``G`` that the first layer needs anyway.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.input_layers import FeatureScale
    >>> scale = FeatureScale(3)
    >>> params = scale.views(np.zeros(3))
    >>> scale.initialize(None, params)
    >>> params["scale"].tolist()
    [1.0, 1.0, 1.0]
    """

    group = "scale"

    def __init__(self, width):
        self.width = width
        self.n_params = width

    def views(self, flat):
        return {"scale": flat[: self.width]}

    def initialize(self, rng, params):
        params["scale"][...] = 1.0

    def fold(self, params, W, out=None):
        """The first layer's weights as they act on the unscaled input."""
        return np.multiply(params["scale"][:, None], W, out=out)

    def backward(self, params, W, G, grad):
        """From ``G = A^T delta_0`` (overwritten with dL/dW_0), fill dL/ds."""
        np.einsum("jh,jh->j", G, W, out=grad["scale"])
        G *= params["scale"][:, None]


class PeriodicEmbedding:
    """RealMLP's PBLD embedding of the columns ``columns`` of X, all at once.

    For each embedded column ``x_j`` (``m`` of them), with ``k`` learned
    frequencies ``w_j`` and phases ``b_j``, and a per-column linear map
    ``V_j`` (``k x e``, ``e = size - 1``) with intercept ``c_j``:

        T_j = 2 pi x_j w_j + b_j                          (n x k)
        E_j = cos(T_j) V_j + c_j                          (n x e)

    Periodic ("P"), with a phase ("B"ias), a linear map ("L") and no
    activation, and "D"ensenet-style: the dense layers see ``x_j`` next to
    ``E_j``. Computed as batched products over a ``(m, n, k)`` tensor, with no
    loop over columns. Backward, from ``dE`` (m x n x e):

        dL/dV_j = cos(T_j)^T dE_j        dL/dc_j = sum_n dE_j
        dT_j    = -sin(T_j) * (dE_j V_j^T)
        dL/dw_j = 2 pi x_j^T dT_j        dL/db_j = sum_n dT_j

    Initialized as RealMLP: ``w ~ N(0, frequency_scale^2)``,
    ``b ~ U(-pi, pi)``, ``V`` and ``c ~ U(-1/sqrt(k), 1/sqrt(k))``.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.input_layers import PeriodicEmbedding
    >>> embedding = PeriodicEmbedding([0, 2], n_frequencies=16, size=4)
    >>> embedding.width, embedding.n_params  # 2 columns x 3 outputs
    (6, 166)
    >>> params = embedding.views(np.zeros(embedding.n_params))
    >>> embedding.initialize(np.random.default_rng(0), params)
    >>> X = np.random.default_rng(1).normal(size=(5, 3))
    >>> buffers = embedding.buffers(5, np.float64)
    >>> E = np.empty((2, 5, 3))  # columns x rows x outputs
    >>> bool(np.all(embedding.forward(X, params, buffers, out=E) == E))
    True
    """

    group = "embedding"

    def __init__(self, columns, n_frequencies=16, size=4, frequency_scale=0.1):
        self.columns = np.asarray(columns, dtype=np.intp)
        m, k, e = len(self.columns), int(n_frequencies), int(size) - 1
        self.frequency_scale = frequency_scale
        self.shapes = {
            "frequencies": (m, k),
            "phases": (m, k),
            "coefs": (m, k, e),
            "intercepts": (m, e),
        }
        self.width = m * e
        self.n_params = sum(math.prod(shape) for shape in self.shapes.values())

    def views(self, flat):
        views, start = {}, 0
        for name, shape in self.shapes.items():
            size = math.prod(shape)
            views[name] = flat[start : start + size].reshape(shape)
            start += size
        return views

    def initialize(self, rng, params):
        m, k = self.shapes["frequencies"]
        params["frequencies"][...] = self.frequency_scale * rng.standard_normal((m, k))
        params["phases"][...] = rng.uniform(-math.pi, math.pi, (m, k))
        bound = 1.0 / math.sqrt(k)
        for name in ("coefs", "intercepts"):
            params[name][...] = rng.uniform(-bound, bound, self.shapes[name])

    def buffers(self, batch_size, dtype):
        """Per-batch arrays, made once per fit (or per prediction chunk).

        ``x`` holds each embedded column's values next to a column of ones:
        ``T = [x, 1] [2 pi w; b]`` is then one batched product, and backward's
        sums over rows ``[x, 1]^T dT`` another.
        """
        m, k, e = self.shapes["coefs"]
        x = np.empty((m, batch_size, 2), dtype)
        x[:, :, 1] = 1.0
        return {
            "x": x,
            "T": np.empty((m, batch_size, k), dtype),
            "C": np.empty((m, batch_size, k), dtype),
        }

    def forward(self, X, params, buffers, out):
        """``E`` (m x n x e) for the rows of X into ``out`` (which may be a
        strided view, such as the dense input's columns); keeps what backward
        needs."""
        n = X.shape[0]
        x = buffers["x"][:, :n]
        x[:, :, 0] = X[:, self.columns].T
        # T = x (2 pi w) + b for all columns at once: (m, n, 2) @ (m, 2, k)
        stacked = self._frequencies_and_phases(params, x.dtype)
        T = np.matmul(x, stacked, out=buffers["T"][:, :n])
        C = np.cos(T, out=buffers["C"][:, :n])
        E = np.matmul(C, params["coefs"], out=out)
        E += params["intercepts"][:, None, :]
        return E

    @staticmethod
    def _frequencies_and_phases(params, dtype):
        # [2 pi w; b] per column, in the precision of the computation
        frequencies = params["frequencies"]
        m, k = frequencies.shape
        stacked = np.empty((m, 2, k), dtype)
        np.multiply(frequencies, _TWO_PI, out=stacked[:, 0], dtype=dtype)
        stacked[:, 1] = params["phases"]
        return stacked

    def backward(self, dE, params, buffers, grad):
        """Fill ``grad`` from ``dE`` (m x n x e); the buffers hold forward's arrays."""
        n = dE.shape[1]
        x, T, C = buffers["x"][:, :n], buffers["T"][:, :n], buffers["C"][:, :n]
        np.matmul(C.transpose(0, 2, 1), dE, out=grad["coefs"])
        np.sum(dE, axis=1, out=grad["intercepts"])
        # -dT = dE V^T sin(T), written over C, which is no longer needed; the
        # sign goes on the (small) sums instead of on dT
        minus_dT = np.matmul(dE, params["coefs"].transpose(0, 2, 1), out=C)
        minus_dT *= np.sin(T, out=T)
        # [x, 1]^T (-dT): row 0 is -sum_n x dT, row 1 is -sum_n dT
        sums = np.matmul(x.transpose(0, 2, 1), minus_dT)
        np.multiply(sums[:, 0], -_TWO_PI, out=grad["frequencies"])
        np.negative(sums[:, 1], out=grad["phases"])


class InputLayers:
    """The input layers of a network: an embedding, a scale, or both.

    ``embedded`` lists the columns of X to embed (None: no embedding) with the
    embedding ``EMBEDDINGS[embedding]``. ``n_features`` is the width of X;
    ``width`` that of the first dense layer's input. Their parameters (the
    groups "scale", then "embedding") are a region of a flat vector;
    :meth:`views` names its parts.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.input_layers import InputLayers
    >>> inputs = InputLayers(3, embedded=[1], scale=True)
    >>> inputs.width  # 3 columns, then 3 outputs of the embedded one
    6
    >>> {name: (s.start, s.stop) for name, s in inputs.groups(100).items()}
    {'scale': (100, 106), 'embedding': (106, 189)}
    """

    def __init__(
        self,
        n_features,
        embedded=None,
        scale=False,
        embedding="periodic",
        n_frequencies=16,
        size=4,
        frequency_scale=0.1,
    ):
        self.n_features = n_features
        self.embedding = None
        if embedded is not None:
            self.embedding = EMBEDDINGS[embedding](
                embedded, n_frequencies, size, frequency_scale
            )
        self.width = n_features + (
            0 if self.embedding is None else self.embedding.width
        )
        self.scale = FeatureScale(self.width) if scale else None
        self.layers = [
            layer for layer in (self.scale, self.embedding) if layer is not None
        ]
        self.n_params = sum(layer.n_params for layer in self.layers)

    def groups(self, start):
        """Each layer's slice of the flat vector, its region beginning at ``start``."""
        groups = {}
        for layer in self.layers:
            groups[layer.group] = slice(start, start + layer.n_params)
            start += layer.n_params
        return groups

    def views(self, region):
        """Named views into ``region``, this object's part of a flat vector."""
        views, start = {}, 0
        for layer in self.layers:
            views.update(layer.views(region[start : start + layer.n_params]))
            start += layer.n_params
        return views

    def initialize(self, rng, params):
        for layer in self.layers:
            layer.initialize(rng, params)

    def buffers(self, batch_size, first_weights, dtype):
        buffers = {}
        if self.embedding is not None:
            buffers = self.embedding.buffers(batch_size, dtype)
            buffers["input"] = np.empty((batch_size, self.width), dtype)
        if self.scale is not None:
            buffers["folded"] = np.empty_like(first_weights)
        return buffers

    def forward(self, X, W, params, buffers):
        """``(A, W_eff)``: the dense input for X and the first layer's weights
        as they act on it (``Z_0 = A W_eff + b_0``)."""
        A = X
        if self.embedding is not None:
            A = self._embedded_input(X, params, buffers)
        if self.scale is not None:
            W = self.scale.fold(params, W, out=buffers["folded"])
        return A, W

    def _embedded_input(self, X, params, buffers):
        if not isinstance(X, np.ndarray):
            raise TypeError(
                "numeric_embedding needs dense input: convert sparse X with "
                "X.toarray(), or set numeric_embedding=None."
            )
        n, F = X.shape[0], self.n_features
        A = buffers["input"][:n]
        A[:, :F] = X
        # each column's outputs side by side: E (m, n, e) is a view of A's
        # columns F on, which the embedding writes into with no copy
        m = len(self.embedding.columns)
        E = A[:, F:].reshape(n, m, -1).transpose(1, 0, 2)
        self.embedding.forward(X, params, buffers, out=E)
        return A

    def backward(self, X, delta, W, params, buffers, grad, grad_W, matmul):
        """Fill ``grad_W`` (dL/dW_0) and the input layers' own gradients."""
        A = X if self.embedding is None else buffers["input"][: delta.shape[0]]
        matmul(A.T, delta, out=grad_W)
        W_eff = W
        if self.scale is not None:
            W_eff = buffers["folded"]
            self.scale.backward(params, W, grad_W, grad)
        if self.embedding is not None:
            n, m = delta.shape[0], len(self.embedding.columns)
            dA = delta @ W_eff[self.n_features :].T  # (n, m * e)
            dE = dA.reshape(n, m, -1).transpose(1, 0, 2)
            self.embedding.backward(dE, params, buffers, grad)


def embed(X, embedding):
    """The dense input for prediction: X, then the periodic features of its
    columns ``embedding["columns"]``, from a fitted model's arrays.

    ``embedding`` maps "columns" to the embedded columns and "frequencies",
    "phases", "coefs", "intercepts" to arrays of the prediction's precision.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.input_layers import embed
    >>> zero = {"columns": np.array([0]), "frequencies": np.zeros((1, 2)),
    ...         "phases": np.zeros((1, 2)), "coefs": np.ones((1, 2, 1)),
    ...         "intercepts": np.zeros((1, 1))}
    >>> embed(np.array([[5.0, 7.0]]), zero)  # cos(0) + cos(0)
    array([[5., 7., 2.]])
    """
    k, e = embedding["coefs"].shape[1:]
    layers = InputLayers(X.shape[1], embedding["columns"], n_frequencies=k, size=e + 1)
    buffers = layers.buffers(X.shape[0], None, X.dtype)
    return layers.forward(X, None, embedding, buffers)[0]


# Values of numeric_embedding: the embedding each one names.
EMBEDDINGS = {"periodic": PeriodicEmbedding}
