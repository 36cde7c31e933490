"""Regression: a linear and a non-linear target, predictions against the truth.

1. Linear: ``y = 3 x - 2 + noise``. With ``activation='identity'`` every layer
   is linear, so the whole network is one straight line whose slope and
   intercept can be read off its weights; they match an ordinary
   least-squares fit.
2. Non-linear: ``y = sin(2 x) + x / 2 + noise``. A straight line cannot follow
   it; two hidden layers of tanh units can.

The script prints the test R² of each model (and the recovered slope and
intercept) and saves ``regression.png`` (data, truth and predictions) in the
directory given by ``--save-dir`` (default: the ``SKNN_EXAMPLES_DIR``
environment variable, else ``sknn-examples`` in the system's temp directory).
"""

import argparse
import os
import tempfile
from functools import reduce
from pathlib import Path

import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split

from sknn import FirstNetRegressor

N_SAMPLES = 400
NOISE = 0.3


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


def linear_truth(x):
    return 3.0 * x - 2.0


def nonlinear_truth(x):
    return np.sin(2.0 * x) + 0.5 * x


def make_problem(truth, rng):
    x = rng.uniform(-3.0, 3.0, size=N_SAMPLES)
    y = truth(x) + NOISE * rng.standard_normal(N_SAMPLES)
    return train_test_split(x.reshape(-1, 1), y, test_size=0.25, random_state=0)


def collapse_linear_network(network):
    """Slope and intercept of a network whose every layer is linear.

    Layer k maps ``a`` to ``a @ W_k + b_k``; chaining them gives
    ``x @ (W_1 ... W_L) + (b_1 W_2 ... W_L + ... + b_L)``.
    """
    slope = reduce(np.matmul, network.coefs_)
    intercept = np.zeros_like(network.intercepts_[-1])
    for W, b in zip(network.coefs_, network.intercepts_, strict=True):
        intercept = intercept @ W + b
    return slope.item(), intercept.item()


def print_r2(model_name, r2, details=""):
    print(f"  {model_name:<33} test R² {r2:.3f}{details}")


def fit_linear(rng):
    X_train, X_test, y_train, y_test = make_problem(linear_truth, rng)
    network = FirstNetRegressor(
        hidden_layer_sizes=(4,),
        activation="identity",
        learning_rate_init=0.01,
        max_iter=500,
        random_state=0,
    ).fit(X_train, y_train)
    least_squares = LinearRegression().fit(X_train, y_train)
    slope, intercept = collapse_linear_network(network)
    print("Linear target y = 3 x - 2 + noise")
    print_r2(
        "FirstNetRegressor, identity (4,)",
        network.score(X_test, y_test),
        f", slope {slope:.3f}, intercept {intercept:.3f}",
    )
    print_r2(
        "LinearRegression",
        least_squares.score(X_test, y_test),
        f", slope {least_squares.coef_[0]:.3f},"
        f" intercept {least_squares.intercept_:.3f}",
    )
    return network, X_test, y_test


def fit_nonlinear(rng):
    X_train, X_test, y_train, y_test = make_problem(nonlinear_truth, rng)
    network = FirstNetRegressor(
        hidden_layer_sizes=(32, 32),
        activation="tanh",
        learning_rate_init=0.01,
        max_iter=500,
        random_state=0,
    ).fit(X_train, y_train)
    least_squares = LinearRegression().fit(X_train, y_train)
    print("Non-linear target y = sin(2 x) + x / 2 + noise")
    print_r2("FirstNetRegressor, tanh (32, 32)", network.score(X_test, y_test))
    print_r2("LinearRegression", least_squares.score(X_test, y_test))
    # the noise caps what any model can reach: the truth itself scores this
    print_r2(
        "the true function itself", r2_score(y_test, nonlinear_truth(X_test[:, 0]))
    )
    return network, X_test, y_test


def plot(problems, save_dir):
    try:
        import matplotlib
    except ImportError:
        print('matplotlib is not installed, no figure (pip install "sknn[plot]")')
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    x_line = np.linspace(-3.0, 3.0, 300)
    for ax, (title, truth, network, X_test, y_test) in zip(axes, problems, strict=True):
        ax.scatter(X_test[:, 0], y_test, s=10, color="0.6", label="test data")
        ax.plot(x_line, truth(x_line), color="k", linestyle="--", label="truth")
        ax.plot(
            x_line,
            network.predict(x_line.reshape(-1, 1)),
            color="C3",
            label=f"prediction (test R² {network.score(X_test, y_test):.3f})",
        )
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_title(title)
        ax.legend()
    fig.tight_layout()
    save_dir.mkdir(parents=True, exist_ok=True)
    path = save_dir / "regression.png"
    fig.savefig(path, dpi=100)
    print(f"Figure saved to {path}")


def main():
    save_dir = parse_save_dir()
    rng = np.random.default_rng(0)
    linear = fit_linear(rng)
    nonlinear = fit_nonlinear(rng)
    plot(
        [
            ("Linear: y = 3x - 2, identity activation", linear_truth, *linear),
            (
                "Non-linear: y = sin(2x) + x/2, tanh (32, 32)",
                nonlinear_truth,
                *nonlinear,
            ),
        ],
        save_dir,
    )


if __name__ == "__main__":
    main()
