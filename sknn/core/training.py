"""The fit loop: epochs of minibatches, and the policy that decides when to stop.

Reading order: :class:`Plateau` (when is progress over?), :func:`minibatches`,
then :meth:`Trainer.fit`, which is the whole loop:

    epoch -> batch -> forward/backward -> optimizer step -> record -> stop?

A :class:`Trainer` lives across calls (``partial_fit``, ``warm_start``): it owns
the optimizer state, the schedule, the counters and the history.
"""

import math
import time

import numpy as np

from .network import Workspace, predict


class Diverged(ArithmeticError):
    """The training loss became NaN or infinite."""


class Plateau:
    """Counts epochs in a row whose value did not beat the best one by ``tol``.

    ``higher_is_better`` is True for a validation score, False for a loss.
    """

    def __init__(self, tol, patience, higher_is_better):
        self.tol = tol
        self.patience = patience
        self.sign = 1.0 if higher_is_better else -1.0
        self.best = -np.inf
        self.count = 0

    @property
    def best_value(self):
        return self.sign * self.best

    @property
    def exhausted(self):
        return self.count > self.patience

    def update(self, value):
        """Record an epoch's value; return True if it is the best so far."""
        signed = self.sign * value
        self.count = self.count + 1 if signed < self.best + self.tol else 0
        if signed > self.best:
            self.best = signed
            return True
        return False


def minibatches(n_samples, batch_size, rng=None):
    """Yield row selections covering ``range(n_samples)``: shuffled index arrays
    when ``rng`` is given, contiguous slices (no copy of the data) otherwise."""
    if rng is None:
        for start in range(0, n_samples, batch_size):
            yield slice(start, start + batch_size)
        return
    order = rng.permutation(n_samples)
    for start in range(0, n_samples, batch_size):
        yield order[start : start + batch_size]


class Trainer:
    """Minibatch training of a :class:`~sknn.core.network.Network`.

    Parameters
    ----------
    network, loss, optimizer, schedule
        The model, a loss from ``LOSSES``, an optimizer from ``OPTIMIZERS`` and a
        schedule from ``SCHEDULES``.
    alpha : float
        L2 penalty added to the loss (0 when the optimizer decays weights itself).
    max_grad_norm : float or None
        Rescale the gradient when its global norm exceeds this value.
    dropout : list of float
        Dropout rate of each hidden layer.
    batch_size : int
    shuffle : bool
    plateau : Plateau
        Watches the training loss, or the validation score when early stopping.
    rng : numpy.random.Generator
        Source of the shuffling and of the dropout masks.
    """

    def __init__(
        self,
        network,
        loss,
        optimizer,
        schedule,
        *,
        alpha,
        max_grad_norm,
        dropout,
        batch_size,
        shuffle,
        plateau,
        rng,
    ):
        self.network = network
        self.loss = loss
        self.optimizer = optimizer
        self.schedule = schedule
        self.alpha = alpha
        self.max_grad_norm = max_grad_norm
        self.dropout = list(dropout)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.plateau = plateau
        self.rng = rng
        self.samples_seen = 0
        self.n_epochs = 0
        self.history = []
        self.best_params = None

    def fit(
        self,
        X,
        Y,
        sample_weight=None,
        *,
        max_epochs,
        validation=None,
        stop_on_plateau=True,
        callbacks=(),
    ):
        """Train for up to ``max_epochs`` epochs; return why training stopped.

        ``X`` may be of any float dtype: each minibatch is converted to the
        network's as it is gathered (see :meth:`Workspace.gather`).
        ``validation`` is ``(X_val, Y_val, w_val, score)`` with ``score(outputs)``
        returning a higher-is-better number; the best parameters seen on it are
        kept in ``best_params``. Each callback is called as ``callback(record)``
        after every epoch and stops training by returning True.

        Returns one of "max_epochs", "plateau", "callback", "interrupted" or
        "diverged". On "interrupted" (KeyboardInterrupt) and "diverged", the
        parameters are those at the end of the last completed epoch.
        """
        params = self.network.params
        last_completed = params.copy()
        ws = Workspace(self.network, min(self.batch_size, X.shape[0]), self.dropout)
        for _ in range(max_epochs):
            started = time.perf_counter()
            try:
                # a diverging epoch is reported once, as Diverged, not as NumPy warnings
                with np.errstate(over="ignore", invalid="ignore"):
                    train_loss = self._epoch(X, Y, sample_weight, ws)
            except (KeyboardInterrupt, Diverged) as stop:
                params[...] = last_completed
                return (
                    "interrupted" if isinstance(stop, KeyboardInterrupt) else "diverged"
                )
            last_completed[...] = params
            record = self._record(train_loss, validation, time.perf_counter() - started)
            if any([bool(callback(record)) for callback in callbacks]):
                return "callback"
            if self.plateau.exhausted:
                if not self.schedule.on_plateau(self.optimizer) and stop_on_plateau:
                    return "plateau"
                self.plateau.count = 0
        return "max_epochs"

    def _epoch(self, X, Y, sample_weight, ws):
        """One pass over the data; returns the mean (sample-weighted) batch loss."""
        total_loss = total_weight = 0.0
        rng = self.rng if self.shuffle else None
        for rows in minibatches(X.shape[0], ws.Z[0].shape[0], rng):
            X_batch, Y_batch = ws.gather(X, Y, rows)
            weights = None if sample_weight is None else sample_weight[rows]
            batch_weight = X_batch.shape[0] if weights is None else float(weights.sum())
            if batch_weight == 0:
                continue  # all-zero sample weights: nothing to learn, no 0/0
            batch_loss = self.network.loss_and_gradient(
                X_batch, Y_batch, weights, ws, self.loss, self.alpha, self.rng
            )
            if not math.isfinite(batch_loss):
                raise Diverged
            if self.max_grad_norm is not None:
                self._clip(ws.grad)
            self.optimizer.step(self.network.params, ws.grad)
            total_loss += batch_loss * batch_weight
            total_weight += batch_weight
        self.samples_seen += X.shape[0]
        self.schedule.epoch_end(self.optimizer, self.samples_seen)
        return total_loss / total_weight if total_weight else 0.0

    def _clip(self, grad):
        # g <- g * max_norm / ||g|| when ||g|| > max_norm: same direction, bounded step
        norm = math.sqrt(float(grad @ grad))
        if norm > self.max_grad_norm:
            grad *= self.max_grad_norm / norm

    def _record(self, train_loss, validation, seconds):
        """Append this epoch to the history and update the stopping policy."""
        self.n_epochs += 1
        record = {
            "epoch": self.n_epochs,
            "loss": train_loss,
            "val_loss": None,
            "val_score": None,
            "learning_rate": self.optimizer.learning_rate,
            "seconds": seconds,
        }
        if validation is None:
            self.plateau.update(train_loss)
        else:
            X_val, Y_val, w_val, score = validation
            outputs = self.predict(X_val)
            record["val_loss"] = self.loss.mean(Y_val, outputs, w_val)
            record["val_score"] = float(score(outputs))
            if self.plateau.update(record["val_score"]):
                self.best_params = self.network.params.copy()
        self.history.append(record)
        return record

    def predict(self, X, chunk_rows=4096):
        """Output activations of the current network for ``X``, in float64."""
        net = self.network
        return predict(
            X,
            net.weights,
            net.biases,
            [a.name for a in net.hidden_activations],
            net.output_activation.name,
            chunk_rows,
        )
