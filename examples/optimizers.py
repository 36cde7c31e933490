"""Optimizers compared: SGD, SGD with momentum, RMSProp, Adam and AdamW.

The same network (one hidden layer of 64 ReLU units, same initial weights,
same mini-batches) is trained on the standardized digits for the same number
of epochs with each solver, all at ``learning_rate_init=0.01``:

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
which the loss fell below 0.1, and the test accuracy, and saves the loss
curves as ``optimizers.png`` in the directory given by ``--save-dir``
(default: the ``SKNN_EXAMPLES_DIR`` environment variable, else
``sknn-examples`` in the system's temp directory).
"""

import argparse
import os
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn import FirstNetClassifier

N_EPOCHS = 40
TARGET_LOSS = 0.1
SOLVERS = {
    "SGD": dict(solver="sgd", momentum=0.0),
    "SGD + momentum 0.9": dict(solver="sgd", momentum=0.9),
    "RMSProp": dict(solver="rmsprop"),
    "Adam": dict(solver="adam"),
    "AdamW": dict(solver="adamw"),
}


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


def load_problem():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def train_each_solver(X_train, y_train):
    networks, seconds = {}, {}
    for label, solver_params in SOLVERS.items():
        network = FirstNetClassifier(
            hidden_layer_sizes=(64,),
            learning_rate_init=0.01,
            max_iter=N_EPOCHS,
            # train every solver for all the epochs, so the curves compare
            n_iter_no_change=N_EPOCHS,
            random_state=0,
            **solver_params,
        )
        start = time.perf_counter()
        with warnings.catch_warnings():
            # stopping at max_iter is the point here, not a failure to converge
            warnings.simplefilter("ignore", ConvergenceWarning)
            network.fit(X_train, y_train)
        seconds[label] = time.perf_counter() - start
        networks[label] = network
    return networks, seconds


def first_epoch_below(loss_curve, threshold):
    below = np.flatnonzero(np.asarray(loss_curve) < threshold)
    return str(below[0] + 1) if below.size else "never"


def report(networks, seconds, X_test, y_test):
    print(f"{N_EPOCHS} epochs on the digits, learning_rate_init=0.01")
    print(
        f"{'solver':<20}{'final loss':>11}{'loss < 0.1 at':>15}{'test acc':>10}{'s':>6}"
    )
    for label, network in networks.items():
        print(
            f"{label:<20}{network.loss_curve_[-1]:>11.4f}"
            f"{first_epoch_below(network.loss_curve_, TARGET_LOSS):>15}"
            f"{network.score(X_test, y_test):>10.3f}{seconds[label]:>6.2f}"
        )


def plot(networks, save_dir):
    try:
        import matplotlib
    except ImportError:
        print('matplotlib is not installed, no figure (pip install "sknn[plot]")')
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sknn.plotting import LossCurveDisplay

    fig, ax = plt.subplots(figsize=(6.5, 4))
    for index, (label, network) in enumerate(networks.items()):
        style = {"label": label, "color": f"C{index}"}
        if label == "AdamW":
            style["linestyle"] = "--"
        LossCurveDisplay.from_estimator(network, ax=ax, loss_kwargs=style)
    ax.set_yscale("log")
    ax.set_title("Training loss per solver (digits, learning rate 0.01)")
    ax.legend()  # each display drew a legend of its own line only
    fig.tight_layout()
    save_dir.mkdir(parents=True, exist_ok=True)
    path = save_dir / "optimizers.png"
    fig.savefig(path, dpi=100)
    print(f"Figure saved to {path}")


def main():
    save_dir = parse_save_dir()
    X_train, X_test, y_train, y_test = load_problem()
    networks, seconds = train_each_solver(X_train, y_train)
    report(networks, seconds, X_test, y_test)
    plot(networks, save_dir)


if __name__ == "__main__":
    main()
