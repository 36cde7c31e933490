"""Dropout: a large network over-fits a small noisy problem; dropout holds it back.

Two identical networks (two hidden layers of 256 ReLU units) train on 200
noisy samples of a 40-feature problem, epoch by epoch with ``partial_fit``:
one without dropout, one dropping 70% of the hidden units at every step.
Without dropout the training loss falls to zero within a few epochs while the
validation loss turns and climbs: the network memorises the noise. Dropout
slows the memorising, so the validation loss reaches its minimum later and
climbs far less.

The script prints both networks' best and final validation losses, and saves
the training and validation curves as ``dropout.png`` in the directory given by
``--save-dir`` (default: the ``SKNN_EXAMPLES_DIR`` environment variable, else
``sknn-examples`` in the system's temp directory).
"""

import argparse
import os
import tempfile
from pathlib import Path

from sklearn.datasets import make_classification
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn import FirstNetClassifier

EPOCHS = 100
RATES = {"no dropout": 0.0, "dropout 0.7": 0.7}


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


def make_data():
    X, y = make_classification(
        n_samples=1200, n_features=40, n_informative=6, flip_y=0.15, random_state=0
    )
    X_train, X_val, y_train, y_val = train_test_split(
        X, y, train_size=200, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_val), y_train, y_val


def train(rate, X_train, X_val, y_train, y_val):
    """Loss curves on both sets, recorded after every epoch."""
    net = FirstNetClassifier(
        hidden_layer_sizes=(256, 256),
        dropout=rate,
        learning_rate_init=0.001,
        batch_size=50,
        random_state=0,
    )
    curves = {"train": [], "validation": []}
    for _ in range(EPOCHS):
        net.partial_fit(X_train, y_train, classes=[0, 1])
        curves["train"].append(log_loss(y_train, net.predict_proba(X_train)))
        curves["validation"].append(log_loss(y_val, net.predict_proba(X_val)))
    return net, curves


def plot(all_curves, save_dir):
    try:
        import matplotlib
    except ImportError:
        print('matplotlib is not installed, no figure (pip install "sknn[plot]")')
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
    for ax, (name, curves) in zip(axes, all_curves.items(), strict=True):
        for split, values in curves.items():
            ax.plot(range(1, EPOCHS + 1), values, label=split)
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.legend()
    axes[0].set_ylabel("log loss")
    fig.tight_layout()
    save_dir.mkdir(parents=True, exist_ok=True)
    path = save_dir / "dropout.png"
    fig.savefig(path, dpi=100)
    print(f"Figure saved to {path}")


def main():
    save_dir = parse_save_dir()
    X_train, X_val, y_train, y_val = make_data()
    all_curves = {}
    print(f"validation log loss after {EPOCHS} epochs on {len(y_train)} samples")
    for name, rate in RATES.items():
        net, curves = train(rate, X_train, X_val, y_train, y_val)
        all_curves[name] = curves
        val = curves["validation"]
        best = min(range(EPOCHS), key=val.__getitem__)
        print(
            f"  {name:12} best {val[best]:.3f} (epoch {best + 1:3d}), final "
            f"{val[-1]:.3f}; final training loss {curves['train'][-1]:.3f}, "
            f"validation accuracy {net.score(X_val, y_val):.3f}"
        )
    plot(all_curves, save_dir)


if __name__ == "__main__":
    main()
