"""Finite differences of the training objective, for the gradient checks."""

import numpy as np


def numeric_gradient(net, ws, X, Y, loss, sample_weight=None, alpha=0.0, h=1e-6):
    """Central differences of ``loss.mean + alpha ||W||^2 / (2 S)`` per parameter.

    That is the objective whose gradient ``Network.loss_and_gradient`` leaves in
    ``ws.grad`` (S: the sum of the sample weights, or the number of rows).
    ``net.params`` is restored afterwards.
    """
    weight_sum = X.shape[0] if sample_weight is None else float(sample_weight.sum())

    def objective(params):
        net.params[...] = params
        weights = params[: net.n_weights]
        penalty = 0.5 * alpha * float(weights @ weights) / weight_sum
        return loss.mean(Y, net.forward(X, ws), sample_weight) + penalty

    params = net.params.copy()
    numeric = np.empty_like(params)
    for k in range(params.size):
        step = np.zeros_like(params)
        step[k] = h
        numeric[k] = (objective(params + step) - objective(params - step)) / (2 * h)
    net.params[...] = params
    return numeric
