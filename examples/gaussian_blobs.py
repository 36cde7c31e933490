"""Two correlated Gaussian classes in 2-D: decision regions, predictions, loss curve.

Each class is a 2-D Gaussian whose features are strongly correlated, so the
classes are long, tilted ellipses lying side by side. The two raw features are
on very different scales (the first in the hundreds, the second around one):
they are standardized to zero mean and unit variance before training, as
gradient descent needs features of comparable scale.

The script prints the feature scales before and after standardization, the
test accuracy and the confusion matrix, and saves ``gaussian_blobs.png``
(decision regions with the true labels, the predicted labels with the
mistakes marked, and the training loss with the validation accuracy) in the
directory given by ``--save-dir`` (default: the ``SKNN_EXAMPLES_DIR``
environment variable, else ``sknn-examples`` in the system's temp directory).
"""

import argparse
import os
import tempfile
from pathlib import Path

import numpy as np
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn import FirstNetClassifier

N_PER_CLASS = 300
CORRELATION = 0.8
CLASS_MEANS = [(0.0, 0.0), (1.2, -1.2)]
# raw units: the first feature spread ~100 times wider than the second
FEATURE_SCALES = np.array([100.0, 1.0])


def parse_save_dir():
    default = os.environ.get("SKNN_EXAMPLES_DIR") or Path(
        tempfile.gettempdir(), "sknn-examples"
    )
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--save-dir",
        type=Path,
        default=Path(default),
        help="where to write the figure (default: %(default)s)",
    )
    return parser.parse_args().save_dir


def make_correlated_blobs(rng):
    covariance = [[1.0, CORRELATION], [CORRELATION, 1.0]]
    X = np.vstack(
        [
            rng.multivariate_normal(mean, covariance, size=N_PER_CLASS)
            for mean in CLASS_MEANS
        ]
    )
    y = np.repeat([0, 1], N_PER_CLASS)
    return X * FEATURE_SCALES, y


def standardize(X_train, X_test):
    scaler = StandardScaler().fit(X_train)
    Z_train, Z_test = scaler.transform(X_train), scaler.transform(X_test)
    print(
        "Feature means before / after standardization:",
        np.round(X_train.mean(axis=0), 2),
        np.round(Z_train.mean(axis=0), 2),
    )
    print(
        "Feature stds  before / after standardization:",
        np.round(X_train.std(axis=0), 2),
        np.round(Z_train.std(axis=0), 2),
    )
    return Z_train, Z_test


def fit_network(Z_train, y_train):
    network = FirstNetClassifier(
        hidden_layer_sizes=(16,),
        learning_rate_init=0.01,
        early_stopping=True,
        n_iter_no_change=20,
        max_iter=300,
        random_state=0,
    )
    network.fit(Z_train, y_train)
    print(
        f"Trained {network.n_iter_} epochs, best validation accuracy "
        f"{network.best_validation_score_:.3f}"
    )
    return network


def plot(network, Z_test, y_test, y_pred, save_dir):
    try:
        import matplotlib
    except ImportError:
        print('matplotlib is not installed, no figure (pip install "sknn[plot]")')
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.inspection import DecisionBoundaryDisplay

    from sknn.plotting import LossCurveDisplay

    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    for ax, labels, title in [
        (axes[0], y_test, "True labels (test set)"),
        (axes[1], y_pred, "Predicted labels (test set)"),
    ]:
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
        ax.scatter(
            Z_test[:, 0],
            Z_test[:, 1],
            c=labels,
            cmap="coolwarm",
            s=12,
            edgecolor="k",
            linewidth=0.3,
        )
        ax.set_title(title)
    mistakes = y_pred != y_test
    axes[1].scatter(
        Z_test[mistakes, 0],
        Z_test[mistakes, 1],
        marker="x",
        c="k",
        s=50,
        label=f"{mistakes.sum()} mistakes",
    )
    axes[1].legend(loc="lower left")
    LossCurveDisplay.from_estimator(
        network, ax=axes[2], name="Loss and validation accuracy"
    )
    fig.tight_layout()
    save_dir.mkdir(parents=True, exist_ok=True)
    path = save_dir / "gaussian_blobs.png"
    fig.savefig(path, dpi=100)
    print(f"Figure saved to {path}")


def main():
    save_dir = parse_save_dir()
    X, y = make_correlated_blobs(np.random.default_rng(0))
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    Z_train, Z_test = standardize(X_train, X_test)
    network = fit_network(Z_train, y_train)
    y_pred = network.predict(Z_test)
    print(f"Test accuracy: {np.mean(y_pred == y_test):.3f}")
    print("Confusion matrix (rows: true class, columns: predicted class):")
    print(confusion_matrix(y_test, y_pred))
    plot(network, Z_test, y_test, y_pred, save_dir)


if __name__ == "__main__":
    main()
