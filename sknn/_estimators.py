"""The scikit-learn contract: FirstNetClassifier and FirstNetRegressor.

Everything scikit-learn-specific lives here: parameters and their validation,
input checks, target encoding, fitted attributes and warnings. The training
itself is one call into :mod:`sknn.core`. The classifier and the regressor
differ only in how targets are encoded, which loss they use and how outputs
become predictions; everything else is in :class:`_BaseFirstNet`.
"""

import copy
import os
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    type_of_target,
    unique_labels,
)
from sklearn.utils.optimize import _check_optimize_result
from sklearn.utils.validation import (
    _check_sample_weight,
    assert_all_finite,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from ._callbacks import CallbackSupportMixin, epoch_tasks
from ._persistence import VersionedPickleMixin
from .core.activations import HIDDEN_ACTIVATIONS
from .core.initializers import INITIALIZERS
from .core.lbfgs import fit_lbfgs
from .core.losses import LOSSES
from .core.network import Network, predict
from .core.optimizers import OPTIMIZERS
from .core.schedules import SCHEDULES
from .core.training import Plateau, Trainer

# Rows per chunk at predict time: bounds its memory whatever the number of rows.
_PREDICT_CHUNK_ELEMENTS = 1 << 20


def _physical_memory_bytes():
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def _value_range(values, chunk_elements=1 << 17):
    """``(min, max)`` of an array, NaN when it holds a NaN, reading it once.

    Both reductions run on one block of rows at a time: the block is still in
    cache for the second, so a large X crosses the memory bus once, not twice.
    """
    rows = max(1, chunk_elements // max(1, values[0].size)) if values.size else 1
    lows, highs = [], []
    for start in range(0, values.shape[0], rows):
        block = values[start : start + rows]
        lows.append(block.min())
        highs.append(block.max())
    # np.min and np.max propagate NaN, as Python's min and max would not
    return (np.min(lows), np.max(highs)) if lows else (0.0, 0.0)


class _BaseFirstNet(VersionedPickleMixin, CallbackSupportMixin, BaseEstimator):
    """Shared parameters, validation and training of the two estimators."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(HIDDEN_ACTIVATIONS)), list, tuple],
        "solver": [StrOptions({"lbfgs"} | set(OPTIMIZERS))],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [StrOptions(set(SCHEDULES))],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left"), list, tuple],
        "weight_init": [StrOptions(set(INITIALIZERS))],
        "dtype": [
            StrOptions({"float32", "float64"}),
            Options(type, {np.float32, np.float64}),
        ],
        "max_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
    }

    # ------------------------------------------------------------------ checks
    def _hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if np.isscalar(sizes) else list(sizes)
        if not all(isinstance(s, Integral | np.integer) and s > 0 for s in sizes):
            raise ValueError(
                "hidden_layer_sizes must be positive integers, got "
                f"{self.hidden_layer_sizes!r}."
            )
        return [int(s) for s in sizes]

    def _per_layer(self, name, value, n_hidden, check):
        """Expand a scalar-or-sequence parameter to one value per hidden layer."""
        values = [value] * n_hidden if isinstance(value, str | Real) else list(value)
        if len(values) != n_hidden:
            raise ValueError(
                f"{name} has {len(values)} entries but there are {n_hidden} hidden "
                f"layers (hidden_layer_sizes={self.hidden_layer_sizes!r}): give one "
                "value, or one per hidden layer."
            )
        for v in values:
            check(v)
        return values

    def _hidden_activations(self, n_hidden):
        def check(name):
            if name not in HIDDEN_ACTIVATIONS:
                raise ValueError(
                    f"Unknown activation {name!r}; choose from "
                    f"{sorted(HIDDEN_ACTIVATIONS)}."
                )

        return self._per_layer("activation", self.activation, n_hidden, check)

    def _dropout_rates(self, n_hidden):
        def check(rate):
            if not isinstance(rate, Real) or not 0 <= rate < 1:
                raise ValueError(
                    f"Each dropout rate must be a float in [0, 1), got {rate!r}: "
                    "a rate of 1 would drop every unit."
                )

        return [
            float(r) for r in self._per_layer("dropout", self.dropout, n_hidden, check)
        ]

    @property
    def _compute_dtype(self):
        return np.dtype(self.dtype)

    def _check_memory(self, layer_units, batch_size):
        """Refuse, before allocating, a network too large for this machine's memory."""
        available = _physical_memory_bytes()
        if available is None:
            return
        itemsize = self._compute_dtype.itemsize
        n_params = sum(a * b + b for a, b in zip(layer_units[:-1], layer_units[1:]))
        # parameters, gradient and up to 3 optimizer vectors; 4 buffers per unit and row
        needed = itemsize * (5 * n_params + 4 * batch_size * sum(layer_units[1:]))
        if needed > available:
            raise MemoryError(
                f"This network needs about {needed / 2**30:.1f} GiB "
                f"({n_params:,} parameters with layer sizes {layer_units}) but the "
                f"machine has {available / 2**30:.1f} GiB: use smaller "
                "hidden_layer_sizes or batch_size."
            )

    # ---------------------------------------------------------------- fitting
    def _fit(self, X, y, sample_weight, incremental):
        hidden_sizes = self._hidden_layer_sizes()
        activations = self._hidden_activations(len(hidden_sizes))
        dropout = self._dropout_rates(len(hidden_sizes))
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True.")
        first_call = not hasattr(self, "coefs_") or not (self.warm_start or incremental)

        X, y = self._validate_input(X, y, incremental, reset=first_call)
        X = self._training_input(X)
        Y, encoder = self._encode_targets(y, first_call, incremental)
        sample_weight = self._sample_weight(sample_weight, X, y, incremental)
        Y = Y.astype(self._compute_dtype)

        layer_units = [X.shape[1], *hidden_sizes, Y.shape[1]]
        previous_units = None
        if not first_call:
            previous_units = [c.shape[0] for c in self.coefs_] + [self.n_outputs_]
        if previous_units not in (None, layer_units):
            raise ValueError(
                "The network's layers changed since the last fit "
                f"({previous_units} -> {layer_units}); "
                "set warm_start=False to start over."
            )
        self._check_memory(layer_units, self._batch_size(X.shape[0]))
        rng = np.random.default_rng(
            check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        )
        network = Network(
            layer_units,
            activations,
            self._output_activation(encoder),
            self._compute_dtype,
        )
        if first_call:
            network.initialize(rng, INITIALIZERS[self.weight_init])
        else:
            network.set_layers(self.coefs_, self.intercepts_)

        tasks = epoch_tasks(
            self,
            X,
            y,
            sample_weight,
            1 if incremental else self.max_iter,
            lambda: self._fitted_attributes(network, encoder),
        )
        callbacks = self._epoch_callbacks() + ([tasks] if tasks else [])
        try:
            if self.solver == "lbfgs":
                fitted = self._fit_lbfgs(network, X, Y, sample_weight, callbacks)
            else:
                fitted = self._fit_stochastic(
                    network,
                    X,
                    Y,
                    y,
                    sample_weight,
                    dropout,
                    rng,
                    encoder,
                    first_call,
                    incremental,
                    callbacks,
                )
        finally:
            if tasks:
                tasks.close()
        self._set_fitted(network, encoder, **fitted)
        return self

    def _fitted_attributes(self, network, encoder):
        """The attributes of a model that would stop training now."""
        attributes = dict(
            coefs_=[W.copy() for W in network.weights],
            intercepts_=[b.copy() for b in network.biases],
            n_layers_=network.n_layers + 1,
            n_outputs_=network.layer_sizes[-1],
            out_activation_=network.output_activation.name,
        )
        if encoder is not None:
            attributes.update(_label_binarizer=encoder, classes_=encoder.classes_)
        return attributes

    def _training_input(self, X):
        """``X`` as training reads it, checked finite and within the compute dtype.

        Minibatch solvers read a dense, C-contiguous ``X`` in place and convert
        each batch as they gather it, so a float64 ``X`` is never copied whole.
        Sparse ``X`` and L-BFGS's full batches are converted once, here. Both
        checks share one pass over X's values, which is why ``validate_data``
        is told to skip its own finiteness pass.
        """
        dtype = self._compute_dtype
        values = X.data if sp.issparse(X) else X
        low, high = _value_range(values)
        largest = np.finfo(dtype).max
        if not (-largest <= low and high <= largest):  # False for NaN too
            assert_all_finite(
                values, input_name="X", estimator_name=type(self).__name__
            )
            raise ValueError(
                f"X has values too large for dtype={self.dtype!r} (largest finite "
                f"value {largest:.3g}): scale X, e.g. with StandardScaler, or use "
                "dtype='float64'."
            )
        if sp.issparse(X):
            return X.tocsr().astype(dtype, copy=False)
        if self.solver == "lbfgs" or not X.flags.c_contiguous:
            return np.ascontiguousarray(X, dtype=dtype)
        return X

    def _batch_size(self, n_samples):
        if self.solver == "lbfgs":
            return n_samples
        if self.batch_size == "auto":
            return min(200, n_samples)
        return min(self.batch_size, n_samples)

    def _sample_weight(self, sample_weight, X, y, incremental):
        if sample_weight is None:
            return None
        return _check_sample_weight(sample_weight, X, dtype=self._compute_dtype)

    def _fit_lbfgs(self, network, X, Y, sample_weight, callbacks):
        loss, n_iter, result, history = fit_lbfgs(
            network,
            X,
            Y,
            sample_weight,
            LOSSES[self._loss_name(network)],
            alpha=self.alpha,
            max_iter=self.max_iter,
            max_fun=self.max_fun,
            tol=self.tol,
            callbacks=callbacks,
        )
        if not np.isfinite(network.params).all():
            raise ValueError(
                "L-BFGS produced non-finite weights. Scale X (e.g. StandardScaler) or "
                "increase alpha."
            )
        _check_optimize_result("lbfgs", result, self.max_iter)
        return dict(
            loss=loss,
            n_iter=n_iter,
            samples_seen=X.shape[0] * n_iter,
            history=history,
            trainer=None,
        )

    def _new_trainer(self, network, rng, dropout, batch_size):
        loss = LOSSES[self._loss_name(network)]
        decoupled = self.solver == "adamw"
        optimizer = self._make_optimizer(network)
        return Trainer(
            network,
            loss,
            optimizer,
            SCHEDULES[self.learning_rate](self.learning_rate_init, self.power_t),
            alpha=0.0 if decoupled else self.alpha,
            max_grad_norm=self.max_grad_norm,
            dropout=dropout,
            batch_size=batch_size,
            shuffle=self.shuffle,
            plateau=Plateau(
                self.tol, self.n_iter_no_change, higher_is_better=self.early_stopping
            ),
            rng=rng,
        )

    def _make_optimizer(self, network):
        n, dtype, lr = network.n_params, network.dtype, self.learning_rate_init
        if self.solver == "sgd":
            return OPTIMIZERS["sgd"](
                n, dtype, lr, self.momentum, self.nesterovs_momentum
            )
        if self.solver == "rmsprop":
            return OPTIMIZERS["rmsprop"](n, dtype, lr, self.beta_2, self.epsilon)
        if self.solver == "adamw":
            return OPTIMIZERS["adamw"](
                n,
                dtype,
                lr,
                self.beta_1,
                self.beta_2,
                self.epsilon,
                weight_decay=self.alpha,
                decay_slice=slice(0, network.n_weights),
            )
        return OPTIMIZERS["adam"](n, dtype, lr, self.beta_1, self.beta_2, self.epsilon)

    def _fit_stochastic(
        self,
        network,
        X,
        Y,
        y,
        sample_weight,
        dropout,
        rng,
        encoder,
        first_call,
        incremental,
        callbacks,
    ):
        batch_size = self._batch_size(X.shape[0])
        if self.batch_size != "auto" and self.batch_size > X.shape[0]:
            warnings.warn(
                f"Got batch_size={self.batch_size} larger than the {X.shape[0]} "
                "samples: it is clipped to the number of samples."
            )
        trainer = self._resume_trainer(
            network, rng, dropout, batch_size, first_call, incremental
        )
        validation = None
        if self.early_stopping:
            X, Y, sample_weight, validation = self._split_validation(
                X, Y, y, sample_weight, rng, encoder
            )
        epochs_before = trainer.n_epochs
        reason = trainer.fit(
            X,
            Y,
            sample_weight,
            max_epochs=1 if incremental else self.max_iter,
            validation=validation,
            stop_on_plateau=not incremental,
            callbacks=callbacks,
        )
        n_iter = trainer.n_epochs - epochs_before
        self._report_stop(reason, n_iter, first_call, incremental)
        if self.early_stopping and trainer.best_params is not None:
            network.params[...] = trainer.best_params
        loss = trainer.history[-1]["loss"] if trainer.history else np.inf
        return dict(
            loss=loss,
            n_iter=n_iter,
            samples_seen=trainer.samples_seen,
            history=trainer.history,
            trainer=trainer,
        )

    def _resume_trainer(
        self, network, rng, dropout, batch_size, first_call, incremental
    ):
        """A new trainer, or a copy of the last one so a failed call changes nothing."""
        previous = getattr(self, "_trainer", None)
        if first_call or previous is None:
            return self._new_trainer(network, rng, dropout, batch_size)
        if incremental:
            trainer = copy.deepcopy(previous)
            trainer.network = network
            trainer.batch_size, trainer.dropout = batch_size, dropout
            return trainer
        # warm_start: fresh optimizer with the current parameters, history continues
        trainer = self._new_trainer(network, rng, dropout, batch_size)
        trainer.history = list(previous.history)
        trainer.samples_seen = previous.samples_seen
        trainer.n_epochs = previous.n_epochs
        return trainer

    def _split_validation(self, X, Y, y, sample_weight, rng, encoder):
        stratify = y if self._stratify_validation(y) else None
        arrays = [X, Y, y] + ([] if sample_weight is None else [sample_weight])
        split = train_test_split(
            *arrays,
            test_size=self.validation_fraction,
            stratify=stratify,
            random_state=np.random.RandomState(rng.integers(np.iinfo(np.int32).max)),
        )
        train, val = split[0::2], split[1::2]
        if val[0].shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )
        w_train = train[3] if sample_weight is not None else None
        w_val = val[3] if sample_weight is not None else None
        y_val = val[2]

        def score(outputs):
            return self._validation_score(outputs, y_val, w_val, encoder)

        return train[0], train[1], w_train, (val[0], val[1], w_val, score)

    def _epoch_callbacks(self):
        if not self.verbose:
            return []

        def print_epoch(record):
            print(f"Iteration {record['epoch']}, loss = {record['loss']:.8f}")
            if record["val_score"] is not None:
                print(f"Validation score: {record['val_score']:f}")

        return [print_epoch]

    def _report_stop(self, reason, n_iter, first_call, incremental):
        if reason == "diverged":
            remedy = (
                "Lower learning_rate_init, set max_grad_norm (e.g. 1.0), or scale X "
                "(e.g. StandardScaler)."
            )
            if first_call and n_iter == 0:
                raise ValueError(
                    "Training diverged in the first epoch: the loss became NaN or "
                    f"infinite. {remedy}"
                )
            warnings.warn(
                f"Training diverged: the loss became NaN or infinite after {n_iter} "
                f"completed epoch(s) in this call. Kept the last finite weights. "
                f"{remedy}",
                ConvergenceWarning,
            )
        elif reason == "interrupted":
            kept = "those of the last completed epoch"
            if self.early_stopping:
                kept = "the best ones on the validation set"
            warnings.warn(f"Training interrupted by user: kept the weights, {kept}.")
        elif reason == "plateau" and self.verbose:
            watched = "Validation score" if self.early_stopping else "Training loss"
            print(
                f"{watched} did not improve more than tol={self.tol:f} for "
                f"{self.n_iter_no_change} consecutive epochs. Stopping."
            )
        elif reason == "max_epochs" and not incremental:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached "
                "and the optimization hasn't converged yet.",
                ConvergenceWarning,
            )

    def _set_fitted(
        self, network, encoder, *, loss, n_iter, samples_seen, history, trainer
    ):
        """Publish the fitted state, all at once, only after training succeeded."""
        for name, value in self._fitted_attributes(network, encoder).items():
            setattr(self, name, value)
        self.loss_ = loss
        self.n_iter_ = n_iter
        self.t_ = samples_seen
        self.history_ = list(history)
        self.loss_curve_ = [record["loss"] for record in history]
        if trainer is not None:
            # coefs_ and intercepts_ are the parameters from now on; the trainer
            # keeps only the optimizer state and the history
            trainer.network = None
        self._trainer = trainer
        if trainer is not None and self.early_stopping:
            self.validation_scores_ = [record["val_score"] for record in history]
            self.best_validation_score_ = trainer.plateau.best_value
            self.best_loss_ = None
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self.best_loss_ = min(self.loss_curve_) if self.loss_curve_ else loss

    # ------------------------------------------------------------- prediction
    def _forward(self, X):
        """Output activations for X as float64, computed in bounded chunks."""
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            reset=False,
            dtype=(np.float64, np.float32),
        )
        if sp.issparse(X):
            X = X.tocsr()
        widest = max(c.shape[1] for c in self.coefs_)
        chunk_rows = max(1, _PREDICT_CHUNK_ELEMENTS // max(widest, X.shape[1]))
        activations = self._hidden_activations(len(self.coefs_) - 1)
        return predict(
            X,
            self.coefs_,
            self.intercepts_,
            activations,
            self.out_activation_,
            chunk_rows,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data matrix X and target(s) y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values (class labels in classification, real numbers in
            regression).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def _partial_fit_available(self):
        if self.solver == "lbfgs":
            raise AttributeError(
                "partial_fit is only available for stochastic optimizers; "
                f"solver={self.solver!r} is not stochastic."
            )
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


_SHARED_DOC = """
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of units in the ith hidden layer.

    activation : str or list of str, default='relu'
        Activation of the hidden layers: 'identity', 'logistic', 'tanh',
        'relu' (as scikit-learn), or 'leaky_relu' (slope 0.01), 'elu',
        'gelu' (tanh approximation), 'silu'. A list gives one per hidden layer.

    solver : {'lbfgs', 'sgd', 'adam', 'rmsprop', 'adamw'}, default='adam'
        'lbfgs' is full-batch L-BFGS through SciPy; 'sgd' has (Nesterov)
        momentum; 'rmsprop' decays its average of squared gradients with
        ``beta_2``; 'adamw' is Adam with decoupled weight decay ``alpha``.

    alpha : float, default=0.0001
        Strength of the L2 penalty, divided by the sample size when added to
        the loss. With solver='adamw' it is the decoupled weight decay instead.

    batch_size : int, default='auto'
        Minibatch size of the stochastic solvers; 'auto' is
        ``min(200, n_samples)``. Ignored by 'lbfgs'.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Learning-rate schedule, applied to every stochastic solver (scikit-learn
        applies it to 'sgd' only). 'invscaling' uses
        ``learning_rate_init / pow(t, power_t)``, t the samples seen; 'adaptive'
        divides the rate by 5 each time ``n_iter_no_change`` epochs go by without
        improvement, until it drops below 1e-6.

    learning_rate_init : float, default=0.001
        Initial learning rate of the stochastic solvers.

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or iterations ('lbfgs').

    shuffle : bool, default=True
        Whether to shuffle samples in each epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds every random draw of a fit: initial weights, shuffling, dropout
        masks and the early-stopping split. An int gives identical results.

    tol : float, default=1e-4
        Tolerance of the stopping criterion (see ``n_iter_no_change``).

    verbose : bool, default=False
        Print one line per epoch.

    warm_start : bool, default=False
        Start from the previous fit's weights instead of new ones.

    momentum : float, default=0.9
        Momentum of 'sgd', in [0, 1].

    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with 'sgd' and momentum > 0.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data (stratified for single-output
        classification), stop when its score stops improving, and keep the best
        weights.

    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping.

    beta_1 : float, default=0.9
        Decay of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay of the second-moment estimate (Adam, AdamW, RMSProp), in [0, 1).

    epsilon : float, default=1e-8
        Numerical stability term of Adam, AdamW and RMSProp.

    n_iter_no_change : int, default=10
        Epochs without an improvement of at least ``tol`` before stopping (or,
        with learning_rate='adaptive', before dividing the rate by 5).

    max_fun : int, default=15000
        Maximum number of loss evaluations of 'lbfgs'.

    dropout : float or list of float, default=0.0
        Inverted-dropout rate of the hidden units during training, in [0, 1);
        a list gives one rate per hidden layer. Prediction uses every unit.

    weight_init : {'auto', 'xavier_uniform', 'xavier_normal', 'he_normal', \
'he_uniform'}, default='auto'
        Initial weights. 'auto' is scikit-learn's Glorot-uniform scheme.

    dtype : {'float32', 'float64'}, default='float32'
        Precision of the parameters and of training. Predictions are computed
        in the precision of X given to predict (float32 input stays float32, as
        in scikit-learn) and always returned as float64.

    max_grad_norm : float, default=None
        If set, rescale each minibatch gradient whose global L2 norm exceeds it.
"""

_SHARED_ATTRIBUTES = """
    loss_ : float
        The loss of the last epoch (or of the final 'lbfgs' iterate).

    best_loss_ : float or None
        The lowest training loss; None with early stopping.

    loss_curve_ : list of float
        The training loss of every epoch ('lbfgs': every iteration).

    validation_scores_ : list of float or None
        The validation score of every epoch, with early stopping.

    best_validation_score_ : float or None
        The best validation score, with early stopping.

    history_ : list of dict
        One record per epoch: 'epoch', 'loss', 'val_loss' and 'val_score' (None
        without early stopping), 'learning_rate' and 'seconds'.

    t_ : int
        Number of training samples seen by the solver.

    coefs_ : list of ndarray of shape (n_fan_in, n_fan_out)
        Weight matrix of each layer, in ``dtype``.

    intercepts_ : list of ndarray of shape (n_fan_out,)
        Bias vector of each layer, in ``dtype``.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string column names.

    n_iter_ : int
        Number of epochs (or 'lbfgs' iterations) of the last call.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output units.

    out_activation_ : str
        The output activation.
"""


class FirstNetClassifier(ClassifierMixin, _BaseFirstNet):
    __doc__ = f"""Multi-layer perceptron classifier on sknn's NumPy core.

    A drop-in superset of :class:`sklearn.neural_network.MLPClassifier`: the same
    parameters, defaults and fitted attributes, plus more activations and
    solvers, dropout, weight initializers, class weights, gradient clipping and
    float32 training.

    Parameters
    ----------
{_SHARED_DOC}
    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes, multiplied into ``sample_weight``. 'balanced'
        uses ``n_samples / (n_classes * np.bincount(y))``; in ``partial_fit`` it
        balances each chunk on its own.

    Attributes
    ----------
    classes_ : ndarray or list of ndarray of shape (n_classes,)
        Class labels.
{_SHARED_ATTRIBUTES}
    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sknn import FirstNetClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = FirstNetClassifier(hidden_layer_sizes=(16,), solver="lbfgs",
    ...                          random_state=0).fit(X, y)
    >>> clf.predict(X[:3])
    array([0, 0, 0])
    >>> clf.predict_proba(X[:1]).shape
    (1, 3)
    """

    _parameter_constraints: dict = {
        **_BaseFirstNet._parameter_constraints,
        "class_weight": [StrOptions({"balanced"}), dict, None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dropout=0.0,
        weight_init="auto",
        class_weight=None,
        dtype="float32",
        max_grad_norm=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout
        self.weight_init = weight_init
        self.class_weight = class_weight
        self.dtype = dtype
        self.max_grad_norm = max_grad_norm

    # -------------------------------------------------------- target encoding
    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32),
            ensure_all_finite=False,  # checked in one pass by _training_input
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        target_type = type_of_target(y)
        if target_type not in ("binary", "multiclass", "multilabel-indicator"):
            raise ValueError(
                f"Unknown label type: {target_type!r}. FirstNetClassifier needs class "
                "labels (binary, multiclass or a multilabel indicator matrix); for "
                "continuous targets use FirstNetRegressor."
            )
        return X, y

    def _encode_targets(self, y, first_call, incremental):
        if first_call and not incremental:
            encoder = LabelBinarizer().fit(y)
        else:
            encoder = self._label_binarizer
            classes = unique_labels(y)
            if (
                self.warm_start
                and not incremental
                and set(classes) != set(encoder.classes_)
            ):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes as in "
                    f"the previous call to fit. Previously got {encoder.classes_}, "
                    f"`y` has {classes}."
                )
            if len(np.setdiff1d(classes, encoder.classes_)):
                raise ValueError(
                    f"`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{encoder.classes_}. 'y' has {classes}."
                )
        if len(encoder.classes_) < 2 and encoder.y_type_ != "multilabel-indicator":
            raise ValueError(
                "The classifier needs samples of at least 2 classes in the data, but "
                f"the data contains only one class: {encoder.classes_[0]!r}."
            )
        return encoder.transform(y), encoder

    def _sample_weight(self, sample_weight, X, y, incremental):
        weights = super()._sample_weight(sample_weight, X, y, incremental)
        if self.class_weight is None:
            return weights
        # in partial_fit, 'balanced' balances each chunk on its own: later chunks'
        # class frequencies are unknown
        class_weights = compute_sample_weight(self.class_weight, y).astype(
            self._compute_dtype
        )
        return class_weights if weights is None else weights * class_weights

    def _output_activation(self, encoder):
        return "softmax" if encoder.y_type_ == "multiclass" else "logistic"

    def _loss_name(self, network):
        if network.output_activation.name == "softmax":
            return "categorical_cross_entropy"
        return "binary_cross_entropy"

    def _stratify_validation(self, y):
        return y.ndim == 1

    def _validation_score(self, outputs, y_val, w_val, encoder):
        if not np.isfinite(outputs).all():
            return np.nan
        return accuracy_score(
            y_val, encoder.inverse_transform(outputs), sample_weight=w_val
        )

    # ---------------------------------------------------------------- methods
    @available_if(_BaseFirstNet._partial_fit_available)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with a single epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        classes : array of shape (n_classes,), default=None
            Every class across all calls; required on the first call. `y` need
            not contain all of them.

        Returns
        -------
        self : object
            The updated estimator.
        """
        if _check_partial_fit_first_call(self, classes):
            if type_of_target(y).startswith("multilabel"):
                self._label_binarizer = LabelBinarizer().fit(y)
            else:
                self._label_binarizer = LabelBinarizer().fit(classes)
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The predicted classes.
        """
        outputs = self._forward(X)
        if self.n_outputs_ == 1:
            outputs = outputs.ravel()
        return self._label_binarizer.inverse_transform(outputs)

    def predict_proba(self, X):
        """Probability estimates, float64.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y_prob : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of `classes_`.
        """
        outputs = self._forward(X)
        if self.n_outputs_ == 1:
            return np.hstack([1.0 - outputs, outputs])
        return outputs

    def predict_log_proba(self, X):
        """Logarithm of the probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_y_prob : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``.
        """
        probabilities = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(probabilities, out=probabilities)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class FirstNetRegressor(RegressorMixin, _BaseFirstNet):
    __doc__ = f"""Multi-layer perceptron regressor on sknn's NumPy core.

    A drop-in superset of :class:`sklearn.neural_network.MLPRegressor`: the same
    parameters, defaults and fitted attributes, plus more activations and
    solvers, dropout, weight initializers, gradient clipping and float32
    training.

    Parameters
    ----------
    loss : {{'squared_error', 'poisson'}}, default='squared_error'
        'squared_error' is half the squared error, summed over outputs;
        'poisson' is half the Poisson deviance with an exp output (log link)
        and needs ``y >= 0``.
{_SHARED_DOC}
    Attributes
    ----------
{_SHARED_ATTRIBUTES}
    Examples
    --------
    >>> import numpy as np
    >>> from sknn import FirstNetRegressor
    >>> X = np.linspace(-1, 1, 50).reshape(-1, 1)
    >>> reg = FirstNetRegressor(hidden_layer_sizes=(), activation="identity",
    ...                         solver="lbfgs").fit(X, 3 * X.ravel() + 1)
    >>> round(float(reg.predict([[0.5]])[0]), 2)
    2.5
    """

    _parameter_constraints: dict = {
        **_BaseFirstNet._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dropout=0.0,
        weight_init="auto",
        dtype="float32",
        max_grad_norm=None,
    ):
        self.loss = loss
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout
        self.weight_init = weight_init
        self.dtype = dtype
        self.max_grad_norm = max_grad_norm

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            y_numeric=True,
            dtype=(np.float64, np.float32),
            ensure_all_finite=False,  # checked in one pass by _training_input
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError("loss='poisson' requires non-negative y.")
        return X, y

    def _encode_targets(self, y, first_call, incremental):
        return y.reshape(y.shape[0], -1), None

    def _output_activation(self, encoder):
        return "exp" if self.loss == "poisson" else "identity"

    def _loss_name(self, network):
        return self.loss

    def _stratify_validation(self, y):
        return False

    def _validation_score(self, outputs, y_val, w_val, encoder):
        if not np.isfinite(outputs).all():
            return np.nan
        return r2_score(y_val, outputs.reshape(y_val.shape), sample_weight=w_val)

    @available_if(_BaseFirstNet._partial_fit_available)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with a single epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predict using the multi-layer perceptron model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values, float64.
        """
        outputs = self._forward(X)
        return outputs.ravel() if outputs.shape[1] == 1 else outputs
