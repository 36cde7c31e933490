"""The benchmark's problems: data shapes, networks, training budgets and targets.

Each :class:`Workload` fixes what every system trains: the same synthetic
data, network, minibatch size and number of epochs. Its :class:`Target` rows
are the goals the report checks sknn against.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

SEED = 0
LEARNING_RATE = 1e-3


@dataclass(frozen=True)
class Target:
    """A performance goal for one system of one workload.

    ``metric`` names a numeric column of the system's row; the goal is met when
    the value is at least ``minimum`` or at most ``maximum``.
    """

    system: str
    metric: str
    label: str
    minimum: float | None = None
    maximum: float | None = None

    def is_met(self, value):
        if value is None or not math.isfinite(value):
            return False
        if self.minimum is not None and value < self.minimum:
            return False
        if self.maximum is not None and value > self.maximum:
            return False
        return True


@dataclass(frozen=True)
class Workload:
    """One benchmark problem: data shape, network and training schedule."""

    key: str
    name: str
    task: str  # "binary", "multiclass" or "regression"
    n_train: int
    n_features: int
    hidden: tuple
    batch_size: int
    epochs: int
    n_classes: int = 2
    repeats: int = 3
    n_predict: int = 0  # > 0 only for the large-prediction workload
    extra_systems: tuple = ()
    targets: tuple = ()

    @property
    def title(self):
        what = f"{self.n_classes} classes" if self.task == "multiclass" else self.task
        training = (
            f"{self.n_train:,} x {self.n_features}, hidden {self.hidden}, "
            f"batch {self.batch_size}, {self.epochs} epoch(s), {what}"
        )
        if self.n_predict:
            return (
                f"{self.name}: predict_proba on {self.n_predict:,} x "
                f"{self.n_features} (trained on {training})"
            )
        return f"{self.name}: {training}"

    @property
    def n_test(self):
        return max(self.n_train // 4, 100)

    @property
    def n_outputs(self):
        return self.n_classes if self.task == "multiclass" else 1

    @property
    def n_weights(self):
        """Number of connection weights (biases excluded)."""
        sizes = (self.n_features, *self.hidden, self.n_outputs)
        return sum(fan_in * fan_out for fan_in, fan_out in zip(sizes, sizes[1:]))

    @property
    def flops_per_sample(self):
        """Floating-point operations one sample costs an epoch, as trained.

        Forward ``2 W``, weight gradients ``2 W``, and the deltas carried back
        ``2 (W - W_1)``: nobody computes the gradient with respect to the input,
        so the first layer's ``W_1`` weights have no backward delta product.
        """
        first_layer = self.n_features * (self.hidden or (self.n_outputs,))[0]
        return (
            2 * self.n_weights + 2 * self.n_weights + 2 * (self.n_weights - first_layer)
        )

    @property
    def steps_per_epoch(self):
        return math.ceil(self.n_train / min(self.batch_size, self.n_train))


def full_workloads():
    """The five workloads of the full benchmark, with their targets."""
    return [
        Workload(
            key="W1",
            name="small",
            task="binary",
            n_train=2_000,
            n_features=20,
            hidden=(32,),
            batch_size=32,
            epochs=50,
            repeats=5,
            targets=(
                Target("sknn", "vs_sklearn_f64", ">=4x vs sklearn-f64", minimum=4.0),
            ),
        ),
        Workload(
            key="W2",
            name="mnist-like",
            task="multiclass",
            n_train=20_000,
            n_features=784,
            hidden=(256, 128),
            batch_size=200,
            epochs=5,
            n_classes=10,
            extra_systems=("sknn-f64", "sknn-f32-input", "sknn-numpy"),
            targets=(
                Target("sknn", "vs_sklearn_f64", ">=2.6x vs sklearn-f64", minimum=2.6),
                Target("sknn", "vs_sklearn_f32", ">=1.5x vs sklearn-f32", minimum=1.5),
                Target("sknn-f64", "vs_sklearn_f64", ">1x vs sklearn-f64", minimum=1.0),
                Target(
                    "sknn", "peak_fraction", ">=75% of f32 peak (real)", minimum=0.75
                ),
            ),
        ),
        Workload(
            key="W3",
            name="wide",
            task="multiclass",
            n_train=20_000,
            n_features=784,
            hidden=(1024, 1024),
            batch_size=256,
            epochs=2,
            n_classes=10,
            extra_systems=("sknn-numpy",),
            targets=(
                Target(
                    "sknn", "peak_fraction", ">=80% of f32 peak (real)", minimum=0.80
                ),
            ),
        ),
        Workload(
            key="W4",
            name="regression",
            task="regression",
            n_train=20_000,
            n_features=100,
            hidden=(128, 64),
            batch_size=200,
            epochs=10,
            repeats=5,
            targets=(
                Target("sknn", "vs_sklearn_f64", ">=2x vs sklearn-f64", minimum=2.0),
            ),
        ),
        Workload(
            key="W5",
            name="big predict",
            task="binary",
            n_train=5_000,
            n_features=100,
            hidden=(128,),
            batch_size=200,
            epochs=1,
            n_predict=1_000_000,
            # sknn computes predictions in the precision of its input, as
            # scikit-learn does: the time target compares both fed float32
            extra_systems=("sknn-f32-input",),
            targets=(
                Target("sknn", "peak_extra_mib", "<=64 MiB extra", maximum=64.0),
                Target(
                    "sknn-f32-input", "peak_extra_mib", "<=64 MiB extra", maximum=64.0
                ),
                Target(
                    "sknn-f32-input",
                    "vs_sklearn_f32",
                    "time <= sklearn-f32",
                    minimum=1.0,
                ),
            ),
        ),
    ]


def quick_workloads():
    """Shrunken copies of the full workloads for a smoke run (< 1 minute)."""
    shrink = {
        "W1": dict(epochs=10),
        "W2": dict(n_train=5_000, epochs=1),
        "W3": dict(n_train=2_000, epochs=1),
        "W4": dict(n_train=5_000, epochs=2),
        "W5": dict(n_train=2_000, n_predict=200_000),
    }
    return [
        replace(workload, repeats=1, **shrink[workload.key])
        for workload in full_workloads()
    ]


def make_data(workload, n_rows):
    """Synthetic data for ``workload``, fixed seed; rows are i.i.d.

    Regression targets are standardised so that Adam's default step size suits
    them, as it would after the usual preprocessing.
    """
    from sklearn.datasets import make_classification, make_regression

    if workload.task == "regression":
        X, y = make_regression(
            n_samples=n_rows,
            n_features=workload.n_features,
            n_informative=min(workload.n_features, 20),
            noise=30.0,
            random_state=SEED,
        )
        y = (y - y.mean()) / y.std()
    else:
        X, y = make_classification(
            n_samples=n_rows,
            n_features=workload.n_features,
            n_informative=min(workload.n_features // 2, 64),
            n_redundant=0,
            n_classes=workload.n_classes,
            class_sep=2.0,
            random_state=SEED,
        )
    return X, y


def split_data(workload):
    """Return ``(X_train, y_train, X_held_out, y_held_out)``, all float64."""
    n_held_out = workload.n_predict or workload.n_test
    X, y = make_data(workload, workload.n_train + n_held_out)
    n = workload.n_train
    return X[:n], y[:n], X[n:], y[n:]
