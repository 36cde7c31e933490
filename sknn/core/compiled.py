"""Adam's step as one compiled loop, used when numba is installed.

The NumPy step (:class:`sknn.core.optimizers.Adam`) makes about ten passes over
the parameter vector, one per operation. On a network of 235,000 parameters
(784-256-128-10, batches of 200) they take about a fifth of the training
step; the loop below reads each entry of the four vectors (parameters,
gradient, two moment sums) once and writes three of them once, about three
times faster.

It performs the NumPy step's operations in the same order and precision, the
scalars rounded to the parameters' dtype as NumPy rounds Python floats, so it
gives the same bits (``tests/test_compiled.py``): numba changes the speed of a
fit, never its result. The loop also reads as the formulas it computes:

    g <- g + l2 W                       (weights only, when l2 > 0)
    m_sum <- b1 m_sum + g
    v_sum <- b2 v_sum + g^2
    p <- p - step_size f m_sum / (sqrt(v_sum) + eps')

with ``f`` the learning-rate factors and ``step_size``, ``eps'`` from
:meth:`Adam._begin_step <sknn.core.optimizers.Adam>`.

The compiled step is used when numba is importable (``pip install
"sknn[fast]"``), the vector is larger than one of the NumPy step's cached
chunks (smaller networks do not repay numba's import, about 0.4 s per
process), and the environment variable ``SKNN_COMPILED`` is not ``0``.
Compiled loops are cached on disk, so only a machine's first fit compiles them.
"""

import functools
import os

import numpy as np


def adam_step():
    """The compiled Adam step, or None where numba is missing or switched off.

    :class:`~sknn.core.optimizers.Adam` calls it as ``step(adam, params, grad,
    l2)``, after ``adam._begin_step()``, in place of its chunked NumPy passes.

    Examples
    --------
    Switched off, Adam keeps its NumPy step:

    >>> import os
    >>> from unittest import mock
    >>> from sknn.core import compiled
    >>> with mock.patch.dict(os.environ, SKNN_COMPILED="0"):
    ...     print(compiled.adam_step())
    None
    """
    if os.environ.get("SKNN_COMPILED", "1") == "0":
        return None
    return _compiled_adam_step()


@functools.cache
def _compiled_adam_step():
    try:
        import numba
    except ImportError:
        return None
    # error_model="numpy": a division by 0 gives inf as in NumPy, without the
    # branch that raising ZeroDivisionError would put in the loop
    loop = numba.njit(nogil=True, cache=True, error_model="numpy")(_adam_loop)
    return functools.partial(_adam_step, loop)


def _adam_loop(
    params, grad, grad_sum, squared_grad_sum, l2, factors, b1, b2, eps, step_size
):
    # l2 and factors are None or not for a whole call: numba compiles one loop
    # for each case, without the branches that do not apply. The loop runs
    # from 0 over views, so that no index can be negative: numba's check for
    # negative indices would stop LLVM from vectorizing it.
    for i in range(params.size):
        g = grad[i]
        if l2 is not None:
            g += params[i] * l2
        m = grad_sum[i] * b1 + g
        v = squared_grad_sum[i] * b2 + g * g
        grad_sum[i] = m
        squared_grad_sum[i] = v
        step = m / (np.sqrt(v) + eps) * step_size
        if factors is not None:
            step *= factors[i]
        params[i] -= step


def _adam_step(loop, optimizer, params, grad, l2):
    """One Adam step of ``optimizer`` (its scalars set by ``_begin_step``) on
    ``params``; ``grad`` is left as it came."""
    one = params.dtype.type
    n = params.size
    l2_end = optimizer._weights_end if l2 else 0
    factors = optimizer.lr_factors
    factors_from = n if factors is None else optimizer._factors_from
    scalars = (
        one(optimizer.beta_1),
        one(optimizer.beta_2),
        one(optimizer._shifted_epsilon),
        one(optimizer._step_size),
    )
    # the vector in runs over which the L2 term and the factors apply or not
    cuts = sorted({0, l2_end, factors_from, n})
    for start, stop in zip(cuts, cuts[1:]):
        run = slice(start, stop)
        loop(
            params[run],
            grad[run],
            optimizer.grad_sum[run],
            optimizer.squared_grad_sum[run],
            one(l2) if start < l2_end else None,
            factors[run] if start >= factors_from else None,
            *scalars,
        )
