"""FirstNetClassifier: target encoding, class weights and class predictions."""

from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import column_or_1d

from ._base import _BaseFirstNet
from ._docstrings import _SHARED_ATTRIBUTES, _SHARED_DOC
from ._input import (
    check_effective_weights,
    class_weight_per_row,
    validate_training_data,
)
from ._scoring import EpochOutputs

_SINGLE_LABEL = ("binary", "multiclass")


def _plain_labels(y):
    """Whether ``y`` is a 1-D array of numbers or strings, whose labels are
    ``np.unique(y)``.

    scikit-learn's ``unique_labels`` and ``LabelBinarizer.transform`` check the
    type of the targets again (three more ``type_of_target`` calls), which costs
    more than a ``partial_fit`` step on a few rows. Here ``y`` has been checked
    already (:meth:`FirstNetClassifier._validate_input`); object arrays, which
    may mix strings and numbers, are left to scikit-learn.
    """
    return y.ndim == 1 and y.dtype.kind in "biufU"


def _binarize(y, classes):
    """``LabelBinarizer.transform(y)`` for a binarizer fitted on a binary or
    multiclass target, ``y``'s labels being known to be among ``classes``."""
    codes = np.searchsorted(classes, y)
    if len(classes) == 2:
        return codes.reshape(-1, 1)
    indicator = np.zeros((len(y), len(classes)), dtype=int)
    indicator[np.arange(len(y)), codes] = 1
    return indicator


def _class_labels(outputs, encoder):
    """The labels that outputs (one row per sample) predict."""
    if outputs.shape[1] == 1:
        outputs = outputs.ravel()
    return encoder.inverse_transform(outputs)


def _class_probabilities(outputs, n_classes, softmax):
    """``predict_proba`` from outputs; may write into ``outputs``."""
    if n_classes == 1:
        return np.ones_like(outputs)  # a single class seen: it is certain
    if outputs.shape[1] == 1:
        return np.concatenate([1.0 - outputs, outputs], axis=1)
    if softmax:
        # a float32 X computes in float32: rows then sum to 1 only to ~1e-7,
        # which log_loss warns about; normalise again in float64
        outputs /= outputs.sum(axis=1, keepdims=True)
    return outputs


def _log(probabilities):
    with np.errstate(divide="ignore"):
        return np.log(probabilities, out=probabilities)


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
    label_smoothing : float, default=0.0
        Train on the targets ``(1 - label_smoothing) * Y + label_smoothing /
        K`` instead of 0/1 ones (Szegedy et al., "Rethinking the Inception
        Architecture", CVPR 2016; Müller et al., "When Does Label Smoothing
        Help?", NeurIPS 2019): K is the number of classes, and 2 for a binary
        problem's single output and for each multilabel column. It keeps the
        network from driving its outputs to certainty, a regularizer that often
        improves calibration and accuracy. In [0, 1). ``loss_curve_`` and
        ``loss_`` are then the loss against the smoothed targets (it cannot reach
        0); validation scores and losses use the true labels.

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
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
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
        data_init=False,
        class_weight=None,
        dtype="float32",
        max_grad_norm=None,
        lr_schedule=None,
        lr_warmup=0.0,
        dropout_schedule=None,
        weight_decay_schedule=None,
        lr_factors=None,
        parametrization="standard",
        parametric_activation=False,
        feature_scaling=False,
        numeric_embedding=None,
        embedded_features="auto",
        embedding_size=4,
        embedding_frequency_scale=0.1,
        scoring=None,
        label_smoothing=0.0,
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
        self.data_init = data_init
        self.class_weight = class_weight
        self.dtype = dtype
        self.max_grad_norm = max_grad_norm
        self.lr_schedule = lr_schedule
        self.lr_warmup = lr_warmup
        self.dropout_schedule = dropout_schedule
        self.weight_decay_schedule = weight_decay_schedule
        self.lr_factors = lr_factors
        self.parametrization = parametrization
        self.parametric_activation = parametric_activation
        self.feature_scaling = feature_scaling
        self.numeric_embedding = numeric_embedding
        self.embedded_features = embedded_features
        self.embedding_size = embedding_size
        self.embedding_frequency_scale = embedding_frequency_scale
        self.scoring = scoring
        self.label_smoothing = label_smoothing

    # -------------------------------------------------------- target encoding
    def _validate_input(self, X, y, reset):
        X, y, features = validate_training_data(
            self,
            X,
            y,
            reset,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32),
            ensure_all_finite=False,  # checked in one pass by training_input
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
        return X, y, features

    def _encode_targets(self, y, incremental, resuming, classes):
        """Indicator targets and their encoder; nothing is set on the estimator."""
        if resuming:
            encoder = self._label_binarizer
            self._check_classes(y, incremental, classes, encoder.classes_)
        elif incremental:
            if classes is None:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit."
                )
            multilabel = type_of_target(y).startswith("multilabel")
            encoder = LabelBinarizer().fit(y if multilabel else classes)
        else:
            encoder = LabelBinarizer().fit(y)
        if (
            resuming
            and _plain_labels(y)
            and encoder.y_type_ in _SINGLE_LABEL
            and len(encoder.classes_) > 1  # one class encodes as a column of 0
        ):
            return _binarize(y, encoder.classes_), encoder
        return encoder.transform(y), encoder

    def _check_classes(self, y, incremental, classes, known):
        if (
            incremental
            and classes is not None
            and not np.array_equal(np.unique(classes), known)
        ):
            raise ValueError(
                f"`classes={np.asarray(classes).tolist()}` is not the same as on the "
                f"last call to partial_fit, was: {known.tolist()}."
            )
        present = np.unique(y) if _plain_labels(y) else unique_labels(y)
        if not incremental and set(present) != set(known):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes as in "
                f"the previous call to fit. Previously got {known.tolist()}, `y` "
                f"has {present.tolist()}."
            )
        if len(np.setdiff1d(present, known)):
            raise ValueError(
                f"`y` has classes not in `self.classes_`. `self.classes_` has "
                f"{known.tolist()}. 'y' has {present.tolist()}."
            )

    def _encoder_attributes(self, encoder):
        return dict(_label_binarizer=encoder, classes_=encoder.classes_)

    def _encode_validation_targets(self, y_val, encoder):
        present = np.unique(y_val) if _plain_labels(y_val) else unique_labels(y_val)
        unseen = np.setdiff1d(present, encoder.classes_)
        if len(unseen):
            raise ValueError(
                f"y_val has labels {unseen.tolist()} that are not among the classes "
                f"of y, {encoder.classes_.tolist()}: the network has no output for "
                "them. Drop those rows from the validation set, or train on them."
            )
        return encoder.transform(y_val)

    def _training_targets(self, Y, encoder):
        eps = self.label_smoothing
        if not eps:
            return Y
        # softmax: K classes share eps; each logistic column is a 2-class problem
        n_classes = Y.shape[1] if encoder.y_type_ == "multiclass" else 2
        return (1 - eps) * Y + eps / n_classes

    def _sample_weight(self, sample_weight, y, encoder):
        if self.class_weight is None:
            return sample_weight
        # in partial_fit, 'balanced' balances each chunk on its own: later chunks'
        # class frequencies are unknown
        per_row = class_weight_per_row(
            self.class_weight, y, encoder.classes_, sample_weight
        )
        weights = per_row if sample_weight is None else sample_weight * per_row
        check_effective_weights(weights, "sample_weight times class_weight")
        return weights

    def _loss_name(self, encoder):
        if encoder.y_type_ == "multiclass":
            return "categorical_cross_entropy"
        return "binary_cross_entropy"

    def _stratifies(self, y):
        return y.ndim == 1

    def _validation_score(self, outputs, y_val, w_val, encoder):
        return accuracy_score(
            y_val, encoder.inverse_transform(outputs), sample_weight=w_val
        )

    def _epoch_outputs(self, outputs, encoder):
        softmax = self._loss_name(encoder) == "categorical_cross_entropy"

        def probabilities():  # a copy: the outputs serve every response
            return _class_probabilities(outputs.copy(), len(encoder.classes_), softmax)

        responses = dict(
            predict=lambda: _class_labels(outputs, encoder),
            predict_proba=probabilities,
            predict_log_proba=lambda: _log(probabilities()),
        )
        return EpochOutputs(responses, "classifier", encoder.classes_)

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
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

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
        return _class_labels(self._forward(X), self._label_binarizer)

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
        return _class_probabilities(
            self._forward(X), len(self.classes_), self.out_activation_ == "softmax"
        )

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
        return _log(self.predict_proba(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
