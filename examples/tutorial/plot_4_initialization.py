"""
Initialization: keeping the signal alive through depth
======================================================

A batch of standard-normal inputs goes through ten hidden layers of 256 units
that have not been trained yet. How far the signal carries depends on the
scale of the first weights: each layer multiplies the variance of its input by
roughly ``fan_in * Var(W)`` times what the activation keeps of it. Xavier
(Glorot) initialization, ``Var(W) = 2 / (fan_in + fan_out)``, keeps tanh's
signal alive; ReLU zeroes half of its inputs, so with Xavier weights the
signal halves at every layer, and He initialization, ``Var(W) = 2 / fan_in``,
makes up for it.

The script runs the core's :meth:`~sknn.core.network.Network.forward` for each
pair of activation and initializer of :mod:`sknn.core.initializers`, and
prints and draws the standard deviation of every layer's activations.
"""

import matplotlib.pyplot as plt
import numpy as np

from sknn.core.initializers import INITIALIZERS
from sknn.core.network import Network, Workspace

depth, width, n_samples = 10, 256, 1000
X = np.random.default_rng(0).standard_normal((n_samples, width))
pairs = [
    ("tanh", "xavier_normal"),
    ("tanh", "he_normal"),
    ("relu", "xavier_normal"),
    ("relu", "he_normal"),
]

# %%
# Forward passes through untrained networks
# -----------------------------------------
# The workspace keeps every hidden layer's activations after ``forward``.

spreads = {}
print("standard deviation of the activations, layers 1 to 10:")
for activation, initializer in pairs:
    network = Network(
        [width] * (depth + 1) + [1], [activation] * depth, "identity", np.float64
    )
    network.initialize(np.random.default_rng(1), INITIALIZERS[initializer])
    workspace = Workspace(network, batch_size=n_samples, dropout=[0.0] * depth)
    network.forward(X, workspace)
    spreads[activation, initializer] = [A.std() for A in workspace.A]
    values = " ".join(f"{s:.2f}" for s in spreads[activation, initializer])
    print(f"  {activation:<5} {initializer:<14} {values}")

# %%
# The spread of each layer
# ------------------------
# A spread that shrinks layer after layer leaves the deep layers with almost
# nothing to pass on (and their gradients with it); tanh units driven far
# from 0 saturate, where their derivative vanishes.

fig, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
layers = np.arange(1, depth + 1)
for (activation, initializer), spread in spreads.items():
    style = "-" if activation == "relu" else "--"
    ax.plot(layers, spread, style, marker="o", label=f"{activation}, {initializer}")
ax.set(yscale="log", xlabel="hidden layer", ylabel="std of activations")
ax.set_title("Signal through ten untrained layers")
ax.legend()
plt.show()
