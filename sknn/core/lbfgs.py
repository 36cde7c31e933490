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
