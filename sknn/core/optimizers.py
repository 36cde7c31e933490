"""Optimizers, sorted in order of increasing complexity.

Each one updates the flat parameter vector ``params`` in place from the flat
gradient ``grad`` in a handful of whole-vector NumPy calls, whatever the number
of layers, without allocating. ``learning_rate`` is an attribute that the
learning-rate schedule (:mod:`sknn.core.schedules`) may change between epochs
or steps.
Deciding when to stop is never an optimizer's job: see :mod:`sknn.core.training`.

Every optimizer declares

- ``hyperparameters``: the settings it takes besides the learning rate; a
  training session passes exactly these, at the start and at every resume
  (:meth:`Optimizer.configure`);
- ``state``: what evolves while it trains; a checkpoint copies exactly this
  (:meth:`Optimizer.get_state`, :meth:`Optimizer.set_state`).

So a new optimizer is one class and one entry in ``OPTIMIZERS``.

``lr_factors``, when set (a vector laid out as ``params``, see
:func:`lr_factor_vector`), multiplies each parameter's step: a group of
parameters (the biases, say) then trains at its own rate, as RealMLP's
per-group learning-rate factors (Holzmüller et al., NeurIPS 2024). Left at
None, it costs nothing.

An update makes about ten passes over the vector. A step therefore runs them
chunk by chunk (``CHUNK`` parameters at a time): the few arrays of one chunk
stay in the CPU's cache across its passes, where whole vectors larger than the
cache would be streamed from memory at every pass (1.7x faster for 1.9 million
parameters). Each entry is updated by the same operations in the same order,
so the result is the same.

BLAS's one-pass ``y += a x`` (``axpy``) would save a few passes, but SciPy's
wheels bundle their own OpenBLAS, whose thread pool then fights NumPy's for the
cores: with two threads, fits ran 10-100x slower. Every product and update of
the training step therefore goes through NumPy.
"""

import math
from numbers import Real

import numpy as np

from . import compiled

# Parameters per chunk of a step: 256 KiB per float32 array, so the five arrays
# an Adam step touches (params, grad, two moments, scratch) fit a 2 MiB L2
# cache; smaller chunks pay more in NumPy calls than they save.
CHUNK = 1 << 16


class Optimizer:
    """Base class: the declared settings and state, and how to copy them.

    ``weights`` selects the entries of ``params`` that are weights rather than
    biases, for optimizers that treat the two differently (AdamW's decay).


    Examples
    --------
    What each optimizer takes from the caller, and what a checkpoint copies:

    >>> from sknn.core.optimizers import OPTIMIZERS
    >>> OPTIMIZERS["sgd"].hyperparameters, OPTIMIZERS["sgd"].state
    (('momentum', 'nesterov'), ('learning_rate', 'velocity'))
    """

    hyperparameters = ()
    state = ("learning_rate",)
    decays_weights = False  # True: alpha is a decoupled decay, not an L2 loss term
    _lr_factors = None
    _factors_from = 0  # the first entry whose factor is not 1

    def __init__(self, n_params, dtype, learning_rate, weights=slice(None)):
        self.learning_rate = learning_rate
        self.weights = weights
        # the weights come first in params (see network.py): they end here
        self._weights_end = weights.indices(n_params)[1]
        self._scratch = np.zeros(min(n_params, CHUNK), dtype=dtype)

    @property
    def lr_factors(self):
        """Per-parameter step multipliers, laid out as ``params``; None: all 1."""
        return self._lr_factors

    @lr_factors.setter
    def lr_factors(self, factors):
        self._lr_factors = factors
        # A step multiplies by the factors from the first that is not 1 on: the
        # leading 1s (those of the weights, usually all but a few percent of
        # params) are skipped, which changes no bit, x * 1 being x.
        self._factors_from = 0
        self._weights_factor = None  # the weights' factor when they share one
        if factors is not None:
            away = np.flatnonzero(factors != 1)
            self._factors_from = int(away[0]) if away.size else factors.size
            weights = factors[self.weights]
            if weights.size and (weights == weights[0]).all():
                self._weights_factor = weights[0]

    def configure(self, **settings):
        """Take new values of the declared hyper-parameters (a resumed session)."""
        for name in self.hyperparameters:
            setattr(self, name, settings[name])

    def get_state(self):
        """A copy of everything that evolves while training."""
        return {
            name: np.copy(value) if isinstance(value, np.ndarray) else value
            for name, value in ((name, getattr(self, name)) for name in self.state)
        }

    def set_state(self, state):
        for name, value in state.items():
            if isinstance(value, np.ndarray):
                getattr(self, name)[...] = value
            else:
                setattr(self, name, value)

    def step(self, params, grad, l2=0.0):
        """Update ``params`` in place from ``grad``, one cached chunk at a time.

        ``l2 > 0``: ``grad`` lacks the L2 penalty's gradient ``l2 W`` on the
        weights; the step adds it into ``grad`` chunk by chunk, which spares
        the caller a pass of its own over the vector. (Adam's compiled step
        adds it as it reads ``grad``, and leaves ``grad`` as it came.)
        """
        self._begin_step()
        if params.size <= CHUNK:  # one chunk: no views to make (small networks)
            self._update_chunk(params, grad, slice(None), self._scratch, l2, 0)
            return
        for start in range(0, params.size, CHUNK):
            chunk = slice(start, start + CHUNK)
            chunk_params = params[chunk]
            scratch = self._scratch[: chunk_params.size]
            self._update_chunk(chunk_params, grad[chunk], chunk, scratch, l2, start)

    def _update_chunk(self, params, grad, chunk, scratch, l2, start):
        if l2 and start < self._weights_end:
            # g <- g + l2 W, on the chunk's weights (its first n_weights - start)
            end = self._weights_end - start
            grad[:end] += np.multiply(params[:end], l2, out=scratch[:end])
        self._update(params, grad, chunk, scratch)

    def _begin_step(self):
        """The scalars of this step, computed once for all chunks."""

    def _update(self, params, grad, chunk, scratch):
        """Update the chunk ``chunk`` of the vector: ``params`` and ``grad`` are
        its views, the state's are ``state[chunk]``, and ``scratch`` is free."""
        raise NotImplementedError

    def _scale_step(self, step, chunk):
        # step_k <- lr_factor_k step_k: each group moves at its own rate
        if self._lr_factors is not None:
            skip = max(0, self._factors_from - (chunk.start or 0))  # factors of 1
            if skip < step.size:
                step[skip:] *= self._lr_factors[chunk][skip:]
        return step


class SGD(Optimizer):
    """Stochastic gradient descent with (Nesterov) momentum, as scikit-learn's 'sgd'.

    Examples
    --------
    One step down the loss ``||p||^2 / 2``, whose gradient is ``p`` itself:

    >>> import numpy as np
    >>> from sknn.core.optimizers import SGD
    >>> params = np.array([1.0, -2.0])
    >>> SGD(2, np.float64, learning_rate=0.1, momentum=0.0).step(params, params.copy())
    >>> params
    array([ 0.9, -1.8])
    """

    hyperparameters = ("momentum", "nesterov")
    state = ("learning_rate", "velocity")

    def __init__(
        self, n_params, dtype, learning_rate, momentum=0.9, nesterov=True, **layout
    ):
        super().__init__(n_params, dtype, learning_rate, **layout)
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocity = np.zeros(n_params, dtype=dtype)

    def _update(self, params, grad, chunk, scratch):
        velocity = self.velocity[chunk]
        # v <- mu v - lr g
        lr_grad = np.multiply(grad, self.learning_rate, out=scratch)
        self._scale_step(lr_grad, chunk)
        velocity *= self.momentum
        velocity -= lr_grad
        if self.nesterov:
            # p <- p + mu v - lr g: look ahead along the new velocity
            params -= lr_grad
            params += np.multiply(velocity, self.momentum, out=scratch)
        else:
            # p <- p + v
            params += velocity


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015).

    The moments are kept as decayed sums, ``grad_sum = m / (1 - b1)`` and
    ``squared_grad_sum = v / (1 - b2)``: each then updates in two passes over
    the vector instead of three, and their constant factors fold, with the bias
    correction, into the step size and epsilon.


    Examples
    --------
    The first step moves every parameter by about the learning rate, whatever
    the size of its gradient:

    >>> import numpy as np
    >>> from sknn.core.optimizers import Adam
    >>> params = np.array([1.0, -100.0])
    >>> Adam(2, np.float64, learning_rate=0.1).step(params, params.copy())
    >>> params.round(6)
    array([  0.9, -99.9])
    """

    hyperparameters = ("beta_1", "beta_2", "epsilon")
    state = ("learning_rate", "t", "grad_sum", "squared_grad_sum")

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        **layout,
    ):
        super().__init__(n_params, dtype, learning_rate, **layout)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.t = 0
        self.grad_sum = np.zeros(n_params, dtype=dtype)
        self.squared_grad_sum = np.zeros(n_params, dtype=dtype)

    def configure(self, **settings):
        # the sums hold m / (1 - b1) and v / (1 - b2): rescale them so that the
        # moments m and v themselves carry over when a beta changes
        old_beta_1, old_beta_2 = self.beta_1, self.beta_2
        super().configure(**settings)
        # Python floats, which NumPy rounds to the vectors' dtype as the
        # compiled step does; a NumPy float64 would make it compute in float64
        for name in ("beta_1", "beta_2", "epsilon"):
            setattr(self, name, float(getattr(self, name)))
        if self.grad_sum is not None and self.beta_1 != old_beta_1:
            self.grad_sum *= (1 - old_beta_1) / (1 - self.beta_1)
        if self.beta_2 != old_beta_2:
            self.squared_grad_sum *= (1 - old_beta_2) / (1 - self.beta_2)

    def _update_grad_sum(self, grad, chunk):
        # m_sum <- b1 m_sum + g, so that m = (1 - b1) m_sum
        grad_sum = self.grad_sum[chunk]
        grad_sum *= self.beta_1
        grad_sum += grad
        return grad_sum

    def _update_squared_grad_sum(self, grad, chunk, scratch):
        # v_sum <- b2 v_sum + g^2, so that v = (1 - b2) v_sum
        squared_grad_sum = self.squared_grad_sum[chunk]
        squared_grad_sum *= self.beta_2
        squared_grad_sum += np.multiply(grad, grad, out=scratch)
        return squared_grad_sum

    def _begin_step(self):
        self.t += 1
        # lr_t = lr sqrt(1 - b2^t) / (1 - b1^t) corrects the bias of m and v
        t, b1, b2 = self.t, self.beta_1, self.beta_2
        lr_t = float(self.learning_rate) * math.sqrt(1 - b2**t) / (1 - b1**t)
        # p <- p - lr_t m / (sqrt(v) + eps)
        #    = p - lr_t (1 - b1) / r * m_sum / (sqrt(v_sum) + eps / r), r = sqrt(1 - b2)
        root = math.sqrt(1 - b2)
        self._shifted_epsilon = self.epsilon / root
        self._step_size = lr_t * (1 - b1) / root

    def step(self, params, grad, l2=0.0):
        # the compiled step, where numba is installed and the vector is long
        # enough, gives the same bits in one pass (sknn.core.compiled);
        # RMSProp, which has no grad_sum, keeps the NumPy step
        large = params.size > compiled.MIN_SIZE and self.grad_sum is not None
        fused = compiled.adam_step() if large else None
        if fused is None:
            super().step(params, grad, float(l2))
            return
        self._begin_step()
        fused(
            (params, grad, self.grad_sum, self.squared_grad_sum),
            float(l2),
            self._weights_end,
            self._lr_factors,
            self._factors_from,
            (self.beta_1, self.beta_2, self._shifted_epsilon, self._step_size),
        )

    def _update(self, params, grad, chunk, scratch):
        m_sum = self._update_grad_sum(grad, chunk)
        v_sum = self._update_squared_grad_sum(grad, chunk, scratch)
        step = np.sqrt(v_sum, out=scratch)
        step += self._shifted_epsilon
        np.divide(m_sum, step, out=step)
        step *= self._step_size
        params -= self._scale_step(step, chunk)


class RMSProp(Adam):
    """RMSProp: Adam without the first moment, so each step is ``lr g / sqrt(v)``.

    The running average of ``g^2`` decays with ``beta_2`` and is bias-corrected as
    in Adam, so the first steps are not inflated by an average that starts at 0.


    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.optimizers import RMSProp
    >>> params = np.array([1.0, -100.0])
    >>> RMSProp(2, np.float64, learning_rate=0.1).step(params, params.copy())
    >>> params.round(6)
    array([  0.9, -99.9])
    """

    hyperparameters = ("beta_2", "epsilon")
    state = ("learning_rate", "t", "squared_grad_sum")

    def __init__(
        self, n_params, dtype, learning_rate, beta_2=0.999, epsilon=1e-8, **layout
    ):
        super().__init__(n_params, dtype, learning_rate, 0.0, beta_2, epsilon, **layout)
        self.grad_sum = None  # the gradient stands in for it

    def _update_grad_sum(self, grad, chunk):
        # beta_1 = 0: the decayed sum of gradients is the gradient itself
        return grad


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    The decay shrinks the weights directly, ``p <- p - lr wd p``, instead of adding
    ``wd p`` to the gradient where Adam's scaling would weaken it for large-gradient
    weights. Biases are not decayed.


    Examples
    --------
    With a zero gradient, only the decay acts, and only on the weights that
    ``weights`` selects (here the first entry; the second is a bias):

    >>> import numpy as np
    >>> from sknn.core.optimizers import AdamW
    >>> params = np.array([1.0, 1.0])
    >>> adamw = AdamW(2, np.float64, 0.1, weight_decay=0.5, weights=slice(0, 1))
    >>> adamw.step(params, np.zeros(2))
    >>> params  # the weight shrank by learning_rate * weight_decay
    array([0.95, 1.  ])
    """

    hyperparameters = (*Adam.hyperparameters, "weight_decay")
    decays_weights = True

    def __init__(self, n_params, dtype, learning_rate, *args, weight_decay=0.0, **kw):
        super().__init__(n_params, dtype, learning_rate, *args, **kw)
        self.weight_decay = weight_decay

    def step(self, params, grad, l2=0.0):
        decay = self.learning_rate * self.weight_decay
        if not decay:
            pass  # a factor of 1: no pass over the weights
        elif self.lr_factors is None:
            params[self.weights] *= 1 - decay
        elif self._weights_factor is not None:
            # one factor f for all weights: the scalar 1 - lr f wd, computed in
            # the parameters' precision as the vector's entries would be
            one = params.dtype.type
            params[self.weights] *= one(1) - one(decay) * self._weights_factor
        else:  # the decay follows each weight's own rate: w <- w (1 - lr f_k wd)
            params[self.weights] *= 1 - decay * self.lr_factors[self.weights]
        super().step(params, grad, l2)


def lr_factor_vector(groups, lr_factors, n_params, dtype):
    """Per-parameter step multipliers from ``{group name: factor}``; None if none.

    ``groups`` maps each group's name to its slice of ``params`` (see
    ``Network.groups`` in :mod:`sknn.core.network`); parameters of groups not named
    keep a factor of 1. A factor of 0 freezes its group.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.optimizers import lr_factor_vector
    >>> groups = {"weights": slice(0, 3), "biases": slice(3, 4)}
    >>> lr_factor_vector(groups, {"biases": 0.1}, 4, np.float64)
    array([1. , 1. , 1. , 0.1])
    >>> lr_factor_vector(groups, None, 4, np.float64) is None
    True
    """
    if not lr_factors:
        return None
    unknown = sorted(str(name) for name in set(lr_factors) - set(groups))
    if unknown:
        raise ValueError(
            f"lr_factors names unknown parameter group(s) {unknown}; this "
            f"network's groups are {list(groups)} (a group beyond 'weights' and "
            "'biases' exists only while its feature is on)."
        )
    factors = np.ones(n_params, dtype=dtype)
    for name, factor in lr_factors.items():
        if isinstance(factor, bool) or not isinstance(factor, Real):
            raise ValueError(f"lr_factors[{name!r}] must be a number, got {factor!r}.")
        if not (math.isfinite(factor) and factor >= 0):
            raise ValueError(
                f"lr_factors[{name!r}] must be a finite number >= 0 (0 freezes "
                f"the group), got {factor!r}."
            )
        factors[groups[name]] = factor
    return factors


OPTIMIZERS = {"sgd": SGD, "rmsprop": RMSProp, "adam": Adam, "adamw": AdamW}


def make_optimizer(name, n_params, dtype, learning_rate, weights, settings):
    """The optimizer ``name``, given the hyper-parameters it declares from ``settings``.

    ``settings`` may hold more names than the optimizer takes (every solver's
    settings, as an estimator has them): each optimizer picks its own.


    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.optimizers import make_optimizer
    >>> every_solver = dict(momentum=0.5, nesterov=False, beta_1=0.9, beta_2=0.999,
    ...                     epsilon=1e-8, weight_decay=0.0)
    >>> sgd = make_optimizer("sgd", 3, np.float64, 0.1, slice(0, 2), every_solver)
    >>> sgd.momentum, sgd.nesterov
    (0.5, False)
    """
    cls = OPTIMIZERS[name]
    taken = {key: settings[key] for key in cls.hyperparameters}
    return cls(n_params, dtype, learning_rate, weights=weights, **taken)
