"""How trained weights become the weights a layer multiplies by.

In the standard parametrization they are the same. In the NTK parametrization
(Jacot et al., "Neural Tangent Kernel", NeurIPS 2018; the default of RealMLP,
Holzmüller et al., NeurIPS 2024) layer ``i`` computes

    Z_i = A_{i-1} W_i / sqrt(fan_in_i) + b_i

with trained weights ``W_i`` of order 1 (drawn from N(0, 1)), so that an
optimizer step of a given size changes every layer's output by about the same
amount whatever its width. The *effective* weights ``W_i / sqrt(fan_in_i)`` are
what a layer multiplies by: what a fitted model publishes, predicts and
exports with. The network folds the factor into its products (see
:mod:`sknn.core.network`); this module holds the factors and the mapping
between the two kinds of weights.
"""

import numpy as np

PARAMETRIZATIONS = ("standard", "ntk")


def layer_scales(parametrization, shapes):
    """The factor ``1 / sqrt(fan_in)`` of each layer under NTK; None if standard.

    Examples
    --------
    >>> from sknn.core.parametrization import layer_scales
    >>> layer_scales("ntk", [(4, 3), (3, 1)])
    [0.5, 0.5773502691896258]
    >>> layer_scales("standard", [(4, 3), (3, 1)]) is None
    True
    """
    if parametrization not in PARAMETRIZATIONS:
        raise ValueError(
            f"Unknown parametrization {parametrization!r}; choose from "
            f"{list(PARAMETRIZATIONS)}."
        )
    if parametrization == "standard":
        return None
    return [1.0 / float(np.sqrt(fan_in)) for fan_in, _ in shapes]


def effective_weight(W, scale):
    """``W * scale``: the weights a layer with trained weights ``W`` multiplies by.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.parametrization import effective_weight
    >>> effective_weight(np.array([[2.0], [4.0]]), 0.5)
    array([[1.],
           [2.]])
    """
    return W * scale


def trained_weight(effective, scale, previous=None):
    """The trained weights whose effective weights are ``effective``.

    ``effective / scale``, unless ``previous`` (the trained weights a fit
    published ``effective`` from) still gives ``effective`` exactly: then
    ``previous`` itself, so that resuming continues bit for bit, where the
    round trip through the division could differ in the last digit.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.parametrization import effective_weight, trained_weight
    >>> W = np.array([[0.1], [0.7]])
    >>> published = effective_weight(W, 1 / np.sqrt(3))
    >>> trained_weight(published, 1 / np.sqrt(3), previous=W) is W
    True
    >>> trained_weight(2 * published, 1 / np.sqrt(3)).round(6)  # edited: mapped
    array([[0.2],
           [1.4]])
    """
    if (
        previous is not None
        and previous.shape == effective.shape
        and previous.dtype == effective.dtype
        and np.array_equal(effective_weight(previous, scale), effective)
    ):
        return previous
    return effective / scale


def ntk_normal(rng, fan_in, fan_out, activation):
    """NTK's initial weights: trained ones from N(0, 1), zero biases, as RealMLP.

    Like every initializer it returns *effective* weights, here of variance
    ``1 / fan_in`` (LeCun normal): divided by ``1 / sqrt(fan_in)``, the trained
    weights have variance 1.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.parametrization import ntk_normal
    >>> W, b = ntk_normal(np.random.default_rng(0), 400, 300, "relu")
    >>> round(float((W * np.sqrt(400)).std()), 2), float(np.abs(b).max())
    (1.0, 0.0)
    """
    # W_eff ~ N(0, 1 / fan_in), i.e. W ~ N(0, 1); b = 0
    W = rng.standard_normal((fan_in, fan_out))
    W /= np.sqrt(fan_in)
    return W, np.zeros(fan_out)
