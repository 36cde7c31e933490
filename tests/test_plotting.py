"""Tests for sknn.plotting: what the displays draw, and how they fail."""

import sys

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import NotFittedError

from sknn import FirstNetClassifier, FirstNetRegressor
from sknn.core.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
from sknn.plotting import LossCurveDisplay, plot_activations

# the fits below stop at a small max_iter on purpose
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

HIDDEN_NAMES = list(HIDDEN_ACTIVATIONS)  # a new activation is tested at once


@pytest.fixture
def pyplot():
    """matplotlib's pyplot on the Agg backend; every figure closed afterwards."""
    matplotlib = pytest.importorskip(
        "matplotlib", reason="plotting needs matplotlib (the sknn[plot] extra)"
    )
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


@pytest.fixture(scope="module")
def classification_data():
    return make_classification(n_samples=120, n_features=6, random_state=0)


def test_from_estimator_draws_loss_curve(pyplot, classification_data):
    X, y = classification_data
    clf = FirstNetClassifier(hidden_layer_sizes=(8,), max_iter=15, random_state=0)
    clf.fit(X, y)

    display = LossCurveDisplay.from_estimator(clf)

    np.testing.assert_allclose(display.line_.get_ydata(), clf.loss_curve_)
    np.testing.assert_array_equal(
        display.line_.get_xdata(), np.arange(1, len(clf.loss_curve_) + 1)
    )
    assert display.validation_line_ is None
    assert display.validation_ax_ is None
    assert display.figure_ is display.ax_.figure
    assert display.ax_.get_title() == "FirstNetClassifier"


def test_from_estimator_draws_validation_scores_on_second_axis(pyplot):
    X, y = make_regression(n_samples=150, n_features=4, noise=1.0, random_state=0)
    reg = FirstNetRegressor(
        hidden_layer_sizes=(8,),
        early_stopping=True,
        max_iter=12,
        n_iter_no_change=50,
        random_state=0,
    )
    reg.fit(X, y)

    display = LossCurveDisplay.from_estimator(reg, name="my network")

    np.testing.assert_allclose(display.line_.get_ydata(), reg.loss_curve_)
    np.testing.assert_allclose(
        display.validation_line_.get_ydata(), reg.validation_scores_
    )
    # drawn on a secondary y axis that shares the x axis with the loss
    assert display.validation_line_.axes is display.validation_ax_
    assert display.validation_ax_ is not display.ax_
    assert display.validation_ax_.get_shared_x_axes().joined(
        display.ax_, display.validation_ax_
    )
    assert display.ax_.get_title() == "my network"


def test_from_estimator_draws_on_given_axes(pyplot, classification_data):
    X, y = classification_data
    clf = FirstNetClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
    clf.fit(X, y)
    _, ax = pyplot.subplots()

    display = LossCurveDisplay.from_estimator(clf, ax=ax, loss_kwargs={"color": "red"})

    assert display.ax_ is ax
    assert display.line_ in ax.lines
    assert display.line_.get_color() == "red"


def test_constructor_then_plot(pyplot):
    loss = [1.0, 0.6, 0.4, 0.35]
    scores = [0.5, 0.7, 0.8, 0.82]
    display = LossCurveDisplay(loss_curve=loss, validation_scores=scores).plot()
    np.testing.assert_allclose(display.line_.get_ydata(), loss)
    np.testing.assert_allclose(display.validation_line_.get_ydata(), scores)
    assert display.ax_.get_title() == ""


def test_constructor_rejects_non_1d_curve(pyplot):
    display = LossCurveDisplay(loss_curve=[[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match="1-D"):
        display.plot()


@pytest.mark.parametrize("Estimator", [FirstNetClassifier, FirstNetRegressor])
def test_from_estimator_unfitted_raises_not_fitted(pyplot, Estimator):
    with pytest.raises(NotFittedError):
        LossCurveDisplay.from_estimator(Estimator())


def test_from_estimator_without_loss_curve_raises(pyplot, classification_data):
    X, y = classification_data
    clf = FirstNetClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
    clf.fit(X, y)
    clf.loss_curve_ = []  # as left by a solver that records no curve
    with pytest.raises(ValueError, match="no loss curve"):
        LossCurveDisplay.from_estimator(clf)


def test_plot_activations_draws_function_and_derivative(pyplot):
    ax = plot_activations(z_range=(-3.0, 3.0), n_points=61)

    assert len(ax.lines) == 2 * len(HIDDEN_NAMES)
    z = np.linspace(-3.0, 3.0, 61)
    drawn = []
    for function_line, derivative_line in zip(
        ax.lines[::2], ax.lines[1::2], strict=True
    ):
        name = function_line.get_label()
        drawn.append(name)
        assert derivative_line.get_label() == f"{name}'"
        np.testing.assert_allclose(function_line.get_xdata(), z)
        np.testing.assert_allclose(
            function_line.get_ydata(), ACTIVATIONS[name].forward(z)
        )
        np.testing.assert_allclose(
            derivative_line.get_ydata(), ACTIVATIONS[name].derivative(z)
        )
        # the two curves of one activation share its colour
        assert function_line.get_color() == derivative_line.get_color()
    assert sorted(drawn) == sorted(HIDDEN_NAMES)


def test_plot_activations_formulas(pyplot):
    # independent of the core: the documented formulas, drawn as claimed
    ax = plot_activations(["elu", "gelu", "silu"], n_points=41)
    z = np.linspace(-4.0, 4.0, 41)
    gelu = 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z**3)))
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.where(z > 0, z, np.expm1(z)))
    np.testing.assert_allclose(ax.lines[2].get_ydata(), gelu, atol=1e-12)
    np.testing.assert_allclose(
        ax.lines[4].get_ydata(), z / (1 + np.exp(-z)), atol=1e-12
    )
    # the dashed line is the slope of the solid one
    for function_line, derivative_line in zip(
        ax.lines[::2], ax.lines[1::2], strict=True
    ):
        slope = np.gradient(function_line.get_ydata(), z)
        interior = np.abs(z) > 0.3  # away from the kink of elu at 0
        np.testing.assert_allclose(
            derivative_line.get_ydata()[interior], slope[interior], atol=0.03
        )


def test_plot_activations_single_name_on_given_axes(pyplot):
    _, ax = pyplot.subplots()
    returned = plot_activations("relu", ax=ax)
    assert returned is ax
    assert [line.get_label() for line in ax.lines] == ["relu", "relu'"]


def test_plot_activations_unknown_name(pyplot):
    with pytest.raises(ValueError, match="Unknown hidden activation"):
        plot_activations(["relu", "swish"])


@pytest.mark.parametrize(
    "draw",
    [
        lambda: plot_activations(),
        lambda: LossCurveDisplay(loss_curve=[1.0, 0.5]).plot(),
        lambda: LossCurveDisplay.from_estimator(FirstNetClassifier()),
    ],
    ids=["plot_activations", "LossCurveDisplay.plot", "from_estimator"],
)
def test_missing_matplotlib_names_the_extra(monkeypatch, draw):
    # None in sys.modules makes any import of matplotlib fail, as if not installed
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "sknn\[plot\]"'):
        draw()


def test_module_imports_without_matplotlib(monkeypatch):
    import importlib

    import sknn.plotting

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    reloaded = importlib.reload(sknn.plotting)
    assert hasattr(reloaded, "LossCurveDisplay")
