"""Weight initializers: how the first weights are drawn for a dense layer.

Each takes ``(rng, fan_in, fan_out, activation)`` and returns ``(W, b)`` in
float64; the network casts them to its dtype. The scale keeps the variance of
activations roughly constant from layer to layer, so deep networks neither
saturate nor die at the start.
"""

import numpy as np


def auto(rng, fan_in, fan_out, activation):
    """Glorot uniform as scikit-learn's MLP draws it, biases included.

    ``bound = sqrt(6 / (fan_in + fan_out))``, with gain ``sqrt(2/6)`` for the
    logistic function, whose slope at 0 is a quarter of tanh's. Every other
    activation, sknn's own included, gets the tanh bound, as scikit-learn gives
    it to ReLU; so 'auto' draws what scikit-learn would, even for 'selu',
    whose paper recommends LeCun normal weights (variance ``1 / fan_in``).

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.initializers import auto
    >>> W, b = auto(np.random.default_rng(0), 100, 50, "relu")
    >>> W.shape, b.shape
    ((100, 50), (50,))
    >>> bool(np.abs(W).max() <= np.sqrt(6 / 150) and np.abs(b).max() > 0)
    True
    """
    factor = 2.0 if activation == "logistic" else 6.0
    bound = np.sqrt(factor / (fan_in + fan_out))
    W = rng.uniform(-bound, bound, (fan_in, fan_out))
    b = rng.uniform(-bound, bound, fan_out)
    return W, b


def xavier_uniform(rng, fan_in, fan_out, activation):
    """Glorot uniform weights, of variance ``2 / (fan_in + fan_out)``; zero biases.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.initializers import xavier_uniform
    >>> W, b = xavier_uniform(np.random.default_rng(0), 100, 50, "tanh")
    >>> round(float(W.var() * (100 + 50) / 2), 1), float(np.abs(b).max())
    (1.0, 0.0)
    """
    # W ~ U(-sqrt(6 / (fan_in + fan_out)), +sqrt(6 / (fan_in + fan_out))), b = 0
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, (fan_in, fan_out)), np.zeros(fan_out)


def xavier_normal(rng, fan_in, fan_out, activation):
    """Glorot normal weights, of variance ``2 / (fan_in + fan_out)``; zero biases.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.initializers import xavier_normal
    >>> W, b = xavier_normal(np.random.default_rng(0), 100, 50, "tanh")
    >>> round(float(W.var() * (100 + 50) / 2), 1), float(np.abs(b).max())
    (1.0, 0.0)
    """
    # W ~ N(0, 2 / (fan_in + fan_out)), b = 0
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return rng.normal(0.0, std, (fan_in, fan_out)), np.zeros(fan_out)


def he_uniform(rng, fan_in, fan_out, activation):
    """He uniform weights, of variance ``2 / fan_in``, for the ReLU family; zero biases.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.initializers import he_uniform
    >>> W, b = he_uniform(np.random.default_rng(0), 100, 50, "relu")
    >>> round(float(W.var() * 100 / 2), 1), float(np.abs(b).max())
    (1.0, 0.0)
    """
    # W ~ U(-sqrt(6 / fan_in), +sqrt(6 / fan_in)), b = 0: ReLU halves the variance
    bound = np.sqrt(6.0 / fan_in)
    return rng.uniform(-bound, bound, (fan_in, fan_out)), np.zeros(fan_out)


def he_normal(rng, fan_in, fan_out, activation):
    """He normal weights, of variance ``2 / fan_in``, for the ReLU family; zero biases.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.initializers import he_normal
    >>> W, b = he_normal(np.random.default_rng(0), 100, 50, "relu")
    >>> round(float(W.var() * 100 / 2), 1), float(np.abs(b).max())
    (1.0, 0.0)
    """
    # W ~ N(0, 2 / fan_in), b = 0
    std = np.sqrt(2.0 / fan_in)
    return rng.normal(0.0, std, (fan_in, fan_out)), np.zeros(fan_out)


INITIALIZERS = {
    init.__name__: init
    for init in (auto, xavier_uniform, xavier_normal, he_normal, he_uniform)
}
