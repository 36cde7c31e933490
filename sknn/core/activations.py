"""Activation functions, each written next to its derivative.

Every activation is a small class with three methods:

- ``forward(Z, out=None)`` returns ``A = f(Z)``, written into ``out`` when given
  (which may be ``Z`` itself);
- ``backward(Z, A, dA)`` turns ``dA = dL/dA`` into ``dL/dZ = dA * f'(Z)`` in place,
  using whichever of ``Z`` or ``A`` gives ``f'`` cheapest;
- ``residual_and_slope(Z, F, D)`` writes ``f(Z) - Z`` and ``f'(Z) - 1`` at
  once: what a parametric unit keeps from its forward pass, so that its
  backward pass needs neither ``Z`` nor a second evaluation
  (see :mod:`sknn.core.parametric`);
- ``derivative(z)`` returns ``f'(z)`` as a new array (for plots and tests);
- ``graph(g, z)`` writes ``f(z)`` as elementary operations for export: ``g.op``
  adds an operation (ONNX's names: sknn.to_onnx supplies ``g``), ``g.scalar`` a
  constant. So the exported formula sits next to the computed one, constants
  shared.

``needs_input`` says whether ``backward`` reads ``Z``; the network keeps the
pre-activations of a layer only when its activation needs them.

The hidden activations come first, then the output activations (their
backward pass is fused into the loss, see :mod:`sknn.core.losses`).
"""

import math

import numpy as np
from scipy.special import expit


class Activation:
    """Base class: ``derivative`` comes from ``backward`` so the two cannot drift.

    Examples
    --------
    Calling an activation is ``forward`` on a new array:

    >>> from sknn.core.activations import HIDDEN_ACTIVATIONS
    >>> tanh = HIDDEN_ACTIVATIONS["tanh"]
    >>> tanh([0.0, 1.0]).round(3), tanh.derivative([0.0, 1.0]).round(3)
    (array([0.   , 0.762]), array([1.  , 0.42]))
    """

    name = ""
    needs_input = False

    def forward(self, Z, out=None):
        """Return ``f(Z)``, written into ``out`` when given (``out`` may be ``Z``)."""
        return self._forward(Z, np.empty_like(Z) if out is None else out)

    def _forward(self, Z, out):
        raise NotImplementedError

    def backward(self, Z, A, dA):
        raise NotImplementedError

    def residual_and_slope(self, Z, F, D):
        """``f(Z) - Z`` into ``F`` and ``f'(Z) - 1`` into ``D``; returns both."""
        # any activation: f' as the backward pass of a gradient of ones
        self._forward(Z, F)
        D.fill(1.0)
        self.backward(Z, F, D)
        F -= Z
        D -= 1.0
        return F, D

    def __call__(self, z):
        return self.forward(np.asarray(z, dtype=float))

    def derivative(self, z):
        z = np.asarray(z, dtype=float)
        return self.backward(z, self(z), np.ones_like(z))

    def graph(self, g, z):
        raise NotImplementedError


class Identity(Activation):
    """``f(z) = z``: a linear layer, or the output of a regression.

    Examples
    --------
    >>> from sknn.core.activations import Identity
    >>> Identity()([-1.0, 2.0]), Identity().derivative([-1.0, 2.0])
    (array([-1.,  2.]), array([1., 1.]))
    """

    name = "identity"

    def _forward(self, Z, out):
        # f(z) = z
        if out is not Z:
            np.copyto(out, Z)
        return out

    def backward(self, Z, A, dA):
        # f'(z) = 1
        return dA

    def graph(self, g, z):
        return z


class Logistic(Activation):
    """``f(z) = 1 / (1 + e^-z)``: a hidden unit, or a binary output.

    Examples
    --------
    >>> from sknn.core.activations import Logistic
    >>> Logistic()([0.0, 2.0]).round(3), Logistic().derivative([0.0, 2.0]).round(3)
    (array([0.5  , 0.881]), array([0.25 , 0.105]))
    """

    name = "logistic"

    def _forward(self, Z, out):
        # f(z) = 1 / (1 + e^-z); expit neither overflows for z << 0 nor rounds
        # small probabilities to 0 as (1 + tanh(z / 2)) / 2 would
        return expit(Z, out=out)

    def backward(self, Z, A, dA):
        # f'(z) = f(z) (1 - f(z))
        dA *= A
        dA *= 1.0 - A
        return dA

    def graph(self, g, z):
        return g.op("Sigmoid", [z])


class Tanh(Activation):
    """``f(z) = tanh(z)``: the logistic function stretched to (-1, 1).

    Examples
    --------
    >>> from sknn.core.activations import Tanh
    >>> Tanh()([0.0, 1.0]).round(3), Tanh().derivative([0.0, 1.0]).round(3)
    (array([0.   , 0.762]), array([1.  , 0.42]))
    """

    name = "tanh"

    def _forward(self, Z, out):
        # f(z) = tanh(z)
        return np.tanh(Z, out=out)

    def backward(self, Z, A, dA):
        # f'(z) = 1 - tanh(z)^2
        dA *= 1.0 - A * A
        return dA

    def graph(self, g, z):
        return g.op("Tanh", [z])


class ReLU(Activation):
    """``f(z) = max(0, z)``, the estimators' default hidden activation.

    Examples
    --------
    >>> from sknn.core.activations import ReLU
    >>> ReLU()([-1.0, 2.0]), ReLU().derivative([-1.0, 2.0])
    (array([0., 2.]), array([0., 1.]))
    """

    name = "relu"

    def _forward(self, Z, out):
        # f(z) = max(0, z); NumPy 2 vectorises maximum against a scalar: 1.1-1.5x
        # faster than against a row of zeros, from 1 x 64 to 4096 x 64 and 256 x 1024
        return np.maximum(Z, 0, out=out)

    def backward(self, Z, A, dA):
        # f'(z) = 1 if z > 0 else 0, and z > 0 exactly where A > 0
        dA *= A > 0
        return dA

    def graph(self, g, z):
        return g.op("Relu", [z])


class LeakyReLU(Activation):
    """``f(z) = max(z, 0.01 z)``: a ReLU that keeps a small slope below zero.

    Examples
    --------
    >>> from sknn.core.activations import LeakyReLU
    >>> LeakyReLU()([-1.0, 2.0]), LeakyReLU().derivative([-1.0, 2.0])
    (array([-0.01,  2.  ]), array([0.01, 1.  ]))
    """

    name = "leaky_relu"
    slope = 0.01

    def _forward(self, Z, out):
        # f(z) = max(z, 0.01 z)
        return np.maximum(Z, self.slope * Z, out=out)

    def backward(self, Z, A, dA):
        # f'(z) = 1 if z > 0 else 0.01; the sign of A is the sign of z
        dA *= np.where(A > 0, 1.0, self.slope).astype(dA.dtype, copy=False)
        return dA

    def graph(self, g, z):
        return g.op("LeakyRelu", [z], alpha=self.slope)


class ELU(Activation):
    """``f(z) = z`` above zero, ``e^z - 1`` below: a ReLU with a smooth floor at -1.

    Examples
    --------
    >>> from sknn.core.activations import ELU
    >>> ELU()([-1.0, 2.0]).round(3), ELU().derivative([-1.0, 2.0]).round(3)
    (array([-0.632,  2.   ]), array([0.368, 1.   ]))
    """

    name = "elu"

    def _forward(self, Z, out):
        # f(z) = z if z > 0 else e^z - 1
        negative_part = np.expm1(np.minimum(Z, 0.0))
        np.maximum(Z, 0.0, out=out)
        out += negative_part
        return out

    def backward(self, Z, A, dA):
        # f'(z) = 1 if z > 0 else e^z = f(z) + 1
        dA *= np.minimum(A, 0.0) + 1.0
        return dA

    def graph(self, g, z):
        return g.op("Elu", [z], alpha=1.0)


class GELU(Activation):
    """Gaussian error linear unit, tanh approximation (PyTorch's approximate='tanh').

    Examples
    --------
    >>> from sknn.core.activations import GELU
    >>> GELU()([-1.0, 0.0, 1.0]).round(3), GELU().derivative([0.0])
    (array([-0.159,  0.   ,  0.841]), array([0.5]))
    """

    name = "gelu"
    needs_input = True
    # Python floats, not NumPy scalars: a float64 scalar would turn a float32
    # Z's arithmetic into float64 (NEP 50), at twice the time
    c = math.sqrt(2.0 / math.pi)
    cubic = 0.044715

    def _inner_tanh(self, Z):
        # t = tanh(c (z + 0.044715 z^3)); z z z, as Z**3 calls pow per element
        inner = Z * Z
        inner *= Z
        inner *= self.cubic
        inner += Z
        inner *= self.c
        return np.tanh(inner, out=inner)

    def _forward(self, Z, out):
        # f(z) = z (1 + t) / 2
        t = self._inner_tanh(Z)
        t += 1.0
        np.multiply(Z, t, out=out)
        out *= 0.5
        return out

    def backward(self, Z, A, dA):
        # f'(z) = (1 + t) / 2 + z (1 - t^2) c (1 + 3 * 0.044715 z^2) / 2
        t = self._inner_tanh(Z)
        dt = (1.0 - t * t) * self.c * (1.0 + 3 * self.cubic * Z * Z)
        dA *= 0.5 * (1.0 + t + Z * dt)
        return dA

    def graph(self, g, z):
        # the same formula in elementary ops: ONNX's Gelu exists from opset 20 only
        z_cubed = g.op("Mul", [z, g.op("Mul", [z, z])])
        inner = g.op("Add", [z, g.op("Mul", [z_cubed, g.scalar(self.cubic)])])
        t = g.op("Tanh", [g.op("Mul", [inner, g.scalar(self.c)])])
        half_one_plus_t = g.op("Mul", [g.op("Add", [t, g.scalar(1.0)]), g.scalar(0.5)])
        return g.op("Mul", [z, half_one_plus_t])


_LOGISTIC = Logistic()


class SiLU(Activation):
    """Sigmoid linear unit (swish): z times its own logistic gate.

    Examples
    --------
    >>> from sknn.core.activations import SiLU
    >>> SiLU()([-1.0, 0.0, 1.0]).round(3), SiLU().derivative([0.0])
    (array([-0.269,  0.   ,  0.731]), array([0.5]))
    """

    name = "silu"
    needs_input = True

    def _forward(self, Z, out):
        # f(z) = z s(z), s the logistic function
        gate = _LOGISTIC.forward(Z)
        return np.multiply(Z, gate, out=out)

    def backward(self, Z, A, dA):
        # f'(z) = s(z) + z s(z) (1 - s(z)) = s(z) (1 + z - f(z))
        gate = _LOGISTIC.forward(Z)
        gate *= 1.0 + Z - A
        dA *= gate
        return dA

    def graph(self, g, z):
        return g.op("Mul", [z, g.op("Sigmoid", [z])])


class SELU(Activation):
    """Scaled ELU: ``lambda z`` above zero, ``lambda alpha (e^z - 1)`` below.

    From Klambauer et al., "Self-Normalizing Neural Networks" (NeurIPS 2017):
    with these two constants, a layer maps inputs of mean 0 and variance 1 to
    outputs that are again close to mean 0 and variance 1, so deep stacks of
    dense layers keep their activations normalised without batch norm. The
    paper pairs it with LeCun normal weights (variance ``1 / fan_in``).

    Examples
    --------
    >>> from sknn.core.activations import SELU
    >>> SELU()([-1.0, 2.0]).round(3), SELU().derivative([-1.0, 2.0]).round(3)
    (array([-1.111,  2.101]), array([0.647, 1.051]))
    """

    name = "selu"
    # the paper's fixed-point constants, to double precision
    scale = 1.0507009873554805  # lambda
    alpha = 1.6732632423543772

    def _forward(self, Z, out):
        # f(z) = lambda z if z > 0 else lambda alpha (e^z - 1); expm1 of
        # min(z, 0) neither overflows for large z nor loses digits near 0
        negative_part = np.expm1(np.minimum(Z, 0.0))
        negative_part *= self.scale * self.alpha
        np.maximum(Z, 0.0, out=out)
        out *= self.scale
        out += negative_part
        return out

    def backward(self, Z, A, dA):
        # f'(z) = lambda if z > 0 else lambda alpha e^z = f(z) + lambda alpha;
        # the sign of A is the sign of z
        slope = np.where(A > 0, self.scale, A + self.scale * self.alpha)
        dA *= slope.astype(dA.dtype, copy=False)
        return dA

    def residual_and_slope(self, Z, F, D):
        # f as _forward computes it, less z; f'(z) - 1 = lambda alpha
        # e^min(z, 0) - 1 + (lambda - lambda alpha) [z > 0] from the same
        # exponential, with [z > 0] = sign(max(z, 0)). The constants in Z's
        # precision, where both differences are exact, so that f' - 1 is
        # lambda - 1 itself above 0.
        scale, scale_alpha = (
            Z.dtype.type(c) for c in (self.scale, self.scale * self.alpha)
        )
        negative = np.expm1(np.minimum(Z, 0.0))
        negative *= self.scale * self.alpha
        positive = np.maximum(Z, 0.0, out=F)
        np.sign(positive, out=D)
        positive *= self.scale
        positive += negative
        F -= Z
        D *= scale - scale_alpha
        D += negative
        D += scale_alpha - 1
        return F, D

    def graph(self, g, z):
        # ONNX's Selu (opset 6 on) is this formula, its gamma being lambda
        return g.op("Selu", [z], alpha=self.alpha, gamma=self.scale)


class Mish(Activation):
    """Mish: ``z tanh(softplus(z))``, a smooth, non-monotonic ReLU-like unit.

    From Misra, "Mish: A Self Regularized Non-Monotonic Activation Function"
    (BMVC 2020). Close to SiLU in shape: unbounded above, bounded below (its
    minimum is about -0.309), with a small negative dip instead of a kink.

    Examples
    --------
    >>> from sknn.core.activations import Mish
    >>> Mish()([-1.0, 0.0, 1.0]).round(3), Mish().derivative([0.0]).round(3)
    (array([-0.303,  0.   ,  0.865]), array([0.6]))
    """

    name = "mish"
    needs_input = True

    @staticmethod
    def _tanh_softplus(Z):
        # t = tanh(softplus(z)) from one exponential, e = e^z:
        # tanh(log(1 + e)) = ((1 + e)^2 - 1) / ((1 + e)^2 + 1) = n / (n + 2),
        # n = e (e + 2). NumPy's logaddexp and tanh took 12x longer. Above
        # z = 20, t is 1 to float64's precision, and e^2z would overflow float32.
        e = np.minimum(Z, 20.0)
        np.exp(e, out=e)
        n = e + 2.0
        n *= e
        t = n + 2.0
        np.divide(n, t, out=t)
        return t, e

    def _forward(self, Z, out):
        # f(z) = z t
        t, _ = self._tanh_softplus(Z)
        return np.multiply(Z, t, out=out)

    def backward(self, Z, A, dA):
        # f'(z) = t + z s(z) (1 - t^2), s the logistic function (softplus' = s),
        # s(z) = e / (1 + e)
        t, e = self._tanh_softplus(Z)
        slope = 1.0 + e
        np.divide(e, slope, out=slope)
        slope *= Z
        e = np.multiply(t, t, out=e)
        np.subtract(1.0, e, out=e)
        slope *= e
        slope += t
        dA *= slope
        return dA

    def residual_and_slope(self, Z, F, D):
        # With e, n and d = n + 2 as in _tanh_softplus, t - 1 = -2 / d = r:
        # f(z) - z = z r, free of the cancellation of z t - z near t = 1; and
        # 1 - t^2 = 4 (n + 1) / d^2 = 4 (1 + e)^2 / d^2, s(z) = e / (1 + e),
        # so f'(z) - 1 = t - 1 + z s(z) (1 - t^2) = r + z (n - e) r^2: one
        # exponential for both. z is clipped at 40, where e^2z still fits
        # float32 and both results are below 1e-32 (0 to float precision).
        z = np.minimum(Z, 40.0, out=D)
        e = np.exp(z)
        n = e + 2.0
        n *= e
        r = n + 2.0
        np.divide(-2.0, r, out=r)
        np.multiply(z, r, out=F)
        n -= e
        n *= z
        n *= r
        n *= r
        np.add(n, r, out=D)
        return F, D

    def graph(self, g, z):
        # ONNX's Mish exists from opset 18 only; Softplus and Tanh from opset 1
        return g.op("Mul", [z, g.op("Tanh", [g.op("Softplus", [z])])])


class Softmax(Activation):
    """Output activation of multiclass problems; its backward is fused into the loss.

    Examples
    --------
    Each row becomes probabilities in proportion to ``e^z``:

    >>> import numpy as np
    >>> from sknn.core.activations import Softmax
    >>> Softmax()(np.log([[1.0, 1.0], [1.0, 3.0]]))
    array([[0.5 , 0.5 ],
           [0.25, 0.75]])
    """

    name = "softmax"

    def _forward(self, Z, out):
        # f(z)_k = e^(z_k - max z) / sum_j e^(z_j - max z): the shift avoids overflow
        np.subtract(Z, Z.max(axis=1, keepdims=True), out=out)
        np.exp(out, out=out)
        out /= out.sum(axis=1, keepdims=True)
        return out

    def graph(self, g, z):
        return g.op("Softmax", [z], axis=1)


class Exp(Activation):
    """Output activation (inverse log link) for Poisson regression.

    Examples
    --------
    >>> from sknn.core.activations import Exp
    >>> Exp()([0.0, 1.0]).round(3)
    array([1.   , 2.718])
    """

    name = "exp"

    def _forward(self, Z, out):
        # f(z) = e^z
        return np.exp(Z, out=out)

    def graph(self, g, z):
        return g.op("Exp", [z])


HIDDEN_ACTIVATIONS = {
    act.name: act
    for act in (
        Identity(),
        Logistic(),
        Tanh(),
        ReLU(),
        LeakyReLU(),
        ELU(),
        GELU(),
        SiLU(),
        SELU(),
        Mish(),
    )
}
OUTPUT_ACTIVATIONS = {
    act.name: act for act in (Identity(), Logistic(), Softmax(), Exp())
}
ACTIVATIONS = {**HIDDEN_ACTIVATIONS, **OUTPUT_ACTIVATIONS}
