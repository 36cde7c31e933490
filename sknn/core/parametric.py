"""Parametric activations: each hidden unit learns how far from linear it is.

Unit ``j`` of a layer with activation ``f`` computes (RealMLP's parametric
activations, Holzmüller et al., NeurIPS 2024)

    g(z) = z + a_j (f(z) - z)

with ``a_j`` trained along with the weights, starting at 1 (``g = f``): at
``a_j = 0`` the unit is linear. Backward, for ``dG = dL/dg``:

    dL/dz   = dG g'(z) = dG (1 + a (f'(z) - 1))
    dL/da_j = sum over rows of dG (f(z) - z)

The parameters ``a`` of all hidden layers live in ``Network.params`` after the
biases (the "activations" group of ``Network.groups``).
"""

import numpy as np


class ParametricActivation:
    """Activation ``f`` mixed with the identity by per-unit weights ``a``.

    Parameters
    ----------
    activation : Activation
        The layer's activation ``f``, from ``HIDDEN_ACTIVATIONS``.
    a : ndarray of shape (n_units,)
        The units' weights; a view into the network's parameters while
        training, so the optimizer's steps show at once.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.activations import HIDDEN_ACTIVATIONS
    >>> from sknn.core.parametric import ParametricActivation
    >>> relu = ParametricActivation(HIDDEN_ACTIVATIONS["relu"], np.array([1.0, 0.5]))
    >>> relu.forward(np.array([[-2.0, -2.0], [3.0, 3.0]]))  # a = 0.5: -2 + 0.5 * 2
    array([[ 0., -1.],
           [ 3.,  3.]])
    """

    def __init__(self, activation, a):
        self.activation = activation
        self.a = a
        self.name = activation.name

    def forward(self, Z, out=None):
        """``g(Z)``, written into ``out`` when given (which may be ``Z``)."""
        # g(z) = z + a (f(z) - z), f(z) in a new array so that out may be Z
        mixed = self.activation.forward(Z)
        mixed -= Z
        mixed *= self.a
        return np.add(Z, mixed, out=mixed if out is None else out)

    def forward_keeping(self, Z, F, slope, out):
        """``g(Z)`` into ``out``, keeping for :meth:`backward` ``f(Z) - Z`` in
        ``F`` and ``g'(Z)`` in ``slope``, so that backward needs neither ``Z``
        nor a second evaluation of ``f``."""
        self.activation.residual_and_slope(Z, F, slope)
        # g'(z) = 1 + a (f'(z) - 1)
        slope *= self.a
        slope += 1.0
        # g(z) = z + a (f(z) - z)
        np.multiply(F, self.a, out=out)
        out += Z
        return out

    def backward(self, F, slope, dG, grad_a, ones):
        """Turn ``dG`` into ``dL/dz`` in place and write ``dL/da`` into ``grad_a``.

        ``F`` and ``slope`` are what :meth:`forward_keeping` kept (``F`` is
        overwritten); ``ones`` is a vector of ones, one per row.
        """
        # dL/da_j = sum_n dG (f(z) - z): a BLAS product, as for the biases
        F *= dG
        np.dot(ones, F, out=grad_a)
        # dL/dz = dG g'(z)
        dG *= slope
        return dG


def hidden_unit_views(flat, start, widths):
    """One view of ``flat`` per hidden layer, ``widths[i]`` entries each, from
    ``start`` on: the layout of the "activations" group.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.parametric import hidden_unit_views
    >>> [v.tolist() for v in hidden_unit_views(np.arange(6.0), 1, [3, 2])]
    [[1.0, 2.0, 3.0], [4.0, 5.0]]
    """
    views = []
    for width in widths:
        views.append(flat[start : start + width])
        start += width
    return views
