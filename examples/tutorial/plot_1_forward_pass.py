"""
The forward pass, unit by unit
==============================

A network with one input, three tanh hidden units and one linear output learns
a bump on a slope. Its forward pass is then run again by the core's own
:class:`~sknn.core.network.Network`, which leaves every layer's activations in
its :class:`~sknn.core.network.Workspace`: each hidden unit is an S-shaped
curve ``tanh(x w_j + b_j)``, and the output adds the three curves up, each
scaled by its outgoing weight, plus a bias. Two steep S-curves of opposite
signs make the bump, and a gentle one the slope.

The script checks that the core's output equals ``predict``, prints each
unit's weights, and draws both stages.
"""

import matplotlib.pyplot as plt
import numpy as np

from sknn import FirstNetRegressor
from sknn.core.network import Network, Workspace

x = np.linspace(-3.0, 3.0, 200).reshape(-1, 1)
y = np.exp(-2.0 * x.ravel() ** 2) + 0.2 * x.ravel()
regressor = FirstNetRegressor(
    hidden_layer_sizes=(3,), activation="tanh", solver="lbfgs", random_state=0
).fit(x, y)

# %%
# The same network, run by the core
# ---------------------------------
# A :class:`~sknn.core.network.Network` holds every weight and bias in one
# flat vector; ``set_layers`` copies the fitted ones in, and ``forward`` fills
# the workspace layer by layer.

network = Network([1, 3, 1], ["tanh"], "identity", dtype=np.float64)
network.set_layers(regressor.coefs_, regressor.intercepts_)
workspace = Workspace(network, batch_size=len(x), dropout=[0.0])
output = network.forward(x, workspace)[:, 0]
hidden = workspace.A[0]  # the three hidden units' activations, one column each
gap = np.abs(output - regressor.predict(x)).max()
print(f"largest |core output - predict|: {gap:.1e}")

W1, W2 = network.weights
b1, b2 = network.biases
for j in range(3):
    print(
        f"unit {j}: tanh({W1[0, j]:+.2f} x {b1[j]:+.2f}), "
        f"outgoing weight {W2[j, 0]:+.2f}"
    )
print(f"output bias {b2[0]:+.2f}")

# %%
# Hidden units, then their weighted sum
# -------------------------------------

fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained")
for j in range(3):
    axes[0].plot(x, hidden[:, j], color=f"C{j}", label=f"unit {j}")
    axes[1].plot(x, hidden[:, j] * W2[j, 0], "--", color=f"C{j}", label=f"unit {j} x w")
axes[1].plot(x, output, "k", lw=2, label="sum + bias = output")
axes[1].plot(x, y, ":", color="0.5", lw=2, label="target")
axes[0].set(title="Hidden layer: tanh(x w + b)", xlabel="x", ylabel="activation")
axes[1].set(title="Output layer: weighted sum of the units", xlabel="x")
axes[0].legend(fontsize="small")
axes[1].legend(fontsize="small", loc="center left", bbox_to_anchor=(1, 0.5))
plt.show()
