"""Benchmark sknn against scikit-learn's MLP on the same training problems.

Usage::

    python benchmarks/run.py [--quick] [--threads N] [--markdown PATH]

Every workload trains scikit-learn's ``MLPClassifier``/``MLPRegressor`` and
sknn's ``FirstNetClassifier``/``FirstNetRegressor`` with the same architecture,
batch size, number of epochs and Adam learning rate, with early stopping
disabled so that every system runs exactly the same number of epochs. The
systems are timed in the same process and their repeats are interleaved
(sklearn-f64, sklearn-f32, sknn, sklearn-f64, ...) so that a slow phase of the
machine hurts all of them alike; the tables report medians.

scikit-learn is timed twice: fed float64 data (the common case, it then
computes in float64) and fed float32 data (it then computes in float32).
sknn is fed the float64 data and converts it itself.

Achieved GFLOP/s counts ``6 * n_samples * n_weights`` floating point
operations per epoch (forward pass plus the two backward matrix products;
biases and activations are ignored) and is compared with this machine's
float32 matrix-multiplication peak, measured at start-up.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import statistics
import sys
import time
import tracemalloc
import warnings
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

SEED = 0
LEARNING_RATE = 1e-3

# Columns of the training table (workloads W1-W4), in display order.
TRAIN_COLUMNS = (
    "workload",
    "system",
    "fit_s",
    "vs_sklearn_f64",
    "vs_sklearn_f32",
    "gflops",
    "peak_fraction",
    "us_per_step",
    "predict_s",
    "score",
    "epochs_run",
    "checks",
)

# Columns of the large-prediction table (workload W5), in display order.
PREDICT_COLUMNS = (
    "workload",
    "system",
    "n_rows",
    "predict_s",
    "vs_sklearn_f64",
    "vs_sklearn_f32",
    "peak_extra_mib",
    "score",
    "checks",
)

COLUMN_TITLES = {
    "workload": "workload",
    "system": "system",
    "fit_s": "fit s",
    "vs_sklearn_f64": "speed-up vs sklearn-f64",
    "vs_sklearn_f32": "speed-up vs sklearn-f32",
    "gflops": "GFLOP/s",
    "peak_fraction": "% of f32 GEMM peak",
    "us_per_step": "µs / step",
    "predict_s": "predict s",
    "score": "held-out score",
    "epochs_run": "epochs",
    "n_rows": "rows",
    "peak_extra_mib": "peak extra MiB",
    "checks": "targets",
}


# --------------------------------------------------------------------------
# Workloads and targets
# --------------------------------------------------------------------------


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
            extra_systems=("sknn-f64", "sknn-f32-input"),
            targets=(
                Target("sknn", "vs_sklearn_f64", ">=2.6x vs sklearn-f64", minimum=2.6),
                Target("sknn", "vs_sklearn_f32", ">=1.5x vs sklearn-f32", minimum=1.5),
                Target("sknn-f64", "vs_sklearn_f64", ">1x vs sklearn-f64", minimum=1.0),
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
            targets=(
                Target("sknn", "peak_fraction", ">=70% of f32 peak", minimum=0.70),
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


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Systems under test
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class System:
    """A way of building an estimator and the dtype of the data it is fed."""

    name: str
    input_dtype: type
    builder: object  # callable(workload) -> unfitted estimator


def shared_parameters(workload):
    """Constructor parameters every MLP-like system is given."""
    return dict(
        hidden_layer_sizes=workload.hidden,
        activation="relu",
        solver="adam",
        learning_rate_init=LEARNING_RATE,
        batch_size=workload.batch_size,
        max_iter=workload.epochs,
        # tol=0 and a patience as long as the run: every system does every epoch.
        tol=0.0,
        n_iter_no_change=workload.epochs,
        early_stopping=False,
        shuffle=True,
        random_state=SEED,
    )


def build_sklearn(workload):
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    estimator = MLPRegressor if workload.task == "regression" else MLPClassifier
    return estimator(**shared_parameters(workload))


def build_sknn(workload, dtype="float32"):
    try:
        import sknn
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError(
            "benchmarks/run.py needs sknn importable: run it from the repository "
            "root with PYTHONPATH=. or install sknn with `pip install -e .`."
        ) from exc
    estimator = (
        sknn.FirstNetRegressor
        if workload.task == "regression"
        else sknn.FirstNetClassifier
    )
    return estimator(**shared_parameters(workload), dtype=dtype)


def torch_is_available():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


class TorchReference:
    """A plain PyTorch training loop with the same network, Adam and batches.

    It is a speed reference only: no L2 penalty, float32, CPU, ``threads``
    intra-op threads (PyTorch's own pool, which threadpoolctl may not reach).
    """

    def __init__(self, workload, threads=1):
        self.workload = workload
        self.threads = threads

    def _network(self, torch):
        sizes = (self.workload.n_features, *self.workload.hidden)
        layers = []
        for fan_in, fan_out in zip(sizes, sizes[1:]):
            layers += [torch.nn.Linear(fan_in, fan_out), torch.nn.ReLU()]
        n_out = 1 if self.workload.task == "regression" else len(self.classes_)
        layers.append(torch.nn.Linear(sizes[-1], n_out))
        return torch.nn.Sequential(*layers)

    def fit(self, X, y):
        import torch

        torch.set_num_threads(self.threads)
        torch.manual_seed(SEED)
        inputs = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
        if self.workload.task == "regression":
            self.classes_ = None
            targets = torch.from_numpy(np.asarray(y, dtype=np.float32)).reshape(-1, 1)
            loss_function = torch.nn.MSELoss()
        else:
            self.classes_, encoded = np.unique(y, return_inverse=True)
            targets = torch.from_numpy(encoded.astype(np.int64))
            loss_function = torch.nn.CrossEntropyLoss()
        self.model_ = self._network(torch)
        optimizer = torch.optim.Adam(self.model_.parameters(), lr=LEARNING_RATE)
        generator = torch.Generator().manual_seed(SEED)
        n_samples, batch = len(inputs), self.workload.batch_size
        for _ in range(self.workload.epochs):
            order = torch.randperm(n_samples, generator=generator)
            for start in range(0, n_samples, batch):
                rows = order[start : start + batch]
                optimizer.zero_grad()
                loss = loss_function(self.model_(inputs[rows]), targets[rows])
                loss.backward()
                optimizer.step()
        self.n_iter_ = self.workload.epochs
        return self

    def _raw_output(self, X):
        import torch

        with torch.no_grad():
            inputs = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
            return self.model_(inputs).numpy()

    def predict(self, X):
        output = self._raw_output(X)
        if self.classes_ is None:
            return output.ravel()
        return self.classes_[output.argmax(axis=1)]

    def score(self, X, y):
        from sklearn.metrics import accuracy_score, r2_score

        if self.classes_ is None:
            return r2_score(y, self.predict(X))
        return accuracy_score(y, self.predict(X))


def systems_for(workload, include_torch=None, threads=1):
    """The systems timed on ``workload``; references first.

    ``include_torch=None`` adds the PyTorch reference when torch is importable.
    """
    systems = [
        System("sklearn-f64", np.float64, build_sklearn),
        System("sklearn-f32", np.float32, build_sklearn),
        System("sknn", np.float64, build_sknn),
    ]
    if "sknn-f64" in workload.extra_systems:
        systems.append(
            System("sknn-f64", np.float64, lambda w: build_sknn(w, dtype="float64"))
        )
    if "sknn-f32-input" in workload.extra_systems:
        systems.append(System("sknn-f32-input", np.float32, build_sknn))
    if include_torch is None:
        include_torch = torch_is_available()
    if include_torch and not workload.n_predict:
        systems.append(
            System("torch", np.float32, lambda w: TorchReference(w, threads))
        )
    return systems


# --------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------


def measure_gemm_peak(size=2048, trials=5):
    """Best float32 GFLOP/s of a ``size x size`` matrix product on this machine.

    Run it under the same thread limit as the benchmark.
    """
    rng = np.random.default_rng(SEED)
    a = rng.standard_normal((size, size), dtype=np.float32)
    b = rng.standard_normal((size, size), dtype=np.float32)
    out = np.empty((size, size), dtype=np.float32)
    np.matmul(a, b, out=out)  # warm-up: lets BLAS start its threads
    best = math.inf
    for _ in range(trials):
        start = time.perf_counter()
        np.matmul(a, b, out=out)
        best = min(best, time.perf_counter() - start)
    return 2.0 * size**3 / best / 1e9


def timed(function, *args):
    """Run ``function(*args)`` after a garbage collection; return (result, s)."""
    gc.collect()
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def peak_extra_memory_mib(function, *args):
    """Peak memory allocated while ``function(*args)`` runs, in MiB.

    Measured with ``tracemalloc``, which sees NumPy's array buffers as well as
    Python objects (NumPy reports its allocations to it); memory that existed
    before the call is not counted, the returned array is.
    """
    gc.collect()
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = function(*args)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del result
    return (peak - baseline) / 2**20


def silence_convergence_warnings():
    """Ignore the "maximum iterations reached" warnings a fixed budget causes."""
    from sklearn.exceptions import ConvergenceWarning

    warnings.simplefilter("ignore", category=ConvergenceWarning)


def score_tolerance(task, reference_score, n_held_out):
    """How far below sklearn-f64's held-out score still counts as noise.

    Accuracy: three binomial standard errors of the held-out estimate, at least
    one point. R^2: 0.02.
    """
    if task == "regression":
        return 0.02
    p = min(max(reference_score, 0.0), 1.0)
    return max(0.01, 3.0 * math.sqrt(p * (1.0 - p) / n_held_out))


def add_ratios(rows, metric):
    """Speed-ups of each row relative to the sklearn rows (higher is faster)."""
    by_system = {row["system"]: row for row in rows}
    for row in rows:
        for reference in ("sklearn-f64", "sklearn-f32"):
            reference_time = by_system[reference][metric]
            row["vs_" + reference.replace("-", "_")] = reference_time / row[metric]


def add_checks(workload, rows, n_held_out):
    """Fill each row's ``checks`` cell with its targets and PASS/FAIL.

    sknn rows also check that their held-out score is within noise of
    sklearn-f64's (a better score always passes).
    """
    by_system = {row["system"]: row for row in rows}
    reference_score = by_system["sklearn-f64"]["score"]
    tolerance = score_tolerance(workload.task, reference_score, n_held_out)
    for row in rows:
        verdicts = [
            f"{target.label}: {'PASS' if target.is_met(row[target.metric]) else 'FAIL'}"
            for target in workload.targets
            if target.system == row["system"]
        ]
        if row["system"].startswith("sknn"):
            within_noise = row["score"] >= reference_score - tolerance
            verdicts.append(
                f"score >= sklearn-f64 - {tolerance:.3f}: "
                f"{'PASS' if within_noise else 'FAIL'}"
            )
        if "epochs_run" in row and row["epochs_run"] != workload.epochs:
            verdicts.append(f"ran {row['epochs_run']} of {workload.epochs} epochs")
        row["checks"] = "; ".join(verdicts)


def run_training_workload(workload, systems, gemm_peak_gflops):
    """Time fit and predict of every system on ``workload``; one row each.

    Repeats are interleaved across systems and summarised by their median.
    """
    silence_convergence_warnings()
    X_train, y_train, X_test, y_test = split_data(workload)
    inputs = {
        dtype: (X_train.astype(dtype), X_test.astype(dtype))
        for dtype in {system.input_dtype for system in systems}
    }
    warm_up(workload, systems, inputs, y_train)

    fit_times = {system.name: [] for system in systems}
    predict_times = {system.name: [] for system in systems}
    fitted = {}
    for _ in range(workload.repeats):
        for system in systems:
            train, test = inputs[system.input_dtype]
            estimator = system.builder(workload)
            _, seconds = timed(estimator.fit, train, y_train)
            fit_times[system.name].append(seconds)
            _, seconds = timed(estimator.predict, test)
            predict_times[system.name].append(seconds)
            fitted[system.name] = estimator

    flops = 6.0 * workload.n_train * workload.n_weights * workload.epochs
    n_steps = workload.steps_per_epoch * workload.epochs
    rows = []
    for system in systems:
        fit_s = statistics.median(fit_times[system.name])
        estimator = fitted[system.name]
        test = inputs[system.input_dtype][1]
        rows.append(
            {
                "workload": workload.key,
                "system": system.name,
                "fit_s": fit_s,
                "gflops": flops / fit_s / 1e9,
                "peak_fraction": flops / fit_s / 1e9 / gemm_peak_gflops,
                "us_per_step": fit_s / n_steps * 1e6,
                "predict_s": statistics.median(predict_times[system.name]),
                "score": float(estimator.score(test, y_test)),
                "epochs_run": int(estimator.n_iter_),
            }
        )
    add_ratios(rows, "fit_s")
    add_checks(workload, rows, workload.n_test)
    return [{column: row[column] for column in TRAIN_COLUMNS} for row in rows]


def warm_up(workload, systems, inputs, y_train):
    """Fit each system once on a small slice so first-call costs are not timed."""
    tiny = replace(workload, n_train=min(workload.n_train, 256), epochs=1)
    for system in systems:
        train, _ = inputs[system.input_dtype]
        system.builder(tiny).fit(train[: tiny.n_train], y_train[: tiny.n_train])


def run_predict_workload(workload, systems):
    """Time ``predict_proba`` on ``workload.n_predict`` rows; one row per system.

    The models are trained briefly on a small subset; then each repeat times
    every system's ``predict_proba`` in turn, and one extra call per system,
    not timed, measures its peak extra memory with ``tracemalloc``.
    """
    silence_convergence_warnings()
    X_train, y_train, X_big, y_big = split_data(workload)
    inputs = {
        dtype: (X_train.astype(dtype), X_big.astype(dtype, copy=False))
        for dtype in {system.input_dtype for system in systems}
    }
    del X_big
    fitted = {}
    for system in systems:
        train, _ = inputs[system.input_dtype]
        fitted[system.name] = system.builder(workload).fit(train, y_train)

    predict_times = {system.name: [] for system in systems}
    for _ in range(workload.repeats):
        for system in systems:
            big = inputs[system.input_dtype][1]
            proba, seconds = timed(fitted[system.name].predict_proba, big)
            predict_times[system.name].append(seconds)
            del proba

    rows = []
    for system in systems:
        estimator = fitted[system.name]
        big = inputs[system.input_dtype][1]
        proba = estimator.predict_proba(big)
        accuracy = float(np.mean(estimator.classes_[proba.argmax(axis=1)] == y_big))
        del proba
        rows.append(
            {
                "workload": workload.key,
                "system": system.name,
                "n_rows": workload.n_predict,
                "predict_s": statistics.median(predict_times[system.name]),
                "peak_extra_mib": peak_extra_memory_mib(estimator.predict_proba, big),
                "score": accuracy,
            }
        )
    add_ratios(rows, "predict_s")
    add_checks(workload, rows, workload.n_predict)
    return [{column: row[column] for column in PREDICT_COLUMNS} for row in rows]


def run_workload(workload, gemm_peak_gflops, include_torch=None, threads=1):
    """Run one workload with its default systems.

    Parameters
    ----------
    workload : Workload
        The problem to run, e.g. one of ``full_workloads()``.
    gemm_peak_gflops : float
        This machine's float32 matrix-product peak, from ``measure_gemm_peak``.
    include_torch : bool or None, default=None
        Whether to add the PyTorch reference row; None adds it when torch is
        importable (never for the prediction workload).
    threads : int, default=1
        Threads for the PyTorch reference; BLAS threads are limited by the
        caller with ``threadpool_limits``.

    Returns
    -------
    rows : list of dict
        One row per system, keyed by ``PREDICT_COLUMNS`` for the prediction
        workload and by ``TRAIN_COLUMNS`` otherwise.

    Examples
    --------
    >>> from dataclasses import replace
    >>> tiny = replace(quick_workloads()[0], n_train=100, epochs=1)
    >>> rows = run_workload(tiny, gemm_peak_gflops=100.0, include_torch=False)
    >>> [row["system"] for row in rows]
    ['sklearn-f64', 'sklearn-f32', 'sknn']
    """
    systems = systems_for(workload, include_torch=include_torch, threads=threads)
    if workload.n_predict:
        return run_predict_workload(workload, systems)
    return run_training_workload(workload, systems, gemm_peak_gflops)


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------


def format_cell(column, value):
    if isinstance(value, str):
        return value
    if column.startswith("vs_"):
        return f"{value:.2f}x"
    if column == "peak_fraction":
        return f"{100 * value:.1f}%"
    if column in ("fit_s", "predict_s"):
        return f"{value:#.3g}"
    if column in ("gflops", "us_per_step", "peak_extra_mib"):
        return f"{value:.1f}"
    if column == "score":
        return f"{value:.4f}"
    if column == "n_rows":
        return f"{value:,}"
    return str(value)


def markdown_table(rows, columns):
    """Rows (dicts) as a GitHub-flavoured markdown table."""
    lines = [
        "| " + " | ".join(COLUMN_TITLES[column] for column in columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    for row in rows:
        cells = (format_cell(column, row[column]) for column in columns)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def cpu_name():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_description():
    """The thread pools threadpoolctl sees, as one line per library."""
    lines = []
    for info in threadpool_info():
        name = info.get("internal_api", info.get("prefix", "?"))
        details = [f"{info.get('num_threads')} thread(s)"]
        for key in ("version", "architecture", "threading_layer"):
            if info.get(key):
                details.append(f"{key} {info[key]}")
        lines.append(
            f"{name} ({info.get('user_api')}): "
            + ", ".join(details)
            + f" [{Path(info.get('filepath', '')).name}]"
        )
    return lines


def environment_lines(threads, gemm_peak_gflops, quick):
    import sklearn

    try:
        import sknn

        sknn_version = getattr(sknn, "__version__", "unknown")
    except ImportError:
        sknn_version = "not importable"
    lines = [
        f"- date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- mode: {'quick (shrunken sizes, 1 repeat)' if quick else 'full'}",
        f"- CPU: {cpu_name()} ({os.cpu_count()} logical CPUs), "
        f"load average at start: {load_average()}",
        f"- BLAS threads (threadpoolctl limit): {threads}",
        f"- float32 GEMM peak (2048x2048 matmul, best of 5): "
        f"{gemm_peak_gflops:.1f} GFLOP/s",
        f"- Python {platform.python_version()}, NumPy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, sknn {sknn_version}",
    ]
    lines += [f"- thread pool: {line}" for line in blas_description()]
    lines.append(f"- BLAS environment variables: {blas_environment()}")
    if "OPENBLAS_CORETYPE" in os.environ:
        lines.append(
            "- note: OPENBLAS_CORETYPE forces one CPU's kernels for every system; "
            "to time this CPU's own, run with "
            "`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE`"
        )
    return lines


def blas_environment():
    """The variables that change which BLAS kernels run, and how many threads.

    OPENBLAS_CORETYPE forces one CPU's kernels (e.g. Haswell's AVX2 ones on a
    CPU with AVX-512), which changes every system's matrix-product speed.
    """
    names = (
        "OPENBLAS_CORETYPE",
        "OPENBLAS_L2_SIZE",
        "OPENBLAS_NUM_THREADS",
        "OMP_NUM_THREADS",
        "MKL_NUM_THREADS",
    )
    found = [f"{name}={os.environ[name]}" for name in names if name in os.environ]
    return ", ".join(found) or "none set"


def load_average():
    """The 1-minute load average, or "unknown"; other work on the machine skews
    the timings."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "unknown"


def workload_section(workload, rows):
    columns = PREDICT_COLUMNS if workload.n_predict else TRAIN_COLUMNS
    return f"### {workload.key} {workload.title}\n\n" + markdown_table(rows, columns)


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark sknn against scikit-learn's MLP.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="shrunken sizes and one repeat, for a smoke run (< 1 minute)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="BLAS / OpenMP threads allowed to every system (default 1)",
    )
    parser.add_argument(
        "--markdown", type=Path, help="also write the report as markdown to PATH"
    )
    parser.add_argument(
        "--only",
        help="comma-separated workload keys to run, e.g. W1,W3 (default: all)",
    )
    parser.add_argument(
        "--repeats", type=int, help="override every workload's number of repeats"
    )
    parser.add_argument(
        "--no-torch",
        action="store_true",
        help="skip the PyTorch reference row even if torch is importable",
    )
    arguments = parser.parse_args(argv)
    if arguments.threads < 1:
        parser.error("--threads must be at least 1")
    if arguments.repeats is not None and arguments.repeats < 1:
        parser.error("--repeats must be at least 1")
    return arguments


def select_workloads(arguments):
    workloads = quick_workloads() if arguments.quick else full_workloads()
    if arguments.only:
        wanted = {key.strip().upper() for key in arguments.only.split(",")}
        unknown = wanted - {workload.key for workload in workloads}
        if unknown:
            raise SystemExit(
                f"Unknown workload(s) {sorted(unknown)}; choose among "
                f"{[workload.key for workload in workloads]}."
            )
        workloads = [workload for workload in workloads if workload.key in wanted]
    if arguments.repeats:
        workloads = [replace(w, repeats=arguments.repeats) for w in workloads]
    return workloads


def main(argv=None):
    arguments = parse_arguments(argv)
    workloads = select_workloads(arguments)
    include_torch = False if arguments.no_torch else None
    # Load the BLAS and OpenMP runtimes before limiting them, so that the limit
    # reaches every pool the systems will use.
    import sklearn.neural_network  # noqa: F401

    with threadpool_limits(limits=arguments.threads):
        gemm_peak = measure_gemm_peak()
        header = environment_lines(arguments.threads, gemm_peak, arguments.quick)
        print("## sknn benchmark\n\n" + "\n".join(header) + "\n", flush=True)
        sections = []
        for workload in workloads:
            start = time.perf_counter()
            rows = run_workload(
                workload,
                gemm_peak,
                include_torch=include_torch,
                threads=arguments.threads,
            )
            section = workload_section(workload, rows)
            elapsed = time.perf_counter() - start
            print(f"{section}\n\n({elapsed:.0f} s)\n", flush=True)
            sections.append(section)
    if arguments.markdown:
        report = "\n\n".join(["## sknn benchmark", "\n".join(header), *sections])
        arguments.markdown.write_text(report + "\n")
        print(f"Markdown report written to {arguments.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
