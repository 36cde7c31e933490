"""Data-dependent initialization: first weights and biases fitted to the data.

A random initialization (:mod:`sknn.core.initializers`) chooses the scale of the
weights from the layer's width alone, and puts every unit's bend (ReLU's kink,
tanh's steepest point) at a pre-activation of 0, wherever the data are. RealMLP
(Holzmüller et al., "Better by default", NeurIPS 2024) keeps the random
directions, then fits each dense layer in turn to a sample of training rows,
passed through the layers before it:

- **weights** ("std"): each unit's weights are divided by the standard deviation
  of its pre-activation ``z_j = A w_j`` on the sample, so every unit starts at
  unit variance whatever the scale of its inputs;
- **biases** ("he+5"): each unit's bias is minus a random convex combination of
  its pre-activations at 5 random rows,
  ``b_j = -sum_k p_jk z_j(x_jk)``, ``p_j ~ Dirichlet(1, ..., 1)``, so that every
  unit bends inside the data, each at a different place.

The output layer is fitted the same way. Feature scales start at 1, embeddings
keep their random draw, and parametric activations start as their plain
function, so the sample only sees the dense layers' choice.
"""

import numpy as np

from .input_layers import embed

#: Rows of the sample the layers are fitted to: enough for standard deviations
#: within a few percent, and a forward pass that costs little next to an epoch.
MAX_ROWS = 4096

#: Rows each bias mixes (RealMLP's "+5").
N_POINTS = 5

#: A unit whose pre-activations spread less than this, relative to their size,
#: is constant: what is left is rounding, which rescaling would blow up.
CONSTANT = 1e-10


def fit_to_data(network, X, rows, rng):
    """Rescale the weights and set the biases of ``network`` from rows of ``X``.

    ``rows`` (an index array, or None for all) are the rows training may see;
    at most :data:`MAX_ROWS` of them are drawn, with ``rng``, which also draws
    each bias's rows and mixture. ``network`` holds a random initialization.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.data_init import fit_to_data
    >>> from sknn.core.initializers import INITIALIZERS
    >>> from sknn.core.network import Network
    >>> network = Network([2, 3, 1], ["relu"], "identity", dtype=np.float64)
    >>> rng = np.random.default_rng(0)
    >>> network.initialize(rng, INITIALIZERS["auto"])
    >>> X = rng.normal(100.0, 30.0, (500, 2))  # far from the origin, wide
    >>> fit_to_data(network, X, None, rng)
    >>> Z = X @ network.weights[0] + network.biases[0]
    >>> bool(np.allclose(Z.std(axis=0), 1.0))  # unit variance, pre-activation
    True
    >>> bool(((Z > 0).mean(axis=0) > 0).all() and ((Z < 0).mean(axis=0) > 0).all())
    True
    """
    A = _sample(X, rows, rng)
    embedding = network.embedding_arrays()
    if embedding is not None:
        A = embed(A, embedding)  # in A's float64: NumPy upcasts the parameters
    last = network.n_layers - 1
    effective = network.effective_weights()
    for i, (W, b) in enumerate(zip(network.weights, network.biases)):
        Z = A @ np.asarray(effective[i], dtype=np.float64)
        std = Z.std(axis=0)
        # a unit constant on the sample (up to rounding) keeps its weights
        std[std <= CONSTANT * np.abs(Z).max(axis=0, initial=0.0)] = 1.0
        W /= std  # the effective weights' columns scale alike
        Z /= std
        b[...] = -_mixed_rows(Z, rng)
        if i < last:
            Z += b
            A = network.hidden_activations[i].forward(Z, out=Z)


def _sample(X, rows, rng):
    """Up to MAX_ROWS of the given rows of ``X``, dense and in float64."""
    rows = np.arange(X.shape[0]) if rows is None else np.asarray(rows)
    if len(rows) > MAX_ROWS:
        rows = np.sort(rng.choice(rows, MAX_ROWS, replace=False))
    sample = X[rows]
    if not isinstance(sample, np.ndarray):  # sparse
        sample = sample.toarray()
    return np.asarray(sample, dtype=np.float64)


def _mixed_rows(Z, rng):
    """Per column j, ``sum_k p_jk Z[r_jk, j]`` for random rows r_j and weights p_j."""
    n_rows, n_units = Z.shape
    chosen = rng.integers(n_rows, size=(n_units, N_POINTS))
    mixture = rng.dirichlet(np.ones(N_POINTS), size=n_units)
    return (Z[chosen, np.arange(n_units)[:, None]] * mixture).sum(axis=1)
