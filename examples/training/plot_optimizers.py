"""
Optimizers compared: SGD, momentum, RMSProp, Adam and AdamW
===========================================================

The same network (one hidden layer of 64 ReLU units, same initial weights,
same minibatches) trains on the standardized digits for 40 epochs with each
solver, all at ``learning_rate_init=0.01``:

- ``solver='sgd', momentum=0``: plain stochastic gradient descent;
- ``solver='sgd', momentum=0.9``: Nesterov momentum (scikit-learn's default);
- ``solver='rmsprop'``: steps scaled by a running average of squared gradients;
- ``solver='adam'``: RMSProp's scaling plus a running average of the gradients;
- ``solver='adamw'``: Adam whose ``alpha`` is a decoupled weight decay,
  shrinking the weights directly instead of through the gradient of an L2
  penalty. With the small default ``alpha=1e-4`` and a short run it follows
  Adam closely (drawn dashed so both stay visible); the two part ways with
  larger decays and longer training.

The script prints, per solver, the final training loss, the first epoch at
which the loss fell below 0.1, the test accuracy and the time, then draws the
loss curves.
"""

import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn import FirstNetClassifier
from sknn.plotting import LossCurveDisplay

solvers = {
    "SGD": dict(solver="sgd", momentum=0.0),
    "SGD + momentum 0.9": dict(solver="sgd", momentum=0.9),
    "RMSProp": dict(solver="rmsprop"),
    "Adam": dict(solver="adam"),
    "AdamW": dict(solver="adamw"),
}
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

# %%
# Train with each solver
# ----------------------
# ``n_iter_no_change=40`` lets every solver run all 40 epochs, so the curves
# compare; reaching ``max_iter`` is then the plan, not a failure to converge.

print("40 epochs on the digits, learning_rate_init=0.01")
print(f"{'solver':<20}{'final loss':>11}{'loss < 0.1 at':>15}{'test acc':>10}{'s':>6}")
networks = {}
for label, params in solvers.items():
    network = FirstNetClassifier(
        hidden_layer_sizes=(64,),
        learning_rate_init=0.01,
        max_iter=40,
        n_iter_no_change=40,
        random_state=0,
        **params,
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        network.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    below = np.flatnonzero(np.array(network.loss_curve_) < 0.1)
    first_below = str(below[0] + 1) if below.size else "never"
    print(
        f"{label:<20}{network.loss_curve_[-1]:>11.4f}{first_below:>15}"
        f"{network.score(X_test, y_test):>10.3f}{seconds:>6.2f}"
    )
    networks[label] = network

# %%
# Loss curves
# -----------
# Each :class:`~sknn.plotting.LossCurveDisplay` draws on the same axes; one
# legend, drawn last, names them all.

fig, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
for index, (label, network) in enumerate(networks.items()):
    style = {"label": label, "color": f"C{index}"}
    if label == "AdamW":
        style["linestyle"] = "--"
    LossCurveDisplay.from_estimator(network, ax=ax, loss_kwargs=style)
ax.set_yscale("log")
ax.set_title("Training loss per solver (digits, learning rate 0.01)")
ax.legend()
plt.show()
