"""Full-batch training with L-BFGS, through ``scipy.optimize.minimize``.

L-BFGS builds a curvature estimate from its last steps, so on small data sets
it often converges in far fewer passes than SGD or Adam. SciPy works in
float64; the network computes in its own dtype and we convert at the boundary.
"""

import time

import numpy as np
import scipy.optimize

from .network import Workspace


def fit_lbfgs(
    network, X, Y, sample_weight, loss, *, alpha, max_iter, max_fun, tol, callbacks=()
):
    """Minimise the full-batch loss of ``network`` in place.

    Each callback is called as ``callback(record)`` after every iteration, with
    the same record keys as :class:`~sknn.core.training.Trainer` epochs, and
    stops the optimisation by returning True.

    Returns ``(final_loss, n_iterations, scipy_result, history)``, with one
    record per L-BFGS iteration in ``history``.
    """
    ws = Workspace(network, X.shape[0], [0.0] * (network.n_layers - 1))
    history = []
    last_end = [time.perf_counter()]

    def loss_and_gradient(flat_params):
        network.params[...] = flat_params
        value = network.loss_and_gradient(X, Y, sample_weight, ws, loss, alpha)
        return value, ws.grad.astype(np.float64)

    def end_of_iteration(intermediate_result):
        network.params[...] = intermediate_result.x
        now = time.perf_counter()
        record = {
            "epoch": len(history) + 1,
            "loss": float(intermediate_result.fun),
            "val_loss": None,
            "val_score": None,
            "learning_rate": None,
            "seconds": now - last_end[0],
        }
        last_end[0] = now
        history.append(record)
        if any([bool(callback(record)) for callback in callbacks]):
            raise StopIteration

    result = scipy.optimize.minimize(
        loss_and_gradient,
        network.params.astype(np.float64),
        method="L-BFGS-B",
        jac=True,
        callback=end_of_iteration,
        options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
    )
    network.params[...] = result.x
    return float(result.fun), int(result.nit), result, history
