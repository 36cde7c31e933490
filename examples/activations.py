"""Hidden activation functions and their derivatives, straight from sknn's core.

The values are those the network computes in its forward pass (``f(z)``) and
backward pass (``f'(z)``), taken from ``sknn.core.activations.ACTIVATIONS``.
The script prints both at a few points, checks each derivative against a
central finite difference of the function, and saves ``activations.png``
(one panel per activation, function solid and derivative dashed) in the
directory given by ``--save-dir`` (default: the ``SKNN_EXAMPLES_DIR``
environment variable, else ``sknn-examples`` in the system's temp directory).
"""

import argparse
import os
import tempfile
from pathlib import Path

import numpy as np

from sknn.core.activations import ACTIVATIONS

HIDDEN = ["identity", "logistic", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu"]
TABLE_POINTS = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])


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


def print_table():
    header = "  ".join(f"{z:>6.1f}" for z in TABLE_POINTS)
    print(f"{'z':<14}{header}")
    for name in HIDDEN:
        activation = ACTIVATIONS[name]
        for label, values in [
            (name, activation.forward(TABLE_POINTS)),
            (f"{name}'", activation.derivative(TABLE_POINTS)),
        ]:
            print(f"{label:<14}" + "  ".join(f"{v:>6.3f}" for v in values))


def largest_derivative_error(activation, step=1e-5):
    """Largest gap between f'(z) and (f(z + h) - f(z - h)) / 2h on [-4, 4].

    The grid skips z = 0, where relu, leaky_relu and elu have a kink and no
    finite difference can agree with either one-sided slope.
    """
    z = np.linspace(-4.0, 4.0, 400)  # an even count: 0 is not on the grid
    finite_difference = (
        activation.forward(z + step) - activation.forward(z - step)
    ) / (2 * step)
    return np.max(np.abs(activation.derivative(z) - finite_difference))


def print_derivative_check():
    print("Largest |f'(z) - finite difference| on [-4, 4]:")
    for name in HIDDEN:
        print(f"  {name:<12} {largest_derivative_error(ACTIVATIONS[name]):.1e}")


def plot(save_dir):
    try:
        import matplotlib
    except ImportError:
        print('matplotlib is not installed, no figure (pip install "sknn[plot]")')
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sknn.plotting import plot_activations

    fig, axes = plt.subplots(2, 4, figsize=(13, 5.5), sharex=True)
    for ax, name in zip(axes.ravel(), HIDDEN, strict=True):
        plot_activations(name, ax=ax)
        ax.set_title(name)
        ax.get_legend().remove()  # the title already names the panel
        ax.set_ylabel("")
        ax.set_xlabel("")
    fig.supxlabel("z")
    fig.supylabel("f(z) solid, f'(z) dashed")
    fig.tight_layout()
    save_dir.mkdir(parents=True, exist_ok=True)
    path = save_dir / "activations.png"
    fig.savefig(path, dpi=100)
    print(f"Figure saved to {path}")


def main():
    save_dir = parse_save_dir()
    print_table()
    print_derivative_check()
    plot(save_dir)


if __name__ == "__main__":
    main()
