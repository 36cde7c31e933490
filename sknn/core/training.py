"""The fit loop: a training session, its epochs of minibatches, and when to stop.

Reading order: :class:`Settings` (what the caller decides), then
:meth:`Trainer.fit`, which is the whole loop:

    epoch -> batch -> forward/backward -> optimizer step -> record -> stop?

A :class:`Trainer` is a training session. It lives across calls (``partial_fit``,
``warm_start``) and owns everything that evolves while a network trains: the
optimizer and its state, the schedule, the stopping policy, the random
generator, the counters, the history and the best parameters. Each call takes
the caller's current :class:`Settings`, and is a transaction: it ends at the last
completed epoch (interrupt, divergence) or, on an error, exactly where it began
(:mod:`sknn.core.checkpoint`).
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np

from .checkpoint import Checkpoint, generator, same_random_state
from .data_init import fit_to_data
from .lbfgs import minimize_lbfgs
from .losses import LOSSES
from .network import Workspace, penalty_scale
from .optimizers import lr_factor_vector, make_optimizer
from .schedules import SCHEDULES, Timeline
from .stopping import Plateau


class Diverged(ArithmeticError):
    """The training loss or the parameters became NaN or infinite.
    Examples
    --------
    >>> from sknn.core.training import Diverged
    >>> issubclass(Diverged, ArithmeticError)
    True
    """


@dataclass
class Settings:
    """What a session takes from its caller at its start and at every resume.

    ``solver`` names an optimizer in ``OPTIMIZERS`` (or "lbfgs"), ``loss`` a loss
    in ``LOSSES``, ``schedule`` a learning-rate schedule in ``SCHEDULES``.
    ``solver_settings`` holds every optimizer's hyper-parameters by name; the
    optimizer takes those it declares. ``alpha`` is the L2 penalty of the loss, or
    the decay of an optimizer that decays weights itself (AdamW). ``dropout`` has
    one rate per hidden layer; ``n_iter_no_change`` is the stopping patience.
    ``lr_warmup``, ``dropout_schedule`` and ``weight_decay_schedule`` are the
    per-step schedules (:class:`~sknn.core.schedules.Timeline`), run over
    ``horizon`` epochs (None: the call's ``max_epochs``).
    ``lr_factors`` maps names of ``Network.groups`` to step multipliers
    (:func:`~sknn.core.optimizers.lr_factor_vector`).

    Examples
    --------
    A session resumed with other settings takes them at its next call:

    >>> from dataclasses import replace
    >>> from sknn.core.training import Settings
    >>> settings = Settings(
    ...     solver="sgd", loss="squared_error", learning_rate_init=0.1,
    ...     schedule="constant", power_t=0.5, alpha=1e-4, batch_size=32,
    ...     shuffle=True, tol=1e-4, n_iter_no_change=10, random_state=0,
    ...     solver_settings=dict(momentum=0.9, nesterov=True))
    >>> replace(settings, alpha=0.1).alpha
    0.1
    """

    solver: str
    loss: str
    learning_rate_init: float
    schedule: str
    power_t: float
    alpha: float
    batch_size: int
    shuffle: bool
    tol: float
    n_iter_no_change: float
    random_state: object
    solver_settings: dict = field(default_factory=dict)
    max_grad_norm: float | None = None
    dropout: tuple = ()
    max_fun: int = 15000
    lr_warmup: float = 0.0
    dropout_schedule: str | None = None
    weight_decay_schedule: str | None = None
    horizon: int | None = None
    lr_factors: dict | None = None


@dataclass
class Validation:
    """Validation data: ``score(outputs)`` is higher-is-better.

    The rows ``rows`` of ``X``, the training data's inputs when ``X`` is None
    (rows held out of it); with a matrix ``X`` of its own (an explicit
    validation set), all of its rows when ``rows`` is None. The best epoch is
    the first of those with the highest score, or with ``prefer_last`` the last
    of them. ``metric`` names what the score measures: when it changes between
    calls, the search for the best epoch starts over.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.training import Validation
    >>> Y = np.array([[1.0], [2.0]])
    >>> held_out = Validation(rows=np.array([8, 9]), Y=Y, sample_weight=None,
    ...                       score=lambda outputs: -np.abs(outputs - Y).mean())
    >>> float(held_out.score(np.array([[1.0], [3.0]])))
    -0.5
    """

    rows: np.ndarray | None
    Y: np.ndarray
    sample_weight: np.ndarray | None
    score: object
    X: object = None
    prefer_last: bool = False
    metric: object = "score"

    def outputs(self, network, training_X):
        """The network's outputs on these rows, computed in chunks."""
        X = training_X if self.X is None else self.X
        return network.predict(X, rows=self.rows)


@dataclass
class Data:
    """What one call trains on: rows ``train_rows`` of ``X`` (all when None).

    ``X`` may be of any float dtype, dense or sparse: each minibatch is converted
    to the network's dtype as it is gathered
    (see :meth:`~sknn.core.network.Workspace.gather`).

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.training import Data
    >>> X, Y = np.zeros((10, 3)), np.zeros((10, 1))
    >>> Data(X, Y).n_train, Data(X, Y, train_rows=np.arange(8)).n_train
    (10, 8)
    """

    X: object
    Y: np.ndarray
    sample_weight: np.ndarray | None = None
    train_rows: np.ndarray | None = None
    validation: Validation | None = None

    @property
    def n_train(self):
        return self.X.shape[0] if self.train_rows is None else len(self.train_rows)


@dataclass
class Result:
    """How a call ended: "max_epochs", "plateau", "callback", "interrupted" or
    "diverged", after ``n_epochs`` completed epochs (L-BFGS: iterations).
    Examples
    --------
    >>> from sknn.core.training import Result
    >>> result = Result("plateau", 2, [{"loss": 0.9}, {"loss": 0.7}], 200, 0.7)
    >>> result.loss
    0.7
    """

    reason: str
    n_epochs: int
    history: list
    samples_seen: int
    best_value: float
    lbfgs: object = None

    @property
    def loss(self):
        return self.history[-1]["loss"] if self.history else None


class Trainer:
    """A training session over networks of one architecture; see the module.

    Examples
    --------
    A session trains a network; resumed with other settings, it carries its
    optimizer state, generator, counters and history over:

    >>> import numpy as np
    >>> from sknn.core.initializers import INITIALIZERS
    >>> from sknn.core.network import Network
    >>> from sknn.core.training import Data, Settings, Trainer
    >>> X = np.random.default_rng(0).normal(size=(64, 2))
    >>> Y = X @ np.array([[1.0], [-1.0]])
    >>> network = Network([2, 8, 1], ["tanh"], "identity", np.float64)
    >>> session = Trainer(random_state=0)
    >>> session.initialize(network, INITIALIZERS["auto"])
    >>> settings = Settings(
    ...     solver="adam", loss="squared_error", learning_rate_init=0.05,
    ...     schedule="constant", power_t=0.5, alpha=0.0, batch_size=16,
    ...     shuffle=True, tol=1e-4, n_iter_no_change=10, random_state=0,
    ...     solver_settings=dict(beta_1=0.9, beta_2=0.999, epsilon=1e-8))
    >>> first = session.fit(network, Data(X, Y), settings, max_epochs=20,
    ...                     new_optimizer=True)
    >>> settings.learning_rate_init = 0.01
    >>> more = session.fit(network, Data(X, Y), settings, max_epochs=5,
    ...                    new_optimizer=False)
    >>> first.n_epochs, more.n_epochs, len(more.history), more.samples_seen
    (20, 5, 25, 1600)
    >>> more.loss < first.history[0]["loss"]
    True
    """

    def __init__(self, random_state=None):
        self.random_state = random_state
        self.rng = generator(random_state)
        self.network = None
        self.settings = None
        self.optimizer = None
        self.schedule = None
        self.timeline = None  # the per-step schedules, and
        self.timeline_epochs = 0  # the epochs trained on their horizon so far
        self.plateau = Plateau(0.0, np.inf, higher_is_better=False)
        self.metric = None  # what the plateau watches: None for the training loss
        self.samples_seen = 0
        self.n_epochs = 0
        self.history = []
        self.best_params = None

    @property
    def solver(self):
        """The solver whose state the session holds; None before its first call."""
        return None if self.settings is None else self.settings.solver

    def initialize(self, network, initializer):
        """Draw the first weights of ``network`` from the session's generator."""
        network.initialize(self.rng, initializer)

    def initialize_from_data(self, network, data):
        """Fit the first weights of ``network`` to the rows ``data`` trains on
        (:func:`~sknn.core.data_init.fit_to_data`), drawing from the session's
        generator."""
        fit_to_data(network, data.X, data.train_rows, self.rng)

    def draw_seed(self):
        """A seed from the session's generator, for the caller's own draws (such
        as which rows to hold out), so that one random_state seeds them all."""
        return int(self.rng.integers(np.iinfo(np.int32).max))

    # ------------------------------------------------------------ one call
    def fit(self, network, data, settings, *, max_epochs, new_optimizer, callbacks=()):
        """Train ``network`` in place for up to ``max_epochs`` epochs of minibatches.

        ``new_optimizer`` starts the optimizer afresh (a first fit, or a warm start
        as in scikit-learn); otherwise its state carries over, under the new
        settings. Each callback is called as ``callback(record)`` after every epoch
        and stops training by returning True. With validation rows, the best
        parameters seen on them are restored at the end.
        """
        self.network = network
        begun = last_completed = Checkpoint(self)
        epochs_before = self.n_epochs
        try:
            self._configure(settings, new_optimizer, data.validation, max_epochs)
            batch_size = min(settings.batch_size, data.n_train)
            ws = Workspace(network, batch_size, settings.dropout)
            for completed in range(max_epochs):
                try:
                    decision = self._epoch_and_decide(data, ws, callbacks)
                except (KeyboardInterrupt, Diverged) as stop:
                    last_completed.restore(self)
                    interrupted = isinstance(stop, KeyboardInterrupt)
                    reason = "interrupted" if interrupted else "diverged"
                    return self._end(data, reason, epochs_before)
                if decision != "continue":
                    return self._end(data, decision, epochs_before)
                if completed + 1 < max_epochs:
                    last_completed = Checkpoint(self)
            return self._end(data, "max_epochs", epochs_before)
        except BaseException:
            begun.restore(self)
            raise
        finally:
            self.network = None

    def _configure(self, settings, new_optimizer, validation, max_epochs):
        """Take the caller's current settings; see :class:`Settings`."""
        network = self.network
        if not same_random_state(settings.random_state, self.random_state):
            self.random_state = settings.random_state
            self.rng = generator(settings.random_state)
        # alpha is also the decay of an optimizer that decays weights itself
        solver_settings = {**settings.solver_settings, "weight_decay": settings.alpha}
        schedule = SCHEDULES[settings.schedule](
            settings.learning_rate_init, settings.power_t, settings.lr_warmup
        )
        if new_optimizer or self.optimizer is None:
            self.optimizer = make_optimizer(
                settings.solver,
                network.n_params,
                network.dtype,
                settings.learning_rate_init,
                slice(0, network.n_weights),
                solver_settings,
            )
        else:
            self.optimizer.configure(**solver_settings)
            if schedule != self.schedule:
                self.optimizer.learning_rate = settings.learning_rate_init
        self.optimizer.lr_factors = lr_factor_vector(
            network.groups, settings.lr_factors, network.n_params, network.dtype
        )
        self.schedule = schedule
        timeline = Timeline(
            schedule,
            settings.dropout_schedule,
            settings.weight_decay_schedule,
            settings.horizon or max_epochs,
        )
        if new_optimizer or timeline != self.timeline:
            self.timeline_epochs = 0  # the clock restarts with new schedules
        self.timeline = timeline
        metric = None if validation is None else validation.metric
        if metric != self.metric:
            # early stopping toggled, or scored otherwise: the old best is moot
            self.best_params = None
            self.plateau = Plateau(0.0, np.inf, higher_is_better=metric is not None)
            self.metric = metric
        self.plateau.configure(
            settings.tol, settings.n_iter_no_change, metric is not None
        )
        self.settings = settings

    def _epoch_and_decide(self, data, ws, callbacks):
        """One epoch, recorded; then "continue", "callback" or "plateau"."""
        started = time.perf_counter()
        # a diverging epoch is reported once, as Diverged, not as NumPy warnings
        with np.errstate(over="ignore", invalid="ignore"):
            train_loss = self._epoch(data, ws)
        if not self.network.is_finite():
            raise Diverged  # caught before the epoch counts as completed
        record = self._record(train_loss, data, time.perf_counter() - started)
        if any([bool(callback(record)) for callback in callbacks]):
            return "callback"
        if self.plateau.exhausted:
            if not self.schedule.on_plateau(self.optimizer):
                return "plateau"
            self.plateau.count = 0
        return "continue"

    def _minibatches(self, data, batch_size):
        """Row selections covering the training rows: shuffled index arrays, or
        contiguous slices (no copy of the data) when all rows train in order."""
        n, rows = data.n_train, data.train_rows
        if self.settings.shuffle:
            order = self.rng.permutation(n)
            rows = order if rows is None else rows[order]
        for start in range(0, n, batch_size):
            stop = start + batch_size
            yield slice(start, stop) if rows is None else rows[start:stop]

    def _epoch(self, data, ws):
        """One pass over the training rows; returns the loss as scikit-learn's MLP
        reports it: the batch losses averaged with their numbers of rows."""
        network, optimizer, settings = self.network, self.optimizer, self.settings
        loss = LOSSES[settings.loss].for_targets(data.Y)
        l2 = 0.0 if optimizer.decays_weights else settings.alpha
        # clipping needs the whole gradient, the L2 term included, before the step
        clipped = settings.max_grad_norm is not None
        timeline = self.timeline if self.timeline.active else None
        batch_size = ws.Z[0].shape[0]
        n_batches = -(-data.n_train // batch_size)
        total_loss = rows_trained = 0
        for k, rows in enumerate(self._minibatches(data, batch_size)):
            X_batch, Y_batch = ws.gather(data.X, data.Y, rows)
            weights = None if data.sample_weight is None else data.sample_weight[rows]
            if weights is not None and float(weights.sum()) == 0:
                continue  # all-zero sample weights: nothing to learn, no 0/0
            if timeline is not None:
                l2 = self._scheduled(ws, self.timeline_epochs + k / n_batches)
            batch_loss = network.loss_and_gradient(
                X_batch,
                Y_batch,
                weights,
                ws,
                loss,
                l2,
                self.rng,
                penalty_gradient=clipped,
            )
            if not math.isfinite(batch_loss):
                raise Diverged
            if clipped:
                _clip(ws.grad, settings.max_grad_norm)
            # unclipped, the step adds the L2 gradient in its own pass over grad
            step_l2 = 0.0 if clipped or not l2 else penalty_scale(l2, X_batch, weights)
            optimizer.step(network.params, ws.grad, step_l2)
            total_loss += batch_loss * X_batch.shape[0]
            rows_trained += X_batch.shape[0]
        self.samples_seen += data.n_train
        if timeline is not None:
            self.timeline_epochs += 1
            self._scheduled(ws, self.timeline_epochs)  # the rate the record shows
        self.schedule.epoch_end(optimizer, self.samples_seen)
        return total_loss / rows_trained if rows_trained else 0.0

    def _scheduled(self, ws, epochs):
        """Set the per-step schedules' values after ``epochs`` epochs of their
        horizon; returns the L2 penalty of the step."""
        settings = self.settings
        return self.timeline.apply(
            self.timeline.t(epochs),
            self.optimizer,
            ws.dropout,
            settings.dropout,
            settings.alpha,
        )

    def _record(self, train_loss, data, seconds):
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
        validation = data.validation
        if validation is None:
            self.plateau.update(train_loss)
        else:
            outputs = validation.outputs(self.network, data.X)
            loss = LOSSES[self.settings.loss]
            record["val_loss"] = loss.reported(
                validation.Y, outputs, validation.sample_weight
            )
            score = record["val_score"] = float(validation.score(outputs))
            best = self.plateau.update(score)
            if best or (validation.prefer_last and score == self.plateau.best_value):
                self.best_params = self.network.params.copy()
        self.history.append(record)
        return record

    def _end(self, data, reason, epochs_before, lbfgs=None):
        if data.validation is not None and self.best_params is not None:
            self.network.params[...] = self.best_params
        return Result(
            reason=reason,
            n_epochs=self.n_epochs - epochs_before,
            history=list(self.history),
            samples_seen=self.samples_seen,
            best_value=self.plateau.best_value,
            lbfgs=lbfgs,
        )

    # ------------------------------------------------------------ full batch
    def fit_lbfgs(self, network, data, settings, *, max_iter, callbacks=()):
        """Minimise the full-batch loss of ``network`` with L-BFGS, in place.

        The same transaction as :meth:`fit`: an interrupt or non-finite parameters
        end the call at the last completed iteration, an error where it began.
        Each callback sees one record per iteration.
        """
        self.network = network
        begun = Checkpoint(self)
        epochs_before = self.n_epochs
        last = [time.perf_counter()]

        def on_iteration(loss):
            now = time.perf_counter()
            self.n_epochs += 1
            self.samples_seen += data.n_train
            record = {
                "epoch": self.n_epochs,
                "loss": loss,
                "val_loss": None,
                "val_score": None,
                "learning_rate": None,
                "seconds": now - last[0],
            }
            last[0] = now
            self.history.append(record)
            return any([bool(callback(record)) for callback in callbacks])

        try:
            self.settings = settings
            reason, result = minimize_lbfgs(
                network,
                data.X,
                data.Y,
                data.sample_weight,
                LOSSES[settings.loss],
                alpha=settings.alpha,
                max_iter=max_iter,
                max_fun=settings.max_fun,
                tol=settings.tol,
                on_iteration=on_iteration,
            )
            return self._end(data, reason, epochs_before, lbfgs=result)
        except BaseException:
            begun.restore(self)
            raise
        finally:
            self.network = None


def _clip(grad, max_norm):
    # g <- g * max_norm / ||g|| when ||g|| > max_norm: same direction, bounded step
    norm = math.sqrt(float(grad @ grad))
    if norm > max_norm:
        grad *= max_norm / norm
