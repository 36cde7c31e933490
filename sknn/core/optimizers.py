"""Optimizers, sorted in order of increasing complexity.

Each one updates the flat parameter vector ``params`` in place from the flat
gradient ``grad`` in a handful of whole-vector NumPy calls, whatever the number
of layers. ``learning_rate`` is an attribute that the learning-rate schedule
(:mod:`sknn.core.schedules`) may change between epochs. Deciding when to stop
is never an optimizer's job: see :mod:`sknn.core.training`.

``weight_decay`` (AdamW) needs to know which entries are weights and which are
biases: ``decay_slice`` selects the weights in ``params``, as the network lays
them out.
"""

import math

import numpy as np


class SGD:
    """Stochastic gradient descent with (Nesterov) momentum, as scikit-learn's 'sgd'."""

    def __init__(self, n_params, dtype, learning_rate, momentum=0.9, nesterov=True):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocity = np.zeros(n_params, dtype=dtype)

    def step(self, params, grad):
        # v <- mu v - lr g
        self.velocity *= self.momentum
        self.velocity -= self.learning_rate * grad
        if self.nesterov:
            # p <- p + mu v - lr g: look ahead along the new velocity
            params += self.momentum * self.velocity
            params -= self.learning_rate * grad
        else:
            # p <- p + v
            params += self.velocity


class Adam:
    """Adam (Kingma & Ba, 2015), with the bias correction folded into the step size."""

    def __init__(
        self, n_params, dtype, learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-8
    ):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.first_moment = np.zeros(n_params, dtype=dtype)
        self.second_moment = np.zeros(n_params, dtype=dtype)
        self._scratch = np.zeros(n_params, dtype=dtype)

    def _moments(self, grad):
        # m <- b1 m + (1 - b1) g = b1 (m - g) + g, and likewise v with g^2: in place
        self.t += 1
        m, v, g2 = self.first_moment, self.second_moment, self._scratch
        m -= grad
        m *= self.beta_1
        m += grad
        np.multiply(grad, grad, out=g2)
        v -= g2
        v *= self.beta_2
        v += g2

    def _step_size(self):
        # lr_t = lr sqrt(1 - b2^t) / (1 - b1^t): the bias correction of m and v
        t = self.t
        return self.learning_rate * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)

    def step(self, params, grad):
        self._moments(grad)
        # p <- p - lr_t m / (sqrt(v) + eps)
        np.sqrt(self.second_moment, out=self._scratch)
        self._scratch += self.epsilon
        np.divide(self.first_moment, self._scratch, out=self._scratch)
        self._scratch *= self._step_size()
        params -= self._scratch


class RMSProp(Adam):
    """RMSProp: Adam without the first moment, so each step is ``lr g / sqrt(v)``.

    The running average of ``g^2`` decays with ``beta_2`` and is bias-corrected as
    in Adam, so the first steps are not inflated by an average that starts at 0.
    """

    def __init__(self, n_params, dtype, learning_rate, beta_2=0.999, epsilon=1e-8):
        super().__init__(n_params, dtype, learning_rate, 0.0, beta_2, epsilon)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    The decay shrinks the weights directly, ``p <- p - lr wd p``, instead of adding
    ``wd p`` to the gradient where Adam's scaling would weaken it for large-gradient
    weights. Biases are not decayed.
    """

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        weight_decay=0.0,
        decay_slice=slice(None),
    ):
        super().__init__(n_params, dtype, learning_rate, beta_1, beta_2, epsilon)
        self.weight_decay = weight_decay
        self.decay_slice = decay_slice

    def step(self, params, grad):
        params[self.decay_slice] *= 1 - self.learning_rate * self.weight_decay
        super().step(params, grad)


OPTIMIZERS = {"sgd": SGD, "rmsprop": RMSProp, "adam": Adam, "adamw": AdamW}
