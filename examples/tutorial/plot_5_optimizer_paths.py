"""
Optimizer steps in a narrow valley
==================================

The optimizers of :mod:`sknn.core.optimizers` update a flat parameter vector
in place from its gradient, whatever that vector holds. Here it holds just two
numbers, the coordinates of a point in a long, narrow valley: the loss
``(p_0^2 + 50 p_1^2) / 2`` curves 50 times more sharply across the valley
than along it, as the losses of neural networks often do in some directions.

Each optimizer starts from the same point and takes 60 steps. Plain gradient
descent must keep its step small enough not to diverge across the valley, so
it crawls along it; momentum builds up speed along the valley; RMSProp and
Adam divide each coordinate's step by the running size of its gradients,
which evens out the two directions. The script prints each optimizer's
distance to the minimum and draws the paths.
"""

import matplotlib.pyplot as plt
import numpy as np

from sknn.core.optimizers import SGD, Adam, RMSProp

curvature = np.array([1.0, 50.0])
start = np.array([-4.5, 1.2])
optimizers = {
    "SGD, lr 0.038": SGD(2, np.float64, 0.038, momentum=0.0),
    "SGD + Nesterov momentum 0.9, lr 0.01": SGD(2, np.float64, 0.01),
    "RMSProp, lr 0.15": RMSProp(2, np.float64, 0.15, beta_2=0.9),
    "Adam, lr 0.2": Adam(2, np.float64, 0.2, beta_2=0.9),
}

# %%
# Sixty steps each
# ----------------
# ``step`` reads the gradient and moves ``params`` in place.

paths = {}
for label, optimizer in optimizers.items():
    params = start.copy()
    path = [params.copy()]
    for _ in range(60):
        optimizer.step(params, curvature * params)  # the gradient of the loss
        path.append(params.copy())
    paths[label] = np.array(path)
    print(f"{label:<38} distance to the minimum {np.linalg.norm(params):.3f}")

# %%
# The paths on the loss's contours
# --------------------------------

grid = np.meshgrid(np.linspace(-5, 1.5, 200), np.linspace(-1.6, 1.6, 200))
loss = 0.5 * (curvature[0] * grid[0] ** 2 + curvature[1] * grid[1] ** 2)
fig, ax = plt.subplots(figsize=(9, 4.2), layout="constrained")
ax.contour(*grid, loss, levels=np.geomspace(0.05, 60, 12), colors="0.8")
for label, path in paths.items():
    ax.plot(*path.T, ".-", ms=4, lw=1, label=label)
ax.plot(0, 0, "k*", ms=12)
ax.set(xlabel="p0 (along the valley)", ylabel="p1 (across)", aspect="equal")
ax.legend(loc="lower right", fontsize="small")
plt.show()
