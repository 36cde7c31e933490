"""
Why dL/dZ = A - Y for every loss
================================

Each loss of :mod:`sknn.core.losses` comes with the output activation that
makes its gradient simple: squared error with the identity, binary
cross-entropy with the logistic function, the Poisson deviance with the
exponential, and categorical cross-entropy with the softmax. For each pair the
derivative of the loss with respect to the output pre-activation ``z`` is the
output minus the target, ``a - y``, which is what
:meth:`sknn.core.losses.Loss.delta` returns.

The script measures that derivative by central finite differences of the
loss, compares it with ``delta``, and draws each loss with its slope.
"""

import matplotlib.pyplot as plt
import numpy as np

from sknn.core.activations import OUTPUT_ACTIVATIONS
from sknn.core.losses import LOSSES

# one target per loss: a value for the regressions, class 1 for the classifiers
targets = {
    "squared_error": np.array([[1.0]]),
    "poisson": np.array([[2.0]]),
    "binary_cross_entropy": np.array([[1.0]]),
    "categorical_cross_entropy": np.array([[1.0, 0.0, 0.0]]),
}
z_values = np.linspace(-3.0, 3.0, 121)


def loss_along_z(loss, Y, z):
    """The loss when the first output pre-activation is z (the others are 0)."""
    Z = np.zeros_like(Y)
    Z[0, 0] = z
    A = OUTPUT_ACTIVATIONS[loss.output_activation].forward(Z)
    return loss.mean(Y, A), A


# %%
# Finite differences against ``delta``
# ------------------------------------

h = 1e-6
curves = {}
print("largest |finite difference - delta| along z in [-3, 3]:")
for name, loss in LOSSES.items():
    Y = targets[name]
    values, slopes, deltas = [], [], []
    for z in z_values:
        value, A = loss_along_z(loss, Y, z)
        up, down = loss_along_z(loss, Y, z + h)[0], loss_along_z(loss, Y, z - h)[0]
        values.append(value)
        slopes.append((up - down) / (2 * h))
        deltas.append(loss.delta(Y, A, out=np.empty_like(A))[0, 0])
    error = np.max(np.abs(np.subtract(slopes, deltas)))
    print(f"  {name:<26} with {loss.output_activation:<8} {error:.1e}")
    curves[name] = values, deltas, slopes

# %%
# Each loss and its slope
# -----------------------
# The slope ``a - y`` is zero where the output matches the target and grows
# with the mistake: no flat region where a wrong output would stop learning.

fig, axes = plt.subplots(1, 4, figsize=(14, 3.6), layout="constrained")
for ax, (name, (values, deltas, slopes)) in zip(axes, curves.items()):
    ax.plot(z_values, values, label="loss L(z)")
    ax.plot(z_values, deltas, label="delta = a - y")
    ax.plot(z_values[::10], slopes[::10], "k.", label="finite difference")
    ax.axhline(0.0, color="0.8", lw=0.8, zorder=0)
    ax.set(title=f"{name}\n({LOSSES[name].output_activation} output)", xlabel="z")
    ax.set_ylim(-2.5, 4.5)
axes[0].legend(fontsize="small")
plt.show()
