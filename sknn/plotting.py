"""Plots for fitted networks and for the activation functions of the core.

matplotlib is an optional dependency, installed with ``pip install "sknn[plot]"``.
This module imports without it; each plotting entry point raises an
:class:`ImportError` naming that command when matplotlib is missing.

The displays follow scikit-learn's visualization API: a ``from_estimator``
class method computes what to draw from a fitted estimator, ``plot`` draws it,
and the matplotlib artists are kept as attributes ending in ``_`` so that they
can be restyled afterwards.
"""

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

__all__ = ["LossCurveDisplay", "plot_activations"]

_INSTALL_COMMAND = 'pip install "sknn[plot]"'


def _import_pyplot(caller_name):
    """Return ``matplotlib.pyplot``, or raise an ImportError saying how to get it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"{caller_name} requires matplotlib, which is not installed. "
            f"Install it with: {_INSTALL_COMMAND}"
        ) from exc
    return plt


def _new_axes_if_none(ax, plt):
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _as_curve(values, name):
    curve = np.asarray(values, dtype=float)
    if curve.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D sequence of numbers, got shape {curve.shape}."
        )
    return curve


class LossCurveDisplay:
    """Training loss per epoch, with the validation score when there is one.

    The training loss is drawn on the left y axis. When the estimator was fitted
    with ``early_stopping=True`` its validation scores (accuracy for a
    classifier, R² for a regressor) are drawn on a secondary y axis on the
    right, since the two are on different scales.

    Build it with :meth:`from_estimator` from a fitted estimator, or directly
    from the curves and then call :meth:`plot`.

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,)
        Training loss at the end of each epoch, as in an estimator's
        ``loss_curve_``.

    validation_scores : array-like of shape (n_epochs,), default=None
        Score on the held-out validation set after each epoch, as in an
        estimator's ``validation_scores_``. None draws no validation curve.

    estimator_name : str, default=None
        Name used in the title. None draws no title.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes holding the training loss curve.

    figure_ : matplotlib Figure
        Figure containing the curves.

    line_ : matplotlib Line2D
        The training loss curve.

    validation_ax_ : matplotlib Axes or None
        Secondary axes (sharing the x axis) holding the validation curve, or
        None without validation scores.

    validation_line_ : matplotlib Line2D or None
        The validation score curve, or None without validation scores.

    See Also
    --------
    plot_activations : Plot the hidden activation functions and their derivatives.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sknn import FirstNetClassifier
    >>> from sknn.plotting import LossCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = FirstNetClassifier(early_stopping=True, random_state=0).fit(X, y)
    >>> fig, ax = plt.subplots()
    >>> display = LossCurveDisplay.from_estimator(clf, ax=ax)
    >>> bool(np.array_equal(display.line_.get_ydata(), clf.loss_curve_))
    True
    >>> display.validation_line_ is not None  # early stopping: validation scores too
    True
    """

    def __init__(self, *, loss_curve, validation_scores=None, estimator_name=None):
        self.loss_curve = loss_curve
        self.validation_scores = validation_scores
        self.estimator_name = estimator_name

    def plot(self, ax=None, *, name=None, loss_kwargs=None, validation_kwargs=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on. None creates a new figure and axes.

        name : str, default=None
            Title of the plot. None uses ``estimator_name``.

        loss_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.plot` for
            the training loss curve.

        validation_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.plot` for
            the validation score curve.

        Returns
        -------
        display : LossCurveDisplay
            This object, with the matplotlib artists stored as attributes.
        """
        plt = _import_pyplot("LossCurveDisplay.plot")
        loss_curve = _as_curve(self.loss_curve, "loss_curve")
        ax = _new_axes_if_none(ax, plt)

        loss_style = {"color": "C0", "label": "Training loss", **(loss_kwargs or {})}
        (self.line_,) = ax.plot(
            np.arange(1, loss_curve.size + 1), loss_curve, **loss_style
        )
        ax.set_xlabel("Epoch")
        ax.set_ylabel("Training loss")
        lines = [self.line_]

        self.validation_ax_ = None
        self.validation_line_ = None
        if self.validation_scores is not None:
            scores = _as_curve(self.validation_scores, "validation_scores")
            # the loss and the score live on different scales: one y axis each
            self.validation_ax_ = ax.twinx()
            validation_style = {
                "color": "C1",
                "linestyle": "--",
                "label": "Validation score",
                **(validation_kwargs or {}),
            }
            (self.validation_line_,) = self.validation_ax_.plot(
                np.arange(1, scores.size + 1), scores, **validation_style
            )
            self.validation_ax_.set_ylabel("Validation score")
            lines.append(self.validation_line_)

        # one legend for both axes, so neither hides the other
        ax.legend(handles=lines, loc="center right")
        title = self.estimator_name if name is None else name
        if title is not None:
            ax.set_title(title)

        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(
        cls, estimator, *, ax=None, name=None, loss_kwargs=None, validation_kwargs=None
    ):
        """Draw the loss curve (and validation scores) of a fitted estimator.

        Parameters
        ----------
        estimator : fitted estimator or Pipeline
            A fitted :class:`~sknn.FirstNetClassifier`,
            :class:`~sknn.FirstNetRegressor` or scikit-learn MLP, or a fitted
            :class:`~sklearn.pipeline.Pipeline` ending in one (its final step is
            drawn). sknn records one loss per epoch, or per iteration with
            ``solver='lbfgs'``; scikit-learn's MLPs record none with ``'lbfgs'``.

        ax : matplotlib Axes, default=None
            Axes to draw on. None creates a new figure and axes.

        name : str, default=None
            Title of the plot. None uses the estimator's class name.

        loss_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.plot` for
            the training loss curve.

        validation_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.plot` for
            the validation score curve.

        Returns
        -------
        display : LossCurveDisplay
            The drawn display.

        Raises
        ------
        NotFittedError
            If the estimator is not fitted.

        ValueError
            If the estimator has no loss curve to draw.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from sklearn.datasets import make_regression
        >>> from sknn import FirstNetRegressor
        >>> from sknn.plotting import LossCurveDisplay
        >>> X, y = make_regression(n_samples=200, noise=1.0, random_state=0)
        >>> reg = FirstNetRegressor(learning_rate_init=0.01, random_state=0)
        >>> reg = reg.fit(X, y / y.std())  # a target of unit scale suits Adam's steps
        >>> fig, ax = plt.subplots()
        >>> LossCurveDisplay.from_estimator(reg, ax=ax, name="Regression")
        <sknn.plotting.LossCurveDisplay object at ...>
        """
        _import_pyplot(f"{cls.__name__}.from_estimator")
        if isinstance(estimator, Pipeline):
            estimator = estimator[-1]
        check_is_fitted(estimator)
        loss_curve = getattr(estimator, "loss_curve_", None)
        if loss_curve is None or len(loss_curve) == 0:
            raise ValueError(
                f"{type(estimator).__name__} has no loss curve to draw: "
                "scikit-learn's MLPs record none with solver='lbfgs'. Refit with a "
                "stochastic solver, or use sknn's estimators, to plot it."
            )
        display = cls(
            loss_curve=loss_curve,
            validation_scores=getattr(estimator, "validation_scores_", None),
            estimator_name=type(estimator).__name__ if name is None else name,
        )
        return display.plot(
            ax=ax, loss_kwargs=loss_kwargs, validation_kwargs=validation_kwargs
        )


def plot_activations(names=None, ax=None, *, z_range=(-4.0, 4.0), n_points=401):
    """Plot hidden activation functions (solid) and their derivatives (dashed).

    The values come from the network's own core,
    :data:`sknn.core.activations.ACTIVATIONS`, so the plot shows exactly what
    the forward and backward passes compute.

    Parameters
    ----------
    names : str or list of str, default=None
        Activations to draw, among ``'identity'``, ``'logistic'``, ``'tanh'``,
        ``'relu'``, ``'leaky_relu'``, ``'elu'``, ``'gelu'``, ``'silu'``,
        ``'selu'`` and ``'mish'``.
        None draws all of them.

    ax : matplotlib Axes, default=None
        Axes to draw on. None creates a new figure and axes.

    z_range : tuple of two floats, default=(-4.0, 4.0)
        Interval of pre-activations ``z`` on the x axis.

    n_points : int, default=401
        Number of evenly spaced points at which each curve is evaluated.

    Returns
    -------
    ax : matplotlib Axes
        The axes, holding two lines per activation: ``f(z)`` then ``f'(z)``,
        in the order of ``names``.

    See Also
    --------
    LossCurveDisplay : Plot the training loss of a fitted network.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sknn.plotting import plot_activations
    >>> fig, ax = plt.subplots()
    >>> ax = plot_activations(["relu", "gelu"], ax=ax)
    >>> [line.get_label() for line in ax.lines]
    ['relu', "relu'", 'gelu', "gelu'"]
    """
    plt = _import_pyplot("plot_activations")
    from .core.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS

    names = _check_activation_names(names, HIDDEN_ACTIVATIONS)
    ax = _new_axes_if_none(ax, plt)
    z = np.linspace(z_range[0], z_range[1], n_points)
    for index, name in enumerate(names):
        activation = ACTIVATIONS[name]
        # one colour per activation, shared by the function and its derivative
        color = f"C{index % 10}"
        ax.plot(z, activation.forward(z), color=color, label=name)
        ax.plot(
            z, activation.derivative(z), color=color, linestyle="--", label=f"{name}'"
        )
    ax.set_xlabel("z")
    ax.set_ylabel("f(z) solid, f'(z) dashed")
    ax.grid(True, alpha=0.3)
    ax.legend(ncols=2, fontsize="small")
    return ax


def _check_activation_names(names, available):
    if names is None:
        return list(available)
    if isinstance(names, str):
        names = [names]
    names = list(names)
    unknown = [name for name in names if name not in available]
    if unknown:
        raise ValueError(
            f"Unknown hidden activation(s) {unknown}; choose among {sorted(available)}."
        )
    return names
