"""Losses, each paired with the output activation that makes its gradient simple.

Every loss here is the negative log-likelihood of an exponential-family
distribution, paired with its canonical link. For such a pair the gradient of
the loss with respect to the output pre-activation ``Z`` collapses to
``dL/dZ = A - Y`` (``A`` the output activation): the softmax Jacobian and the
cross-entropy's ``1/A`` cancel, and likewise for logistic, exp and identity.
So no loss needs the derivative of its output activation, and ``delta`` is
shared by all of them.

``value(Y, A)`` returns the loss of each sample, summed over outputs; the
network averages it with the sample weights.
"""

import numpy as np


class Loss:
    name = ""
    output_activation = ""

    def value(self, Y, A):
        raise NotImplementedError

    def delta(self, Y, A, out):
        # dL/dZ = A - Y for every canonical (loss, output activation) pair
        return np.subtract(A, Y, out=out)


def _clipped(A):
    # log(0) would turn one confident mistake into an infinite loss
    eps = np.finfo(A.dtype).eps
    return np.clip(A, eps, 1 - eps)


class SquaredError(Loss):
    name = "squared_error"
    output_activation = "identity"

    def value(self, Y, A):
        # L = 1/2 sum_k (a_k - y_k)^2
        residual = A - Y
        return 0.5 * np.einsum("ij,ij->i", residual, residual)


class Poisson(Loss):
    """Half Poisson deviance; ``y log(y / a)`` is taken as 0 where ``y == 0``."""

    name = "poisson"
    output_activation = "exp"

    def value(self, Y, A):
        # L = sum_k y_k log(y_k / a_k) - y_k + a_k
        with np.errstate(divide="ignore", invalid="ignore"):
            y_log_y_over_a = np.where(Y > 0, Y * np.log(Y / A), 0.0)
        return (y_log_y_over_a - Y + A).sum(axis=1)


class BinaryCrossEntropy(Loss):
    """One independent logistic output per column: binary and multilabel problems."""

    name = "binary_cross_entropy"
    output_activation = "logistic"

    def value(self, Y, A):
        # L = -sum_k y_k log a_k + (1 - y_k) log(1 - a_k)
        A = _clipped(A)
        return -(Y * np.log(A) + (1 - Y) * np.log1p(-A)).sum(axis=1)


class CategoricalCrossEntropy(Loss):
    """Softmax over the columns: one class per sample."""

    name = "categorical_cross_entropy"
    output_activation = "softmax"

    def value(self, Y, A):
        # L = -sum_k y_k log a_k
        return -(Y * np.log(_clipped(A))).sum(axis=1)


LOSSES = {
    loss.name: loss
    for loss in (SquaredError(), Poisson(), BinaryCrossEntropy(), CategoricalCrossEntropy())
}
