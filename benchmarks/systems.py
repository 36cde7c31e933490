"""The systems under test: how each builds its estimator, and what data it is fed.

scikit-learn is timed fed float64 data and fed float32 data; sknn in its
default float32 (and, on some workloads, in float64, fed float32 data, or with
its NumPy optimizer step where numba would compile it); a plain PyTorch loop is
a speed reference when PyTorch is importable.
"""

import os
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from .workloads import LEARNING_RATE, SEED


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


def compiled_step_available():
    """Whether sknn's loops are compiled here (numba installed, not off)."""
    from sknn.core import compiled

    return compiled.adam_step() is not None


@contextmanager
def _numpy_step_only():
    before = os.environ.get("SKNN_COMPILED")
    os.environ["SKNN_COMPILED"] = "0"
    try:
        yield
    finally:
        if before is None:
            del os.environ["SKNN_COMPILED"]
        else:
            os.environ["SKNN_COMPILED"] = before


class NumPyStep:
    """sknn trained with NumPy's loops only (``SKNN_COMPILED=0``), as where
    numba is missing: the Adam step and the minibatch gather."""

    def __init__(self, estimator):
        self.estimator = estimator

    def fit(self, X, y):
        with _numpy_step_only():
            self.estimator.fit(X, y)
        self.n_iter_ = self.estimator.n_iter_
        return self

    def predict(self, X):
        return self.estimator.predict(X)

    def score(self, X, y):
        return self.estimator.score(X, y)


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
    if "sknn-numpy" in workload.extra_systems and compiled_step_available():
        systems.append(
            System("sknn-numpy", np.float64, lambda w: NumPyStep(build_sknn(w)))
        )
    if include_torch is None:
        include_torch = torch_is_available()
    if include_torch and not workload.n_predict:
        systems.append(
            System("torch", np.float32, lambda w: TorchReference(w, threads))
        )
    return systems
