"""
Two correlated Gaussian classes: scaling, decision regions, loss curve
======================================================================

Each class is a 2-D Gaussian whose features are strongly correlated, so the
classes are long, tilted ellipses lying side by side. The raw features are on
very different scales (the first in the hundreds, the second around one), and
gradient descent needs features of comparable scale: they are standardized
before training.

The script prints the feature scales before and after standardization, the
test accuracy and the confusion matrix, then draws the decision regions with
the true labels, the predictions with the mistakes marked, and the training
loss with the validation accuracy of early stopping.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn import FirstNetClassifier
from sknn.plotting import LossCurveDisplay

rng = np.random.default_rng(0)
covariance = [[1.0, 0.8], [0.8, 1.0]]
X = np.vstack(
    [rng.multivariate_normal(mean, covariance, 300) for mean in [(0, 0), (1.2, -1.2)]]
)
X *= [100.0, 1.0]  # raw units: the first feature spreads ~100 times wider
y = np.repeat([0, 1], 300)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)

# %%
# Standardize, then train with early stopping
# -------------------------------------------
# The scaler learns its means and deviations from the training set only.

scaler = StandardScaler().fit(X_train)
Z_train, Z_test = scaler.transform(X_train), scaler.transform(X_test)
for what, values in [("means", np.mean), ("stds ", np.std)]:
    before, after = values(X_train, axis=0), values(Z_train, axis=0)
    print(f"Feature {what} before / after:", np.round(before, 2), np.round(after, 2))

network = FirstNetClassifier(
    hidden_layer_sizes=(16,),
    learning_rate_init=0.01,
    early_stopping=True,
    n_iter_no_change=20,
    max_iter=300,
    random_state=0,
).fit(Z_train, y_train)
y_pred = network.predict(Z_test)
print(
    f"Trained {network.n_iter_} epochs, best validation accuracy "
    f"{network.best_validation_score_:.3f}"
)
print(f"Test accuracy: {np.mean(y_pred == y_test):.3f}")
print("Confusion matrix (rows: true class, columns: predicted class):")
print(confusion_matrix(y_test, y_pred))

# %%
# What the network learned
# ------------------------
# With early stopping, :class:`~sknn.plotting.LossCurveDisplay` draws the
# validation accuracy on a second axis next to the training loss.

fig, axes = plt.subplots(1, 3, figsize=(14, 4), layout="constrained")
for ax, labels, title in [(axes[0], y_test, "True"), (axes[1], y_pred, "Predicted")]:
    DecisionBoundaryDisplay.from_estimator(
        network,
        Z_test,
        response_method="predict",
        ax=ax,
        cmap="coolwarm",
        alpha=0.3,
        xlabel="feature 1 (standardized)",
        ylabel="feature 2 (standardized)",
    )
    ax.scatter(*Z_test.T, c=labels, cmap="coolwarm", s=12, edgecolor="k", lw=0.3)
    ax.set_title(f"{title} labels (test set)")
mistakes = y_pred != y_test
label = f"{mistakes.sum()} mistakes"
axes[1].scatter(*Z_test[mistakes].T, marker="x", c="k", s=50, label=label)
axes[1].legend(loc="lower left")
LossCurveDisplay.from_estimator(
    network, ax=axes[2], name="Loss and validation accuracy"
)
plt.show()
