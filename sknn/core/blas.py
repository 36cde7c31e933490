"""In-place vector updates through BLAS, for the passes over every parameter.

NumPy has no fused multiply-add: ``y += a * x`` costs two passes over memory
and a temporary the size of ``x``. BLAS's ``axpy`` does it in one pass and in
place, which matters for the optimizer steps and the L2 penalty: they run once
per minibatch over vectors of every parameter.
"""

import numpy as np
from scipy.linalg import blas

_AXPY = {np.dtype(np.float32): blas.saxpy, np.dtype(np.float64): blas.daxpy}


def axpy(a, x, y):
    """``y <- y + a x`` in place; ``y`` is a contiguous float32 or float64 vector.

    ``x`` may be of any layout (it is read only). SciPy's wrapper would silently
    update a copy of a ``y`` it cannot write to, so that is an error here.
    """
    if _AXPY[y.dtype](x, y, a=a) is not y:
        raise ValueError("axpy needs a contiguous vector y of its own dtype.")
    return y
