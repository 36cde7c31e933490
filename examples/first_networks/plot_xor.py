"""
XOR: what a hidden layer buys
=============================

XOR labels the four corners of the unit square 0 when both inputs agree and 1
when they differ. No straight line separates the two classes, so a linear
classifier (scikit-learn's :class:`~sklearn.linear_model.Perceptron`) gets at
most three corners right. One hidden layer of four tanh units bends the
decision boundary enough to get all four.

The script prints both accuracies and the network's predicted probabilities,
then draws both decision regions and the network's loss curve.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.linear_model import Perceptron

from sknn import FirstNetClassifier
from sknn.plotting import LossCurveDisplay

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
y = np.array([0, 1, 1, 0])

# %%
# A line against a hidden layer
# -----------------------------
# With four samples every epoch is one full batch, so a larger step than the
# default ``learning_rate_init=0.001`` keeps the training short.

perceptron = Perceptron(random_state=0).fit(X, y)
network = FirstNetClassifier(
    hidden_layer_sizes=(4,),
    activation="tanh",
    learning_rate_init=0.05,
    max_iter=1000,
    random_state=0,
).fit(X, y)

print(f"Perceptron (no hidden layer) accuracy: {perceptron.score(X, y):.2f}")
print(
    f"FirstNetClassifier, hidden (4,) tanh:  {network.score(X, y):.2f}"
    f" after {network.n_iter_} epochs, final loss {network.loss_curve_[-1]:.4f}"
)
print("  x1  x2  XOR  P(XOR = 1)")
for (x1, x2), label, proba in zip(X, y, network.predict_proba(X)[:, 1]):
    print(f"  {x1:.0f}   {x2:.0f}   {label}    {proba:.3f}")

# %%
# Decision regions and training loss
# ----------------------------------

fig, axes = plt.subplots(1, 3, figsize=(12, 3.5), layout="constrained")
for ax, model, title in [
    (axes[0], perceptron, "Perceptron"),
    (axes[1], network, "FirstNetClassifier (4,)"),
]:
    DecisionBoundaryDisplay.from_estimator(
        model,
        X,
        eps=0.5,
        response_method="predict",
        ax=ax,
        cmap="coolwarm",
        alpha=0.4,
        grid_resolution=200,
        xlabel="x1",
        ylabel="x2",
    )
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", edgecolor="k", s=120)
    ax.set_title(f"{title}: accuracy {model.score(X, y):.2f}")
LossCurveDisplay.from_estimator(network, ax=axes[2], name="Training loss")
plt.show()
