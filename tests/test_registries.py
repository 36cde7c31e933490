"""Each registry of the core is the single source of what it lists.

A new activation, loss, initializer, optimizer or schedule is one entry in its
registry: everything that enumerates them (parameter constraints, docstrings,
README, ONNX export, plots, the parametrized tests) follows, and these tests
fail where something still lists names of its own.
"""

from pathlib import Path

import numpy as np
import pytest

from sknn import FirstNetClassifier, FirstNetRegressor
from sknn.core.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from sknn.core.initializers import INITIALIZERS
from sknn.core.input_layers import EMBEDDINGS
from sknn.core.losses import LOSSES
from sknn.core.optimizers import OPTIMIZERS
from sknn.core.schedules import DECAY_SCHEDULES, SCHEDULES

README = (Path(__file__).parents[1] / "README.md").read_text()
ESTIMATORS = [FirstNetClassifier, FirstNetRegressor]


def _options(estimator, parameter):
    (constraint, *_) = estimator._parameter_constraints[parameter]
    return set(constraint.options)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(
    "parameter, registry",
    [
        ("activation", set(HIDDEN_ACTIVATIONS)),
        ("solver", {"lbfgs"} | set(OPTIMIZERS)),
        ("learning_rate", set(SCHEDULES)),
        ("lr_schedule", set(SCHEDULES)),
        ("dropout_schedule", set(DECAY_SCHEDULES)),
        ("weight_decay_schedule", set(DECAY_SCHEDULES)),
        ("weight_init", set(INITIALIZERS)),
        ("numeric_embedding", set(EMBEDDINGS)),
    ],
)
def test_parameter_constraints_are_the_registries(Estimator, parameter, registry):
    assert _options(Estimator, parameter) == registry


@pytest.mark.parametrize(
    "names",
    [
        HIDDEN_ACTIVATIONS,
        OPTIMIZERS,
        SCHEDULES,
        DECAY_SCHEDULES,
        INITIALIZERS,
        EMBEDDINGS,
    ],
)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_docstrings_and_readme_name_every_entry(Estimator, names):
    for name in names:
        assert f"'{name}'" in Estimator.__doc__, name
        assert f"'{name}'" in README, name


def test_regression_losses_are_losses_with_their_output_activation():
    for name in _options(FirstNetRegressor, "loss"):
        assert LOSSES[name].output_activation in OUTPUT_ACTIVATIONS
        assert f"'{name}'" in FirstNetRegressor.__doc__


def test_every_loss_names_an_output_activation():
    for loss in LOSSES.values():
        assert loss.output_activation in OUTPUT_ACTIVATIONS


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_is_built_from_what_the_estimator_resolves(name):
    clf = FirstNetClassifier(solver=name, hidden_layer_sizes=(3,), max_iter=1)
    with pytest.warns(Warning):  # one epoch: not converged
        clf.fit(np.eye(4), [0, 1, 0, 1])
    optimizer = clf._session.optimizer
    assert type(optimizer) is OPTIMIZERS[name]
    # a checkpoint copies exactly the state the optimizer declares
    assert set(optimizer.get_state()) == set(OPTIMIZERS[name].state)


def test_plot_activations_draws_the_registry():
    plotting = pytest.importorskip("sknn.plotting")
    pytest.importorskip("matplotlib")
    ax = plotting.plot_activations()
    drawn = [line.get_label() for line in ax.lines[::2]]
    assert drawn == list(HIDDEN_ACTIVATIONS)
    for name in HIDDEN_ACTIVATIONS:
        assert f"'{name}'" in plotting.plot_activations.__doc__


def test_every_activation_writes_its_export_graph():
    class Recorder:
        def op(self, op_type, inputs, **attributes):
            return f"{op_type}({', '.join(inputs)})"

        def scalar(self, value):
            return repr(float(value))

    for activation in {**HIDDEN_ACTIVATIONS, **OUTPUT_ACTIVATIONS}.values():
        assert isinstance(activation.graph(Recorder(), "z"), str)
