"""The scikit-learn contract shared by FirstNetClassifier and FirstNetRegressor.

A fit is one transaction, in four steps (:meth:`_BaseFirstNet._fit`):

1. resolve: check the data and every setting once, changing nothing
   (:mod:`sknn._resolve`);
2. set up: a new training session, or the previous one to resume;
3. train: one call into :mod:`sknn.core.training`;
4. publish: every fitted attribute at once, only when training produced a
   usable model.

The classifier and the regressor differ only in how targets are encoded, which
loss they use and how outputs become predictions (their own modules).
"""

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _input_layers
from ._callbacks import CallbackSupportMixin, epoch_tasks
from ._fast_input import lean_prediction_input
from ._input import (
    check_targets_fit,
    sample_weights,
    training_input,
)
from ._outcome import epoch_printer, usable_outcome
from ._persistence import VersionedPickleMixin
from ._resolve import check_resumable, resolve_architecture, resolve_settings
from ._scoring import validation_measure
from ._validation import (
    ValidationSet,
    check_validation_request,
    hold_out,
    validation_set,
)
from .core import training
from .core.activations import HIDDEN_ACTIVATIONS
from .core.initializers import INITIALIZERS
from .core.network import Network
from .core.optimizers import OPTIMIZERS
from .core.parametrization import PARAMETRIZATIONS, ntk_normal
from .core.prediction import PredictionLayers, predict, predict_layers
from .core.schedules import DECAY_SCHEDULES, SCHEDULES

# Rows per chunk at predict time: bounds its memory whatever the number of rows.
_PREDICT_CHUNK_ELEMENTS = 1 << 20
# Made from coefs_ and intercepts_ when they are published or loaded; never
# pickled, as it holds nothing they do not
_PREDICTION_LAYERS = "_prediction_layers"


def _chunk_rows(widest):
    """Rows per prediction chunk for layers at most ``widest`` units wide."""
    return max(1, _PREDICT_CHUNK_ELEMENTS // widest)


@dataclass
class _FitData:
    """A fit's checked inputs: training input X, encoded targets Y, labels y."""

    X: object
    Y: np.ndarray
    y: np.ndarray
    sample_weight: np.ndarray | None
    encoder: object
    features: dict
    validation: ValidationSet | None = None  # an explicit validation set


class _BaseFirstNet(VersionedPickleMixin, CallbackSupportMixin, BaseEstimator):
    """Shared parameters, validation and training of the two estimators."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(HIDDEN_ACTIVATIONS)), list, tuple, np.ndarray],
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
        "dropout": [Interval(Real, 0, 1, closed="left"), list, tuple, np.ndarray],
        "weight_init": [StrOptions(set(INITIALIZERS))],
        "data_init": ["boolean"],
        "dtype": [
            StrOptions({"float32", "float64"}),
            Options(type, {np.float32, np.float64}),
            Options(np.dtype, {np.dtype("float32"), np.dtype("float64")}),
        ],
        "max_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "lr_schedule": [StrOptions(set(SCHEDULES)), None],
        "lr_warmup": [Interval(Real, 0, 1, closed="left")],
        "dropout_schedule": [StrOptions(set(DECAY_SCHEDULES)), None],
        "weight_decay_schedule": [StrOptions(set(DECAY_SCHEDULES)), None],
        "lr_factors": [dict, None],
        "parametrization": [StrOptions(set(PARAMETRIZATIONS))],
        "parametric_activation": ["boolean"],
        **_input_layers.CONSTRAINTS,
        "scoring": [str, callable, None],
    }

    # ---------------------------------------------------------------- fitting
    def _fit(self, X, y, sample_weight, incremental, classes=None, validation=()):
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True.")
        resuming = hasattr(self, "_session") and (self.warm_start or incremental)
        data = self._fit_data(X, y, sample_weight, incremental, resuming, classes)
        if validation and check_validation_request(self, *validation):
            data.validation = validation_set(self, *validation, data)
        architecture = resolve_architecture(self, data, resuming)
        if resuming:
            check_resumable(self, architecture, incremental)
        settings = resolve_settings(self, architecture, data.X.shape[0])
        session = self._session if resuming else training.Trainer(self.random_state)
        network = self._network(architecture, session, resuming)
        core_data = self._core_data(data, session)
        if self.data_init and not resuming:  # after the hold-out: training rows only
            session.initialize_from_data(network, core_data)
        result = self._train(session, network, core_data, data, settings, incremental)
        if usable_outcome(self, result, resuming, incremental):
            self._publish(session, network, architecture, data, result)
        return self

    def _fit_data(self, X, y, sample_weight, incremental, resuming, classes):
        """Check the data and encode the targets, changing nothing (step 1)."""
        X, y, features = self._validate_input(X, y, reset=not resuming)
        X = training_input(
            X, self._compute_dtype, type(self).__name__, self.solver == "lbfgs"
        )
        Y, encoder = self._encode_targets(y, incremental, resuming, classes)
        check_targets_fit(Y, self._compute_dtype)  # before the cast would overflow
        Y = Y.astype(self._compute_dtype)
        weights = self._sample_weight(sample_weights(sample_weight, X), y, encoder)
        return _FitData(X, Y, y, weights, encoder, features)

    @property
    def _compute_dtype(self):
        return np.dtype(self.dtype)

    def _network(self, architecture, session, resuming):
        """The network to train: the fitted weights when resuming, else new ones."""
        network = Network(
            architecture.layer_units,
            architecture.hidden_activations,
            architecture.output_activation,
            architecture.dtype,
            parametrization=architecture.parametrization,
            parametric_activation=architecture.parametric_activation,
            inputs=_input_layers.make_layers(architecture.input_layers, self),
        )
        if resuming:
            trained = vars(self).get("_trained_weights")
            network.set_layers(
                self.coefs_, self.intercepts_, trained, self._activation_params()
            )
            _input_layers.restore(self, network)
        elif architecture.parametrization == "ntk" and self.weight_init == "auto":
            session.initialize(network, ntk_normal)  # RealMLP's N(0, 1) weights
        else:
            session.initialize(network, INITIALIZERS[self.weight_init])
        return network

    def _core_data(self, data, session):
        """What the session trains on: all rows, or all but the held-out ones
        (early stopping, which full-batch L-BFGS ignores, as in scikit-learn),
        and what it validates on: those rows, or the explicit validation set."""
        w, Y = data.sample_weight, self._training_targets(data.Y, data.encoder)
        if not self.early_stopping or self.solver == "lbfgs":
            return training.Data(data.X, Y, w)
        measure = validation_measure(self, data.encoder)  # before any draw
        train_rows, held = None, data.validation
        if held is None:
            train_rows, rows = hold_out(
                data.y,
                self.validation_fraction,
                self._stratifies(data.y),
                session.draw_seed(),
            )
            w_val = None if w is None else w[rows]
            held = ValidationSet(None, data.Y[rows], data.y[rows], w_val, rows)
        validation = training.Validation(
            held.rows,
            held.Y,
            held.sample_weight,
            lambda outputs: measure(outputs, held),
            X=held.X,
            prefer_last=self.scoring is not None,  # ties go to the last epoch
            metric="score" if self.scoring is None else self.scoring,
        )
        return training.Data(data.X, Y, w, train_rows, validation)

    def _training_targets(self, Y, encoder):
        """The targets training fits (the classifier may smooth them)."""
        return Y

    def _train(self, session, network, core_data, data, settings, incremental):
        """One call into the core, with the epoch callbacks (step 3)."""
        max_epochs = 1 if incremental else self.max_iter
        tasks = epoch_tasks(
            self,
            data.X,
            data.y,
            data.sample_weight,
            max_epochs,
            lambda: self._network_attributes(network, data.encoder, data.features),
        )
        callbacks = epoch_printer(self) + ([tasks] if tasks else [])
        try:
            if self.solver == "lbfgs":
                return session.fit_lbfgs(
                    network,
                    core_data,
                    settings,
                    max_iter=max_epochs,
                    callbacks=callbacks,
                )
            return session.fit(
                network,
                core_data,
                settings,
                max_epochs=max_epochs,
                new_optimizer=not incremental,
                callbacks=callbacks,
            )
        finally:
            if tasks:
                tasks.close()

    def _network_attributes(self, network, encoder, features):
        """The attributes a model that stopped training now would have."""
        attributes = dict(
            coefs_=[W.copy() for W in network.effective_weights()],
            intercepts_=[b.copy() for b in network.biases],
            n_layers_=network.n_layers + 1,
            n_outputs_=network.layer_sizes[-1],
            out_activation_=network.output_activation.name,
            hidden_activations_=[a.name for a in network.hidden_activations],
            activation_params_=[a.copy() for a in network.activation_params]
            if network.parametric is not None
            else None,
            **{name: value for name, value in features.items() if value is not None},
            **_input_layers.attributes(network),
        )
        attributes.update(self._encoder_attributes(encoder))
        return attributes

    def _publish(self, session, network, architecture, data, result):
        """Set every fitted attribute at once, after training succeeded (step 4)."""
        history = result.history
        loss_curve = [record["loss"] for record in history]
        scores = [r["val_score"] for r in history if r["val_score"] is not None]
        early_stopping = self.early_stopping and self.solver != "lbfgs"
        for name in (*data.features, *_input_layers.ATTRIBUTES):
            vars(self).pop(name, None)
        attributes = self._network_attributes(network, data.encoder, data.features)
        loss = result.loss if result.lbfgs is None else float(result.lbfgs.fun)
        attributes.update(
            loss_=loss,
            n_iter_=result.n_epochs,
            t_=result.samples_seen,
            history_=history,
            loss_curve_=loss_curve,
            validation_scores_=scores if early_stopping else None,
            best_validation_score_=result.best_value if early_stopping else None,
            best_loss_=None if early_stopping else min(loss_curve, default=loss),
            _architecture_=architecture,
            _session=session,
            # under NTK, what coefs_ were made from, for an exact resume
            _trained_weights=None
            if network.scales is None
            else [W.copy() for W in network.weights],
        )
        attributes[_PREDICTION_LAYERS] = PredictionLayers(
            attributes["coefs_"],
            attributes["intercepts_"],
            attributes["activation_params_"],
        )
        for name, value in attributes.items():
            setattr(self, name, value)

    def __getstate__(self):
        state = super().__getstate__()
        state.pop(_PREDICTION_LAYERS, None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "coefs_" in state:
            setattr(
                self,
                _PREDICTION_LAYERS,
                PredictionLayers(
                    self.coefs_, self.intercepts_, self._activation_params()
                ),
            )

    # ------------------------------------------------------------- prediction
    def _forward(self, X):
        """Output activations for X as float64, computed in bounded chunks.

        Common input (a finite float array of the fitted width, see
        :mod:`sknn._fast_input`) skips ``validate_data``; any other input goes
        through it, and gets its errors and warnings.
        """
        layers = vars(self).get(_PREDICTION_LAYERS)
        checked = None if layers is None else lean_prediction_input(self, X)
        if checked is None:
            check_is_fitted(self)
            checked = validate_data(
                self,
                X,
                accept_sparse=["csr", "csc"],
                reset=False,
                dtype=(np.float64, np.float32),
            )
            if sp.issparse(checked):
                checked = checked.tocsr()
        activation_params = self._activation_params()
        embedding = _input_layers.prediction_embedding(self)
        if layers is not None and embedding is None:
            # made once per precision: a prediction on a few rows feels each
            # microsecond of setting its layers up
            prepared, widest = layers.forward_layers(
                checked.dtype,
                self.coefs_,
                self.intercepts_,
                activation_params,
                self.hidden_activations_,
                self.out_activation_,
            )
            return predict_layers(checked, prepared, _chunk_rows(widest))
        if layers is None:  # coefs_ set by hand, not by a fit: predict converts
            weights, biases = self.coefs_, self.intercepts_
        else:
            weights, biases, activation_params = layers.layers(
                checked.dtype, self.coefs_, self.intercepts_, activation_params
            )
        widest = max(max(W.shape[1] for W in weights), weights[0].shape[0])
        if embedding is not None:  # its cosines: k per embedded column
            widest = max(widest, 2 * embedding["frequencies"].size)
        return predict(
            checked,
            weights,
            biases,
            self.hidden_activations_,
            self.out_activation_,
            _chunk_rows(widest),
            activation_params=activation_params or None,
            embedding=embedding,
        )

    def _activation_params(self):
        # None when the activations are not parametric, or the model predates them
        return vars(self).get("activation_params_")

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        X,
        y,
        sample_weight=None,
        *,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
    ):
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
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), \
default=None
            A validation set for early stopping, instead of holding out
            ``validation_fraction`` of X (which then all trains); requires
            ``early_stopping=True`` and a stochastic solver. It is checked as X
            is (the same features, no NaN). In a
            :class:`~sklearn.pipeline.Pipeline`, ``X_val`` can be transformed
            as X is with ``Pipeline(..., transform_input=["X_val"])``; routed
            through metadata routing with ``set_fit_request(X_val=True,
            y_val=True)``, as for scikit-learn's HistGradientBoosting
            estimators.
        y_val : array-like of shape (n_val,) or (n_val, n_outputs), default=None
            The targets of ``X_val``, of the form of y; in classification, only
            labels among those of y.
        sample_weight_val : array-like of shape (n_val,), default=None
            Weights of the validation samples in the validation score
            (``class_weight`` does not apply to them).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(
            X,
            y,
            sample_weight,
            incremental=False,
            validation=(X_val, y_val, sample_weight_val),
        )

    def _sample_weight(self, sample_weight, y, encoder):
        return sample_weight

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
