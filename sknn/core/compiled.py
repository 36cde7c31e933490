"""Two of the training step's memory-bound loops compiled, where numba is installed.

NumPy runs one operation at a time over whole arrays. Where a loop makes
several of them over a long array, numba compiles it into one pass:

- **Adam's step** (:class:`sknn.core.optimizers.Adam`) makes about ten passes
  over the parameter vector. On a network of 235,000 parameters
  (784-256-128-10, batches of 200) they take about a fifth of the training
  step; the loop below reads each entry of the four vectors (parameters,
  gradient, two moment sums) once and writes three of them once, about three
  times faster. It computes

      g <- g + l2 W                       (weights only, when l2 > 0)
      m_sum <- b1 m_sum + g
      v_sum <- b2 v_sum + g^2
      p <- p - step_size f m_sum / (sqrt(v_sum) + eps')

  with ``f`` the learning-rate factors and ``step_size``, ``eps'`` from
  :meth:`Adam._begin_step <sknn.core.optimizers.Adam>`.
- **Gathering a minibatch** of float64 rows into the network's float32
  (:meth:`sknn.core.network.Workspace.gather`) takes NumPy two passes, a
  gather in float64 and a conversion; the loop converts each row as it copies
  it.

Each loop performs NumPy's operations in the same order and precision (Adam's
scalars rounded to the parameters' dtype as NumPy rounds Python floats), so it
gives the same bits (``tests/test_compiled.py``): numba changes the speed of a
fit, never its result.

A loop is compiled when numba is importable (``pip install "sknn[fast]"``),
the environment variable ``SKNN_COMPILED`` is not ``0``, and it runs over more
than ``MIN_SIZE`` values: shorter ones, a small network's, do not repay
numba's import, about 0.4 s per process. Compiled loops are cached on disk, so
only a machine's first fit compiles them.
"""

import functools
import os

import numpy as np

# Values a loop must run over to be compiled (Adam: parameters; a gather: the
# batch's entries)
MIN_SIZE = 1 << 16


def adam_step():
    """The compiled Adam step, or None where numba is missing or switched off.

    :class:`~sknn.core.optimizers.Adam` calls it in place of its chunked NumPy
    passes, with its vectors, its layout and this step's scalars (see
    ``Adam.step``).

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
    return _compiled()[0] if _switched_on() else None


def gather_rows():
    """The compiled ``out[k] = X[rows[k]]`` for C-contiguous 2-d ``X`` and
    ``out`` of any float dtypes, or None where numba is missing or switched off.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core import compiled
    >>> def numpy_gather(X, rows, out):  # what it computes
    ...     out[...] = X[rows]
    >>> gather = compiled.gather_rows() or numpy_gather
    >>> out = np.empty((2, 3), np.float32)
    >>> gather(np.arange(12.0).reshape(4, 3), np.array([3, 0]), out)
    >>> out
    array([[ 9., 10., 11.],
           [ 0.,  1.,  2.]], dtype=float32)
    """
    return _compiled()[1] if _switched_on() else None


def _switched_on():
    return os.environ.get("SKNN_COMPILED", "1") != "0"


@functools.cache
def _compiled():
    try:
        import numba
    except ImportError:
        return None, None
    # error_model="numpy": a division by 0 gives inf as in NumPy, without the
    # branch that raising ZeroDivisionError would put in the loop
    jit = numba.njit(nogil=True, cache=True, error_model="numpy")
    return functools.partial(_adam_step, jit(_adam_loop)), jit(_gather_loop)


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


def _adam_step(loop, vectors, l2, weights_end, factors, factors_from, scalars):
    """One Adam step over ``vectors`` (params, grad, grad_sum, squared_grad_sum);
    ``grad`` is left as it came. The L2 term applies to the first
    ``weights_end`` entries, the ``factors`` (or None) from ``factors_from`` on;
    ``scalars`` are b1, b2, eps' and the step size."""
    params = vectors[0]
    one, n = params.dtype.type, params.size
    scalars = [one(scalar) for scalar in scalars]
    l2_end = weights_end if l2 else 0
    factors_from = n if factors is None else factors_from
    # the vector in runs over which the L2 term and the factors apply or not
    cuts = sorted({0, l2_end, factors_from, n})
    for start, stop in zip(cuts, cuts[1:]):
        run = slice(start, stop)
        loop(
            *(vector[run] for vector in vectors),
            one(l2) if start < l2_end else None,
            factors[run] if start >= factors_from else None,
            *scalars,
        )


def _gather_loop(X, rows, out):
    # rows of X converted to out's dtype as they are copied; each inner loop
    # runs from 0 over a row's view, so that LLVM vectorizes it
    for k in range(rows.size):
        source, target = X[rows[k]], out[k]
        for j in range(source.size):
            target[j] = source[j]
