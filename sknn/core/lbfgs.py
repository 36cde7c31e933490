"""Full-batch training with L-BFGS, through ``scipy.optimize.minimize``.

L-BFGS builds a curvature estimate from its last steps, so on small data sets
it often converges in far fewer passes than SGD or Adam. SciPy works in
float64; the network computes in its own dtype and we convert at the boundary.
"""

import math

import numpy as np
import scipy.optimize

from .network import Workspace


class _NonFinite(ArithmeticError):
    """An iterate with a NaN or infinite loss or parameter."""


def minimize_lbfgs(
    network, X, Y, sample_weight, loss, *, alpha, max_iter, max_fun, tol, on_iteration
):
    """Minimise the full-batch loss of ``network`` in place.

    ``on_iteration(loss)`` is called after every iteration and stops the
    optimisation by returning True. An interrupt (KeyboardInterrupt) or a
    non-finite iterate leaves the parameters of the last completed iteration.

    Returns ``(reason, scipy_result)``: reason is "finished" (SciPy's own
    stopping rules; ``scipy_result`` says which), "callback", "interrupted" or
    "diverged" (``scipy_result`` is None for the last two).

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.lbfgs import minimize_lbfgs
    >>> from sknn.core.losses import LOSSES
    >>> from sknn.core.network import Network
    >>> X = np.linspace(-1, 1, 20).reshape(-1, 1)
    >>> network = Network([1, 1], [], "identity", np.float64)
    >>> reason, result = minimize_lbfgs(
    ...     network, X, 3 * X + 1, None, LOSSES["squared_error"], alpha=0.0,
    ...     max_iter=50, max_fun=1000, tol=1e-10, on_iteration=lambda loss: False)
    >>> reason, network.params.round(4).tolist()  # W = 3, b = 1
    ('finished', [3.0, 1.0])
    """
    ws = Workspace(network, X.shape[0], [0.0] * (network.n_layers - 1))
    last_completed = network.params.copy()
    stopped_by_callback = []

    def loss_and_gradient(flat_params):
        network.params[...] = flat_params
        value = network.loss_and_gradient(X, Y, sample_weight, ws, loss, alpha)
        return value, ws.grad.astype(np.float64)

    def end_of_iteration(intermediate_result):
        value = float(intermediate_result.fun)
        if not (math.isfinite(value) and np.isfinite(intermediate_result.x).all()):
            raise _NonFinite
        last_completed[...] = intermediate_result.x
        if on_iteration(value):
            stopped_by_callback.append(True)
            raise StopIteration

    try:
        with np.errstate(over="ignore", invalid="ignore"):
            result = scipy.optimize.minimize(
                loss_and_gradient,
                network.params.astype(np.float64),
                method="L-BFGS-B",
                jac=True,
                callback=end_of_iteration,
                options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
            )
    except (KeyboardInterrupt, _NonFinite) as stop:
        network.params[...] = last_completed
        interrupted = isinstance(stop, KeyboardInterrupt)
        return ("interrupted" if interrupted else "diverged"), None
    if not np.isfinite(result.x).all():
        network.params[...] = last_completed
        return "diverged", None
    network.params[...] = result.x
    return ("callback" if stopped_by_callback else "finished"), result
