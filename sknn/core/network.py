"""A stack of dense layers: parameters, forward pass, backward pass, dropout.

Layer ``i`` computes ``Z_i = A_{i-1} W_i + b_i`` and ``A_i = f_i(Z_i)``, with
``A_{-1} = X``. All parameters live in one flat vector ``params`` (every
weight matrix first, then every bias, then those of the optional input layers
of :mod:`sknn.core.input_layers`), and ``weights[i]`` / ``biases[i]`` are
views into it; the gradient ``grad`` has the same layout. An optimizer step and
the L2 penalty are then single calls over the whole vector, whatever the depth.

Backpropagation, for a loss L averaged with sample weights ``s`` (sum ``S``):

    delta_out = (s / S) * (A_out - Y)         (see losses.py for why A - Y)
    dL/dW_i   = A_{i-1}^T delta_i + (alpha / S) W_i
    dL/db_i   = sum over rows of delta_i
    delta_i-1 = (delta_i W_i^T) * f'_{i-1}(Z_{i-1})

Under the NTK parametrization (:mod:`sknn.core.parametrization`) a layer
computes ``Z_i = s_i A_{i-1} W_i + b_i``, ``s_i = 1 / sqrt(fan_in)``: the
forward pass scales ``A W`` once, and the backward pass scales ``delta_i`` once
(after the bias gradient, which the factor does not touch), which then serves
both ``dL/dW_i = s_i A^T delta_i`` and ``delta_i-1``.

With parametric activations (:mod:`sknn.core.parametric`) each hidden unit
has a weight ``a_j`` of its own, stored after the biases.
"""

from itertools import pairwise

import numpy as np

from . import compiled
from .activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from .parametric import ParametricActivation, hidden_unit_views
from .parametrization import effective_weight, layer_scales, trained_weight
from .prediction import predict

_BITS = 1 << 16  # the values of a dropout mask's 16 random bits per unit


def _sparse_matmul(A, B, out):
    # scipy.sparse products (X in the first layer only) cannot write into ``out``
    out[...] = A @ B
    return out


def _matmul_for(X):
    # isinstance is ~10x cheaper than scipy's issparse, which small steps would feel
    return np.dot if isinstance(X, np.ndarray) else _sparse_matmul


class Network:
    """Dense layers of sizes ``layer_sizes`` (inputs, hidden..., outputs).

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, the input layer first.
    hidden_activations : sequence of str
        One name from ``HIDDEN_ACTIVATIONS`` per hidden layer.
    output_activation : str
        A name from ``OUTPUT_ACTIVATIONS``.
    dtype : numpy dtype
        Precision of the parameters and of the training computations.
    parametrization : {"standard", "ntk"}, default="standard"
        "ntk": layer ``i`` multiplies by ``weights[i] / sqrt(fan_in)``.
    parametric_activation : bool, default=False
        Give each hidden unit a trained ``a_j`` (starting at 1) and compute
        ``z + a_j (f(z) - z)``; the ``a`` are ``activation_params``.
    inputs : InputLayers, default=None
        Layers between X and the first dense layer (see
        :mod:`sknn.core.input_layers`), whose ``width`` is ``layer_sizes[0]``.
        Their parameters follow the biases in ``params``.

    ``groups`` names the regions of ``params``: "weights", "biases", and
    those of the input layers ("scale", "embedding").

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.initializers import INITIALIZERS
    >>> from sknn.core.network import Network, Workspace
    >>> network = Network([3, 4, 2], ["relu"], "softmax", dtype=np.float64)
    >>> network.n_params  # 3 x 4 + 4 x 2 weights, then 4 + 2 biases
    26
    >>> network.groups["biases"]  # the regions of params, by name
    slice(20, 26, None)
    >>> [W.shape for W in network.weights]
    [(3, 4), (4, 2)]
    >>> network.initialize(np.random.default_rng(0), INITIALIZERS["auto"])
    >>> outputs = network.forward(np.ones((5, 3)), Workspace(network, 5, [0.0]))
    >>> outputs.shape, bool(np.allclose(outputs.sum(axis=1), 1.0))
    ((5, 2), True)
    """

    def __init__(
        self,
        layer_sizes,
        hidden_activations,
        output_activation,
        dtype,
        *,
        parametrization="standard",
        parametric_activation=False,
        inputs=None,
    ):
        if len(hidden_activations) != len(layer_sizes) - 2:
            raise ValueError("Expected one hidden activation per hidden layer.")
        if inputs is not None and inputs.width != layer_sizes[0]:
            raise ValueError("The input layers' width must be layer_sizes[0].")
        self.layer_sizes = list(layer_sizes)
        self.hidden_activations = [
            HIDDEN_ACTIVATIONS[name] for name in hidden_activations
        ]
        self.output_activation = OUTPUT_ACTIVATIONS[output_activation]
        self.dtype = np.dtype(dtype)
        self.shapes = list(pairwise(self.layer_sizes))
        self.n_layers = len(self.shapes)  # weight layers: hidden layers + 1
        self.n_weights = sum(fan_in * fan_out for fan_in, fan_out in self.shapes)
        n_biases = sum(self.layer_sizes[1:])
        # each named region of ``params``: what per-group settings (lr_factors) name
        self.groups = {
            "weights": slice(0, self.n_weights),
            "biases": slice(self.n_weights, self.n_weights + n_biases),
        }
        self.n_params = self.n_weights + n_biases
        if parametric_activation:
            n_units = sum(self.layer_sizes[1:-1])
            self.groups["activations"] = slice(self.n_params, self.n_params + n_units)
            self.n_params += n_units
        self.inputs, self._inputs_start = inputs, self.n_params
        if inputs is not None:
            self.groups.update(inputs.groups(self.n_params))
            self.n_params += inputs.n_params
        # each layer's 1 / sqrt(fan_in) under NTK; None: standard, no extra pass
        self.scales = layer_scales(parametrization, self.shapes)
        self.params = np.zeros(self.n_params, dtype=self.dtype)
        self.weights, self.biases = self.layer_views(self.params)
        self.activation_params = self.activation_views(self.params)
        self.input_params = self.input_views(self.params)
        self.parametric = None  # or one ParametricActivation per hidden layer
        if parametric_activation:
            for a in self.activation_params:
                a[...] = 1.0  # g = f at the start
            self.parametric = [
                ParametricActivation(act, a)
                for act, a in zip(self.hidden_activations, self.activation_params)
            ]

    def input_views(self, flat):
        """The input layers' named views into a vector shaped as ``params``."""
        if self.inputs is None:
            return None
        return self.inputs.views(flat[self._inputs_start :])

    def layer_views(self, flat):
        """Per-layer ``(weights, biases)`` views into a vector shaped as ``params``."""
        weights, biases, start = [], [], 0
        for fan_in, fan_out in self.shapes:
            weights.append(
                flat[start : start + fan_in * fan_out].reshape(fan_in, fan_out)
            )
            start += fan_in * fan_out
        for fan_out in self.layer_sizes[1:]:
            biases.append(flat[start : start + fan_out])
            start += fan_out
        return weights, biases

    def activation_views(self, flat):
        """Per-hidden-layer views of the "activations" group; [] without one."""
        group = self.groups.get("activations")
        if group is None:
            return []
        return hidden_unit_views(flat, group.start, self.layer_sizes[1:-1])

    def initialize(self, rng, initializer):
        """Draw every layer's weights and biases, layer by layer, from ``rng``."""
        names = [act.name for act in self.hidden_activations]
        # the output layer is scaled for the activation that feeds it
        names.append(names[-1] if names else "identity")
        for W, b, name in zip(self.weights, self.biases, names):
            W[...], b[...] = initializer(rng, W.shape[0], W.shape[1], name)
        if self.scales is not None:
            # an initializer draws effective weights W s: keep the trained W
            for W, s in zip(self.weights, self.scales):
                W /= s
        if self.inputs is not None:
            self.inputs.initialize(rng, self.input_params)

    def is_finite(self):
        """Whether every parameter is finite (no NaN, no infinity)."""
        return bool(np.isfinite(self.params).all())

    def predict(self, X, rows=None, chunk_rows=4096):
        """Output activations for ``X`` (its rows ``rows`` when given), float64."""
        return predict(
            X,
            self.effective_weights(),
            self.biases,
            [a.name for a in self.hidden_activations],
            self.output_activation.name,
            chunk_rows,
            rows,
            activation_params=self.activation_params or None,
            embedding=self.embedding_arrays(),
        )

    def effective_weights(self):
        """What each layer multiplies by: ``weights`` themselves, or under NTK
        new arrays ``weights[i] / sqrt(fan_in)``; the feature scale, if any,
        folded into the first layer's (``s[:, None] * W_0``)."""
        weights = self.weights
        if self.scales is not None:
            weights = [effective_weight(W, s) for W, s in zip(weights, self.scales)]
        if self.inputs is None or self.inputs.scale is None:
            return weights
        first = self.inputs.scale.fold(self.input_params, weights[0])
        return [first, *weights[1:]]

    def embedding_arrays(self):
        """The embedding's columns and parameters, as
        :func:`~sknn.core.prediction.predict` takes them; None without one."""
        if self.inputs is None or self.inputs.embedding is None:
            return None
        embedding = self.inputs.embedding
        names = embedding.shapes
        return {"columns": embedding.columns} | {
            name: self.input_params[name] for name in names
        }

    def set_layers(self, weights, biases, trained=None, activation_params=()):
        """Copy per-layer arrays (e.g. a fitted model's) into ``params``.

        ``weights`` are effective weights (:meth:`effective_weights`, without
        a feature scale); under NTK, ``trained`` may give the trained weights
        they were published from
        (:func:`~sknn.core.parametrization.trained_weight`).
        """
        for view, value in zip(
            self.weights + self.biases + self.activation_params,
            list(weights) + list(biases) + list(activation_params or ()),
        ):
            view[...] = value
        if self.scales is None:
            return
        previous = list(trained) if trained is not None else [None] * self.n_layers
        for W, s, before in zip(self.weights, self.scales, previous):
            W[...] = trained_weight(W, s, before)

    def forward(self, X, ws, rng=None):
        """Training forward pass over the first ``X.shape[0]`` rows of workspace ``ws``.

        Dropout is inverted: kept units are scaled by ``1 / (1 - rate)`` here, so
        prediction needs no rescaling. Returns the output activations.
        """
        n = X.shape[0]
        layer_input, weights = X, self.weights
        if self.inputs is not None:
            layer_input, first = self.inputs.forward(
                X, weights[0], self.input_params, ws.inputs
            )
            weights = [first, *weights[1:]]
        matmul = _matmul_for(layer_input)
        for i, (W, b) in enumerate(zip(weights, self.biases)):
            Z = matmul(layer_input, W, out=ws.Z[i][:n])
            if self.scales is not None:
                Z *= self.scales[i]
            Z += b
            matmul = np.dot
            if i == self.n_layers - 1:
                return self.output_activation.forward(Z, out=Z)
            if self.parametric is None:
                A = self.hidden_activations[i].forward(Z, out=ws.A[i][:n])
            else:
                A = self.parametric[i].forward_keeping(
                    Z, ws.F[i][:n], ws.slopes[i][:n], ws.A[i][:n]
                )
            if ws.dropout[i] > 0:
                mask = ws.draw_mask(i, n, rng)
                layer_input = np.multiply(A, mask, out=ws.dropped[i][:n])
            else:
                layer_input = A

    def backward(self, X, ws, delta):
        """Fill ``ws.grad`` with the data gradient, from the output ``delta``."""
        n = X.shape[0]
        ones = ws.ones[:n]
        for i in range(self.n_layers - 1, -1, -1):
            np.dot(ones, delta, out=ws.grad_biases[i])
            if self.scales is not None:
                delta *= self.scales[i]  # d(s A W)/d(A W) = s, for both products
            if i == 0:
                matmul = _matmul_for(X)
                if self.inputs is None:
                    matmul(X.T, delta, out=ws.grad_weights[0])
                else:
                    self.inputs.backward(
                        X,
                        delta,
                        self.weights[0],
                        self.input_params,
                        ws.inputs,
                        ws.input_grad,
                        ws.grad_weights[0],
                        matmul,
                    )
                break
            np.dot(ws.layer_output(i - 1, n).T, delta, out=ws.grad_weights[i])
            previous = np.dot(delta, self.weights[i].T, out=ws.deltas[i - 1][:n])
            if ws.dropout[i - 1] > 0:
                previous *= ws.masks[i - 1][:n]
            if self.parametric is None:
                self.hidden_activations[i - 1].backward(
                    ws.Z[i - 1][:n], ws.A[i - 1][:n], previous
                )
            else:
                self._parametric_backward(i - 1, ws, previous, n)
            delta = previous

    def _parametric_backward(self, i, ws, dG, n):
        self.parametric[i].backward(
            ws.F[i][:n], ws.slopes[i][:n], dG, ws.grad_activations[i], ws.ones[:n]
        )

    def loss_and_gradient(
        self,
        X,
        Y,
        sample_weight,
        ws,
        loss,
        alpha=0.0,
        rng=None,
        *,
        penalty_gradient=True,
    ):
        """Loss of a batch, L2 penalty included; leaves its gradient in ``ws.grad``.

        ``loss = sum_n s_n L_n / S + alpha ||W||^2 / (2 S)``, S the sum of the sample
        weights (the number of rows when there are none), as scikit-learn's MLP.
        The data term is returned as scikit-learn reports it (``Loss.reported``).
        ``penalty_gradient=False`` leaves the penalty's gradient
        ``penalty_scale(alpha, X, sample_weight) W`` out of ``ws.grad``, for an
        optimizer step to add (``Optimizer.step(..., l2=...)``).
        """
        n = X.shape[0]
        output = self.forward(X, ws, rng)
        data_loss = loss.reported(Y, output, sample_weight)
        delta = loss.delta(Y, output, out=ws.deltas[-1][:n])
        # scaling delta (batch x outputs) by s/S here is cheaper than scaling the
        # whole gradient vector after backpropagation, and gives the same result
        if sample_weight is None:
            delta *= 1.0 / n
        else:
            delta *= (sample_weight / float(sample_weight.sum()))[:, None]
        self.backward(X, ws, delta)
        if not alpha:
            return data_loss
        # dL/dW += (alpha / S) W, and the loss gains alpha ||W||^2 / (2 S)
        weights = self.params[: self.n_weights]
        scale = penalty_scale(alpha, X, sample_weight)
        if penalty_gradient:
            ws.grad[: self.n_weights] += np.multiply(
                weights, scale, out=ws.penalty_gradient
            )
        return data_loss + 0.5 * scale * float(weights @ weights)


def penalty_scale(alpha, X, sample_weight):
    """``alpha / S``: the L2 penalty's gradient is ``alpha / S`` times the weights
    for a batch ``X``, S the sum of its sample weights (its number of rows
    without them).

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.network import penalty_scale
    >>> penalty_scale(0.1, np.zeros((4, 2)), None)
    0.025
    >>> penalty_scale(0.1, np.zeros((2, 2)), np.array([1.0, 4.0]))
    0.02
    """
    weight_sum = X.shape[0] if sample_weight is None else float(sample_weight.sum())
    return alpha / weight_sum


class Workspace:
    """Buffers for training on batches of up to ``batch_size`` rows.

    Allocated once per fit, so the training step allocates no large arrays.
    ``A[i]`` is the same buffer as ``Z[i]`` when the activation works in place
    (its derivative needs only its output); otherwise both are kept.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.network import Network, Workspace
    >>> network = Network([3, 4, 2], ["relu"], "identity", dtype=np.float32)
    >>> workspace = Workspace(network, batch_size=8, dropout=[0.5])
    >>> workspace.grad.shape, workspace.grad.dtype  # laid out as network.params
    ((26,), dtype('float32'))
    >>> workspace.draw_mask(0, 8, np.random.default_rng(0)).shape  # rows x units
    (8, 4)
    """

    def __init__(self, network, batch_size, dropout):
        dtype = self.dtype = network.dtype
        widths = network.layer_sizes[1:]
        self.dropout = list(dropout) + [0.0]
        self.Z = [np.empty((batch_size, w), dtype) for w in widths]
        parametric = network.parametric is not None
        self.A = [
            np.empty_like(Z) if act.needs_input or parametric else Z
            for Z, act in zip(self.Z, network.hidden_activations)
        ]
        # parametric activations keep f(Z) - Z and g'(Z) per hidden layer
        self.F = [np.empty_like(A) for A in self.A] if parametric else None
        self.slopes = [np.empty_like(A) for A in self.A] if parametric else None
        self.deltas = [np.empty((batch_size, w), dtype) for w in widths]
        self.masks = [
            np.empty((batch_size, w), dtype) if r > 0 else None
            for w, r in zip(widths, self.dropout)
        ]
        self.dropped = [np.empty_like(m) if m is not None else None for m in self.masks]
        self.grad = np.zeros(network.n_params, dtype)
        self.grad_weights, self.grad_biases = network.layer_views(self.grad)
        self.grad_activations = network.activation_views(self.grad)
        self.input_grad = network.input_views(self.grad)
        self.inputs = None
        if network.inputs is not None:
            self.inputs = network.inputs.buffers(batch_size, network.weights[0], dtype)
        self.penalty_gradient = np.empty(network.n_weights, dtype)
        # delta summed over rows is ones @ delta: a BLAS product, faster than a sum
        self.ones = np.ones(batch_size, dtype)
        # minibatch inputs (and their rows in X's dtype) and targets: made by the
        # first gather, which knows X's width and dtype
        self._inputs = self._staged = self._targets = None

    def gather(self, X, Y, rows):
        """The minibatch ``X[rows], Y[rows]``, its inputs in the network's dtype.

        Contiguous rows already in that dtype are returned as views; other rows are
        copied, and converted, into buffers reused across steps. So a shuffled
        epoch allocates nothing, and a float64 ``X`` is never converted whole.
        """
        sparse = not isinstance(X, np.ndarray)
        if sparse or (isinstance(rows, slice) and X.dtype == self.dtype):
            return X[rows], Y[rows]
        if self._inputs is None:
            self._make_batch_buffers(X, Y)
        if isinstance(rows, slice):
            batch = X[rows]
            inputs = self._inputs[: len(batch)]
            np.copyto(inputs, batch)
            return inputs, Y[rows]
        n = len(rows)
        # mode="clip" (rows are valid) spares take() a buffered copy for bounds checks
        targets = Y.take(rows, axis=0, out=self._targets[:n], mode="clip")
        inputs = self._inputs[:n]
        if X.dtype == self.dtype:
            return X.take(rows, axis=0, out=inputs, mode="clip"), targets
        gather = self._compiled_gather(X, inputs)
        if gather is not None:  # one pass, the same bits (sknn.core.compiled)
            gather(X, rows, inputs)
            return inputs, targets
        # gathering in X's dtype, then converting, is faster than take() converting
        staged = X.take(rows, axis=0, out=self._staged[:n], mode="clip")
        np.copyto(inputs, staged)
        return inputs, targets

    @staticmethod
    def _compiled_gather(X, inputs):
        large = inputs.size > compiled.MIN_SIZE and X.flags.c_contiguous
        return compiled.gather_rows() if large else None

    def _make_batch_buffers(self, X, Y):
        batch_size, width = self.Z[0].shape[0], X.shape[1]
        self._inputs = np.empty((batch_size, width), self.dtype)
        if X.dtype != self.dtype:
            self._staged = np.empty((batch_size, width), X.dtype)
        self._targets = np.empty((batch_size, Y.shape[1]), Y.dtype)

    def layer_output(self, i, n):
        """What layer ``i`` passes on: its activations, after dropout if any."""
        return self.dropped[i][:n] if self.dropout[i] > 0 else self.A[i][:n]

    def draw_mask(self, i, n, rng):
        """Layer ``i``'s dropout mask for ``n`` rows: 0 (dropped) or ``1 / p``.

        Each unit takes 16 raw bits ``u`` of the session's generator (so a
        checkpoint replays the same masks) and is kept when ``u >= r``,
        ``r = round(rate 2^16)``: with probability ``p = 1 - r / 2^16``, within
        2^-17 of ``1 - rate``. Kept units are scaled by ``1 / p``, so that
        ``E[mask] = 1`` exactly. Raw bits cost a fifth of ``rng.random``'s floats.
        """
        mask = self.masks[i][:n]
        threshold = min(round(self.dropout[i] * _BITS), _BITS - 1)
        words = rng.bit_generator.random_raw(-(-mask.size // 4))  # 4 x 16 bits each
        # the 16-bit quarters of each word from its lowest: little-endian views
        # (no copy on such a machine), so a big-endian one draws the same masks
        quarters = words.astype("<u8", copy=False).view("<u2")
        bits = quarters[: mask.size].reshape(mask.shape)
        np.greater_equal(bits, threshold, out=mask)
        mask *= _BITS / (_BITS - threshold)
        return mask
