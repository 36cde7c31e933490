"""
Hidden activations and their derivatives
========================================

Each hidden activation of sknn is a class of :mod:`sknn.core.activations` with
the function the forward pass computes, ``f(z)``, next to the derivative the
backward pass multiplies by, ``f'(z)``. This script reads them from
:data:`~sknn.core.activations.HIDDEN_ACTIVATIONS` itself: it prints both at a
few points, checks each derivative against a central finite difference of
the function, and draws every pair with :func:`sknn.plotting.plot_activations`.
"""

import matplotlib.pyplot as plt
import numpy as np

from sknn.core.activations import HIDDEN_ACTIVATIONS
from sknn.plotting import plot_activations

# %%
# Values at a few points
# ----------------------

points = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
print(f"{'z':<14}" + "  ".join(f"{z:>6.1f}" for z in points))
for name, activation in HIDDEN_ACTIVATIONS.items():
    for label, values in [
        (name, activation.forward(points)),
        (f"{name}'", activation.derivative(points)),
    ]:
        print(f"{label:<14}" + "  ".join(f"{v:>6.3f}" for v in values))

# %%
# Each derivative against a finite difference
# -------------------------------------------
# ``(f(z + h) - f(z - h)) / 2h`` approaches ``f'(z)`` wherever ``f`` is
# smooth. The grid has an even number of points, so it skips ``z = 0``, where
# relu, leaky_relu and elu have a kink that no finite difference matches.

z, h = np.linspace(-4.0, 4.0, 400), 1e-5
print("Largest |f'(z) - finite difference| on [-4, 4]:")
for name, activation in HIDDEN_ACTIVATIONS.items():
    finite_difference = (activation.forward(z + h) - activation.forward(z - h)) / (
        2 * h
    )
    error = np.max(np.abs(activation.derivative(z) - finite_difference))
    print(f"  {name:<12} {error:.1e}")

# %%
# Every activation, function and derivative
# -----------------------------------------
# Saturating functions (logistic, tanh) have derivatives that vanish for large
# ``|z|``; the rectifiers keep a slope of 1 for every positive ``z``.

fig, axes = plt.subplots(2, 4, figsize=(13, 5.5), sharex=True, layout="constrained")
for ax, name in zip(axes.ravel(), HIDDEN_ACTIVATIONS):
    plot_activations(name, ax=ax)
    ax.set(title=name, xlabel="", ylabel="")
    ax.get_legend().remove()  # the title already names the panel
fig.supxlabel("z")
fig.supylabel("f(z) solid, f'(z) dashed")
plt.show()
