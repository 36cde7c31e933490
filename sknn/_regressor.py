"""FirstNetRegressor: real-valued targets, their loss, and predictions."""

from dataclasses import dataclass

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import column_or_1d

from ._base import _BaseFirstNet
from ._docstrings import _SHARED_ATTRIBUTES, _SHARED_DOC
from ._input import validate_training_data
from ._scoring import EpochOutputs


@dataclass(frozen=True)
class _TargetScaling:
    """``Y = (y - mean) / scale`` per output; a constant output keeps scale 1."""

    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def of(cls, Y):
        Y = np.asarray(Y, dtype=np.float64)
        scale = Y.std(axis=0)
        return cls(Y.mean(axis=0), np.where(scale > 0, scale, 1.0))

    def transform(self, Y):
        return (Y - self.mean) / self.scale

    def inverse_transform(self, outputs):
        return outputs * self.scale + self.mean


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
    normalize_y : bool, default=False
        Train on targets standardized to zero mean and unit variance per output
        (as :class:`~sklearn.gaussian_process.GaussianProcessRegressor` does);
        predictions are mapped back to the units of ``y``. A network whose
        initial outputs are near 0 then needs no target scaled by hand, even
        for targets in the thousands. The mean and standard deviation come from
        the ``y`` of the fit that creates the network (for ``partial_fit``, the
        first chunk) and stay fixed while it resumes. ``loss_curve_`` and
        ``coefs_`` are in standardized units. Not with ``loss='poisson'``.

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
        "normalize_y": ["boolean"],
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
        data_init=False,
        dtype="float32",
        max_grad_norm=None,
        lr_schedule=None,
        lr_warmup=0.0,
        dropout_schedule=None,
        weight_decay_schedule=None,
        normalize_y=False,
        lr_factors=None,
        parametrization="standard",
        parametric_activation=False,
        feature_scaling=False,
        numeric_embedding=None,
        embedded_features="auto",
        embedding_size=4,
        embedding_frequency_scale=0.1,
        scoring=None,
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
        self.data_init = data_init
        self.dtype = dtype
        self.max_grad_norm = max_grad_norm
        self.lr_schedule = lr_schedule
        self.lr_warmup = lr_warmup
        self.dropout_schedule = dropout_schedule
        self.weight_decay_schedule = weight_decay_schedule
        self.normalize_y = normalize_y
        self.lr_factors = lr_factors
        self.parametrization = parametrization
        self.parametric_activation = parametric_activation
        self.feature_scaling = feature_scaling
        self.numeric_embedding = numeric_embedding
        self.embedded_features = embedded_features
        self.embedding_size = embedding_size
        self.embedding_frequency_scale = embedding_frequency_scale
        self.scoring = scoring

    def _validate_input(self, X, y, reset):
        X, y, features = validate_training_data(
            self,
            X,
            y,
            reset,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            y_numeric=True,
            dtype=(np.float64, np.float32),
            ensure_all_finite=False,  # checked in one pass by training_input
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError("loss='poisson' requires non-negative y.")
        return X, y, features

    def _encode_targets(self, y, incremental, resuming, classes):
        Y = y.reshape(y.shape[0], -1)
        previous = vars(self).get("_target_scaling") if resuming else None
        if resuming and (previous is not None) != self.normalize_y:
            raise ValueError(
                f"Cannot continue with normalize_y={self.normalize_y}: the model "
                f"was trained with normalize_y={not self.normalize_y}, and its "
                "weights are in those units. Set it back, or fit a new model."
            )
        if not self.normalize_y:
            return Y, None
        if self.loss == "poisson":
            raise ValueError(
                "normalize_y=True would make targets negative, which "
                "loss='poisson' cannot fit; use one or the other."
            )
        scaling = previous or _TargetScaling.of(Y)
        return scaling.transform(Y), scaling

    def _encoder_attributes(self, encoder):
        return dict(_target_scaling=encoder)

    def _encode_validation_targets(self, y_val, encoder):
        Y = y_val.reshape(y_val.shape[0], -1)
        return Y if encoder is None else encoder.transform(Y)  # the fit's scaling

    def _loss_name(self, encoder):
        return self.loss

    def _stratifies(self, y):
        return False

    def _validation_score(self, outputs, y_val, w_val, encoder):
        if encoder is not None:
            outputs = encoder.inverse_transform(outputs)
        return r2_score(y_val, outputs.reshape(y_val.shape), sample_weight=w_val)

    def _epoch_outputs(self, outputs, encoder):
        if encoder is not None:
            outputs = encoder.inverse_transform(outputs)
        predictions = outputs.ravel() if outputs.shape[1] == 1 else outputs
        return EpochOutputs({"predict": lambda: predictions}, "regressor")

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
        scaling = vars(self).get("_target_scaling")
        if scaling is not None:
            outputs = scaling.inverse_transform(outputs)
        return outputs.ravel() if outputs.shape[1] == 1 else outputs
