"""Full-batch training with L-BFGS, through ``scipy.optimize.minimize``.

L-BFGS builds a curvature estimate from its last steps, so on small data sets
it often converges in far fewer passes than SGD or Adam. SciPy works in
float64; the network computes in its own dtype and we convert at the boundary.
"""

import numpy as np
import scipy.optimize

from .network import Workspace


def fit_lbfgs(network, X, Y, sample_weight, loss, *, alpha, max_iter, max_fun, tol,
              verbose=False):
    """Minimise the full-batch loss of ``network`` in place.

    Returns ``(final_loss, n_iterations, scipy_result, loss_curve)``, with one
    loss per L-BFGS iteration in ``loss_curve``.
    """
    ws = Workspace(network, X.shape[0], [0.0] * (network.n_layers - 1))
    loss_curve = []

    def loss_and_gradient(flat_params):
        network.params[...] = flat_params
        value = network.loss_and_gradient(X, Y, sample_weight, ws, loss, alpha)
        return value, ws.grad.astype(np.float64)

    def record_iteration(intermediate_result):
        loss_curve.append(float(intermediate_result.fun))

    result = scipy.optimize.minimize(
        loss_and_gradient,
        network.params.astype(np.float64),
        method="L-BFGS-B",
        jac=True,
        callback=record_iteration,
        options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
    )
    network.params[...] = result.x
    if verbose:
        print(f"L-BFGS: {result.nit} iterations, loss = {result.fun:.8f}, {result.message}")
    return float(result.fun), int(result.nit), result, loss_curve
