"""
Backpropagation checked against finite differences
==================================================

Backpropagation gives the gradient of the loss with respect to every weight
and bias in one backward sweep. Its result can be checked, slowly, without any
calculus: nudge one parameter up and down by ``h``, and the change of the loss
over ``2 h`` approaches that parameter's derivative.

The script builds a small network of the core (4 inputs, hidden layers of 5
tanh and 3 GELU units, a softmax over 3 classes), asks
:meth:`~sknn.core.network.Network.loss_and_gradient` for the gradient of the
cross-entropy with an L2 penalty, computes the same numbers by finite
differences, one parameter at a time, and prints and draws how far apart
they are.
"""

import matplotlib.pyplot as plt
import numpy as np

from sknn.core.initializers import INITIALIZERS
from sknn.core.losses import LOSSES
from sknn.core.network import Network, Workspace

rng = np.random.default_rng(0)
network = Network([4, 5, 3, 3], ["tanh", "gelu"], "softmax", dtype=np.float64)
network.initialize(rng, INITIALIZERS["auto"])
X = rng.standard_normal((20, 4))
Y = np.eye(3)[rng.integers(0, 3, size=20)]  # one-hot targets
loss = LOSSES["categorical_cross_entropy"]
workspace = Workspace(network, batch_size=20, dropout=[0.0, 0.0])


def loss_value():
    return network.loss_and_gradient(X, Y, None, workspace, loss, alpha=0.1)


# %%
# Backpropagation, then the slow way
# ----------------------------------
# ``loss_and_gradient`` leaves the gradient in ``workspace.grad``, laid out as
# ``network.params``: every weight matrix first, then every bias.

loss_value()
backprop = workspace.grad.copy()
finite_difference = np.empty_like(backprop)
h = 1e-6
for i in range(network.n_params):
    saved = network.params[i]
    network.params[i] = saved + h
    up = loss_value()
    network.params[i] = saved - h
    down = loss_value()
    network.params[i] = saved
    finite_difference[i] = (up - down) / (2 * h)

gap = np.abs(backprop - finite_difference)
print(f"{network.n_params} parameters, {network.n_weights} of them weights")
print(f"largest |backprop - finite difference|: {gap.max():.1e}")
print(f"largest |gradient| entry:               {np.abs(backprop).max():.1e}")

# %%
# Every parameter on the diagonal
# -------------------------------

is_weight = np.arange(network.n_params) < network.n_weights
fig, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
for mask, label in [(is_weight, "weights"), (~is_weight, "biases")]:
    axes[0].scatter(finite_difference[mask], backprop[mask], s=18, label=label)
    axes[1].scatter(np.flatnonzero(mask), gap[mask], s=18, label=label)
limits = [backprop.min(), backprop.max()]
axes[0].plot(limits, limits, color="0.7", zorder=0)
axes[0].set(xlabel="finite difference", ylabel="backpropagation")
axes[0].set_title("dL/dparameter, both ways")
axes[1].set(yscale="log", xlabel="parameter index", ylabel="|difference|")
axes[1].set_title("How far apart")
for ax in axes:
    ax.legend()
plt.show()
