"""Losses, each paired with the output activation that makes its gradient simple.

Every loss here is the negative log-likelihood of an exponential-family
distribution, paired with its canonical link. For such a pair the gradient of
the loss with respect to the output pre-activation ``Z`` collapses to
``dL/dZ = A - Y`` (``A`` the output activation): the softmax Jacobian and the
cross-entropy's ``1/A`` cancel, and likewise for logistic, exp and identity.
So no loss needs the derivative of its output activation, and ``delta`` is
shared by all of them.

``pointwise(Y, A)`` gives the loss of each sample and output; ``mean`` sums it
over outputs and averages it over samples, with sample weights if any: the
objective whose gradient ``delta`` gives. ``reported`` is the loss as
scikit-learn's MLP reports it (the squared error averaged over outputs too). The
cross-entropies take targets in [0, 1]: one-hot or indicator rows, or soft
ones such as label smoothing makes (each softmax row summing to 1, which keeps
``delta = A - Y`` its gradient); for 0/1 targets they compute exactly what the
0/1 formula ``-log(probability of the truth)`` would.
"""

import numpy as np


class Loss:
    """A loss paired with its output activation; all share ``delta = A - Y``.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.losses import LOSSES
    >>> loss = LOSSES["squared_error"]
    >>> Y, A = np.array([[1.0], [2.0]]), np.array([[1.5], [2.0]])
    >>> loss.mean(Y, A)  # (0.5 * 0.5**2 + 0) / 2 samples
    0.0625
    >>> loss.delta(Y, A, out=np.empty_like(A))
    array([[0.5],
           [0. ]])
    """

    name = ""
    output_activation = ""

    def pointwise(self, Y, A):
        raise NotImplementedError

    def mean(self, Y, A, sample_weight=None):
        """``sum_n s_n sum_k L_nk / sum_n s_n``; ``s_n = 1`` without sample weights."""
        losses = self.pointwise(Y, A)
        if sample_weight is None:
            return float(losses.sum()) / losses.shape[0]
        return float(sample_weight @ losses.sum(axis=1)) / float(sample_weight.sum())

    def reported(self, Y, A, sample_weight=None):
        """The loss as scikit-learn's MLP reports it: ``mean`` but for the
        squared error, which it averages over outputs too."""
        return self.mean(Y, A, sample_weight)

    def delta(self, Y, A, out):
        # dL/dZ = A - Y for every canonical (loss, output activation) pair
        return np.subtract(A, Y, out=out)

    def for_targets(self, Y):
        """This loss, or one giving the same bits more cheaply for targets ``Y``
        (a training session asks once an epoch, for all its batches)."""
        return self


_EPSILON = {np.dtype(t): np.finfo(t).eps for t in (np.float32, np.float64)}


def _negative_log(probabilities):
    # -log(p), with p floored at eps: one confident mistake costs -log(eps), not inf
    np.maximum(probabilities, _EPSILON[probabilities.dtype], out=probabilities)
    np.log(probabilities, out=probabilities)
    # 0 - log p rather than -log p: a certain prediction (p = 1) loses +0, as
    # in the cross-entropies' sums, rather than -0
    return np.subtract(0.0, probabilities, out=probabilities)


class SquaredError(Loss):
    """Half the squared error, reported as scikit-learn's MLP reports it.

    scikit-learn reports it averaged over outputs as well as samples, while its
    gradient (``delta = A - Y``) is that of the sum over outputs, ``mean``.
    Both are kept, so ``loss_`` and the ``tol`` stopping rule are on
    scikit-learn's scale and every parameter update equals scikit-learn's.


    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.losses import SquaredError
    >>> Y, A = np.array([[1.0, 0.0]]), np.array([[3.0, 0.0]])
    >>> SquaredError().mean(Y, A), SquaredError().reported(Y, A)
    (2.0, 1.0)
    """

    name = "squared_error"
    output_activation = "identity"

    def reported(self, Y, A, sample_weight=None):
        return self.mean(Y, A, sample_weight) / Y.shape[1]

    def pointwise(self, Y, A):
        # L = 1/2 (a - y)^2
        residual = np.subtract(A, Y)
        residual *= residual
        residual *= 0.5
        return residual


class Poisson(Loss):
    """Half Poisson deviance; ``y log(y / a)`` is taken as 0 where ``y == 0``.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.losses import Poisson
    >>> Poisson().pointwise(np.array([[0.0, 2.0]]), np.array([[1.0, 2.0]]))
    array([[1., 0.]])
    """

    name = "poisson"
    output_activation = "exp"

    def pointwise(self, Y, A):
        # L = y log(y / a) - y + a
        with np.errstate(divide="ignore", invalid="ignore"):
            y_log_y_over_a = np.where(Y > 0, Y * np.log(Y / A), 0.0)
        return y_log_y_over_a - Y + A


def _hard_target_loss(A, target):
    # -log(1 - |a - t|): minus the log of the probability given to the truth t
    probability_of_truth = np.subtract(A, target)
    np.abs(probability_of_truth, out=probability_of_truth)
    np.subtract(1.0, probability_of_truth, out=probability_of_truth)
    return _negative_log(probability_of_truth)


class BinaryCrossEntropy(Loss):
    """One independent logistic output per column: binary and multilabel problems.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.losses import BinaryCrossEntropy
    >>> Y, A = np.array([[1.0, 0.0]]), np.array([[0.5, 0.1]])
    >>> BinaryCrossEntropy().pointwise(Y, A).round(3)  # -log 0.5, -log 0.9
    array([[0.693, 0.105]])
    >>> soft = np.array([[0.9, 0.1]])  # -(0.9 log 0.5 + 0.1 log 0.5), ...
    >>> BinaryCrossEntropy().pointwise(soft, A).round(3)
    array([[0.693, 0.325]])
    """

    name = "binary_cross_entropy"
    output_activation = "logistic"

    def pointwise(self, Y, A):
        # L = -y log a - (1 - y) log(1 - a) = y L(1) + (1 - y) L(0), where
        # L(t) = -log(1 - |a - t|) is the loss of a hard target t; for y in {0, 1}
        # the other term is exactly 0 (L(t) is finite: -log floors at eps)
        return Y * _hard_target_loss(A, 1.0) + (1.0 - Y) * _hard_target_loss(A, 0.0)

    def for_targets(self, Y):
        # 0/1 targets (no label smoothing): L(y) itself, six NumPy calls where
        # the mixture above makes sixteen, a fifth of a small network's step
        hard = bool(((Y == 0) | (Y == 1)).all())
        return _ZERO_ONE_BINARY_CROSS_ENTROPY if hard else self


class _ZeroOneBinaryCrossEntropy(BinaryCrossEntropy):
    """The binary cross-entropy of 0/1 targets: ``L = L(y)``, which is
    ``y L(1) + (1 - y) L(0)`` to the bit when ``Y`` has ``A``'s dtype."""

    def pointwise(self, Y, A):
        return _hard_target_loss(A, Y)


_ZERO_ONE_BINARY_CROSS_ENTROPY = _ZeroOneBinaryCrossEntropy()


class CategoricalCrossEntropy(Loss):
    """Softmax over the columns: one class per sample.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.losses import CategoricalCrossEntropy
    >>> Y, A = np.array([[0.0, 1.0, 0.0]]), np.array([[0.2, 0.5, 0.3]])
    >>> CategoricalCrossEntropy().pointwise(Y, A).round(3)  # -log 0.5
    array([[0.693]])
    >>> soft = np.array([[0.1, 0.8, 0.1]])  # -(0.1 log 0.2 + 0.8 log 0.5 + ...)
    >>> CategoricalCrossEntropy().pointwise(soft, A).round(3)
    array([[0.836]])
    """

    name = "categorical_cross_entropy"
    output_activation = "softmax"

    def pointwise(self, Y, A):
        # L = -sum_k y_k log a_k, one column per sample; for a one-hot y every
        # other term is exactly 0 (-log floors at eps), so L = -log a_true
        return np.einsum("ij,ij->i", Y, _negative_log(np.array(A)))[:, None]


LOSSES = {
    loss.name: loss
    for loss in (
        SquaredError(),
        Poisson(),
        BinaryCrossEntropy(),
        CategoricalCrossEntropy(),
    )
}
