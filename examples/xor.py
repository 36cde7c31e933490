"""XOR: the problem a single-layer perceptron cannot solve, and a hidden layer can.

XOR labels the four corners of the unit square 0 when both inputs agree and 1
when they differ. No straight line separates the two classes, so a linear
classifier (scikit-learn's Perceptron) gets at most three corners right. One
hidden layer of 4 tanh units bends the decision boundary enough to get all four.

The script prints both accuracies and the network's predicted probabilities,
and saves the decision regions and the loss curve as ``xor.png`` in the
directory given by ``--save-dir`` (default: the ``SKNN_EXAMPLES_DIR``
environment variable, else ``sknn-examples`` in the system's temp directory).
"""

import argparse
import os
import tempfile
from pathlib import Path

import numpy as np
from sklearn.linear_model import Perceptron

from sknn import FirstNetClassifier

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
y = np.array([0, 1, 1, 0])


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


def fit_models():
    perceptron = Perceptron(random_state=0).fit(X, y)
    # four samples: one full batch per epoch, and a larger step than the default
    network = FirstNetClassifier(
        hidden_layer_sizes=(4,),
        activation="tanh",
        learning_rate_init=0.05,
        max_iter=1000,
        random_state=0,
    ).fit(X, y)
    return perceptron, network


def report(perceptron, network):
    print(f"Perceptron (no hidden layer) accuracy: {perceptron.score(X, y):.2f}")
    print(
        f"FirstNetClassifier, hidden (4,) tanh:  {network.score(X, y):.2f}"
        f" after {network.n_iter_} epochs, final loss {network.loss_curve_[-1]:.4f}"
    )
    print("  x1  x2  XOR  P(XOR = 1)")
    for (x1, x2), label, proba in zip(
        X, y, network.predict_proba(X)[:, 1], strict=True
    ):
        print(f"  {x1:.0f}   {x2:.0f}   {label}    {proba:.3f}")


def plot(perceptron, network, save_dir):
    try:
        import matplotlib
    except ImportError:
        print('matplotlib is not installed, no figure (pip install "sknn[plot]")')
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.inspection import DecisionBoundaryDisplay

    from sknn.plotting import LossCurveDisplay

    fig, axes = plt.subplots(1, 3, figsize=(12, 3.5))
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
    fig.tight_layout()
    save_dir.mkdir(parents=True, exist_ok=True)
    path = save_dir / "xor.png"
    fig.savefig(path, dpi=100)
    print(f"Figure saved to {path}")


def main():
    save_dir = parse_save_dir()
    perceptron, network = fit_models()
    report(perceptron, network)
    plot(perceptron, network, save_dir)


if __name__ == "__main__":
    main()
