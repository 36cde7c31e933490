"""Step 1 of a fit: every setting of an estimator resolved once, changing nothing.

:func:`resolve_architecture` says which network a fit trains (what its weights
mean), :func:`check_resumable` refuses a resume that cannot carry over, and
:func:`resolve_settings` turns the estimator's parameters into the core's
:class:`~sknn.core.training.Settings`. Each reads the estimator's parameters
and raises a ``ValueError`` naming the one at fault.
"""

import warnings
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from . import _input_layers
from ._input import check_memory
from .core import training
from .core.activations import HIDDEN_ACTIVATIONS
from .core.losses import LOSSES
from .core.schedules import SCHEDULES

# The parameter groups beyond "weights" and "biases" (``Network.groups``), each
# with the estimator parameter that creates it and the test of its value
OPTIONAL_GROUPS = {
    "activations": ("parametric_activation", bool),
    "scale": ("feature_scaling", bool),
    "embedding": ("numeric_embedding", lambda value: value is not None),
}


def parameter_groups(params):
    """The parameter groups a network trained with estimator parameters
    ``params`` (a dict) has: the names ``lr_factors`` may give.

    Examples
    --------
    >>> from sknn._resolve import parameter_groups
    >>> parameter_groups({"parametric_activation": False, "feature_scaling": True,
    ...                   "numeric_embedding": None})
    ['weights', 'biases', 'scale']
    """
    return ["weights", "biases"] + [
        group for group, (name, is_on) in OPTIONAL_GROUPS.items() if is_on(params[name])
    ]


def _check_lr_factors(estimator):
    if not estimator.lr_factors:
        return
    switches = {name: getattr(estimator, name) for name, _ in OPTIONAL_GROUPS.values()}
    groups = parameter_groups(switches)
    for group in estimator.lr_factors:
        if group in groups:
            continue
        if group in OPTIONAL_GROUPS:
            name, _ = OPTIONAL_GROUPS[group]
            raise ValueError(
                f"lr_factors names the group {group!r}, which exists only while "
                f"{name} turns it on (it is {getattr(estimator, name)!r}): turn "
                f"it on, or leave {group!r} out of lr_factors."
            )
        raise ValueError(
            f"lr_factors names an unknown parameter group {group!r}; the groups "
            f"are {groups} with these settings, and "
            f"{sorted(set(OPTIONAL_GROUPS) - set(groups))} with their switches on."
        )


def _is_count(value):
    # True and False are Integral, but hidden_layer_sizes=(True,) is a mistake
    return isinstance(value, Integral | np.integer) and not isinstance(
        value, bool | np.bool_
    )


@dataclass(frozen=True)
class Architecture:
    """The network a fit resolved: what its weights mean."""

    layer_units: tuple
    hidden_activations: tuple
    loss: str
    dtype: str  # a name, not a numpy.dtype: skops trusts plain values only
    parametrization: str = "standard"
    parametric_activation: bool = False
    input_layers: _input_layers.InputSpec | None = None

    @property
    def output_activation(self):
        return LOSSES[self.loss].output_activation


def resolve_architecture(estimator, data, resuming=False):
    """The network ``estimator`` fits on ``data``: its layers, activations,
    loss, precision and input layers (those of the last fit when resuming)."""
    hidden_sizes = _hidden_layer_sizes(estimator)
    activations = _per_layer(
        estimator, "activation", estimator.activation, len(hidden_sizes)
    )
    for name in activations:
        if name not in HIDDEN_ACTIVATIONS:
            raise ValueError(
                f"Unknown activation {name!r}; choose from "
                f"{sorted(HIDDEN_ACTIVATIONS)}."
            )
    previous = estimator._architecture_.input_layers if resuming else None
    inputs = _input_layers.resolve(estimator, data.X, previous)
    width = data.X.shape[1] if inputs is None else inputs.width
    layer_units = (width, *hidden_sizes, data.Y.shape[1])
    return Architecture(
        layer_units,
        tuple(str(name) for name in activations),
        estimator._loss_name(data.encoder),
        estimator._compute_dtype.name,
        estimator.parametrization,
        bool(estimator.parametric_activation),
        inputs,
    )


def _hidden_layer_sizes(estimator):
    sizes = estimator.hidden_layer_sizes
    sizes = [sizes] if np.isscalar(sizes) else list(sizes)
    if not all(_is_count(s) and s > 0 for s in sizes):
        shown = [s.item() if isinstance(s, np.generic) else s for s in sizes]
        raise ValueError(f"hidden_layer_sizes must be positive integers, got {shown}.")
    return [int(s) for s in sizes]


def _per_layer(estimator, name, value, n_hidden):
    """Expand a scalar-or-sequence parameter to one value per hidden layer."""
    values = [value] * n_hidden if isinstance(value, str | Real) else list(value)
    if len(values) != n_hidden:
        raise ValueError(
            f"{name} has {len(values)} entries but there are {n_hidden} hidden "
            f"layers (hidden_layer_sizes={estimator.hidden_layer_sizes!r}): give one "
            "value, or one per hidden layer."
        )
    return values


def _dropout_rates(estimator, n_hidden):
    rates = _per_layer(estimator, "dropout", estimator.dropout, n_hidden)
    for rate in rates:
        if not isinstance(rate, Real) or isinstance(rate, bool):
            raise ValueError(f"Each dropout rate must be a float, got {rate!r}.")
        if not 0 <= rate < 1:
            why = "is negative" if rate < 0 else "would drop every unit"
            raise ValueError(
                f"Each dropout rate must be in [0, 1): {float(rate)} {why}."
            )
    return tuple(float(rate) for rate in rates)


def check_resumable(estimator, architecture, incremental):
    """Refuse a resume whose network, or optimizer state, cannot carry over."""
    before = estimator._architecture_
    _input_layers.check_resumable(before.input_layers, architecture.input_layers)
    if before.layer_units != architecture.layer_units:
        raise ValueError(
            "The network's layers changed since the last fit "
            f"({list(before.layer_units)} -> {list(architecture.layer_units)}); "
            "set warm_start=False to start over."
        )
    if before.parametric_activation != architecture.parametric_activation:
        raise ValueError(
            "parametric_activation changed since the last fit "
            f"({before.parametric_activation} -> "
            f"{architecture.parametric_activation}), which changes the "
            "network's parameters; set warm_start=False to start over."
        )
    if not incremental:
        return  # a warm start begins a new optimizer state: all else may change
    changed = {
        "solver": (estimator._session.solver, estimator.solver),
        "dtype": (before.dtype, architecture.dtype),
        "loss": (before.loss, architecture.loss),
        "parametrization": (before.parametrization, architecture.parametrization),
    }
    for name, (old, new) in changed.items():
        if old != new:
            raise ValueError(
                f"partial_fit cannot continue with {name}={new!r}: the model was "
                f"trained with {name}={old!r}, and its optimizer state belongs "
                f"to that. Set {name}={old!r} back, or fit a new model."
            )


def resolve_settings(estimator, architecture, n_samples):
    """Every training setting, resolved once for this call (step 1)."""
    batch_size = _batch_size(estimator, n_samples)
    check_memory(
        architecture.layer_units,
        batch_size,
        architecture.dtype,
        _input_layers.buffer_elements_per_row(architecture.input_layers),
    )
    dropout = _dropout_rates(estimator, len(architecture.layer_units) - 2)
    _check_lr_factors(estimator)
    if estimator.solver == "lbfgs":
        _check_full_batch_extras(estimator, dropout)
    schedule = _schedule(estimator)
    return training.Settings(
        solver=estimator.solver,
        loss=architecture.loss,
        learning_rate_init=estimator.learning_rate_init,
        schedule=schedule,
        power_t=estimator.power_t,
        alpha=estimator.alpha,
        batch_size=batch_size,
        shuffle=estimator.shuffle,
        tol=estimator.tol,
        n_iter_no_change=estimator.n_iter_no_change,
        random_state=estimator.random_state,
        solver_settings=dict(
            momentum=estimator.momentum,
            nesterov=estimator.nesterovs_momentum,
            beta_1=estimator.beta_1,
            beta_2=estimator.beta_2,
            epsilon=estimator.epsilon,
        ),
        max_grad_norm=estimator.max_grad_norm,
        dropout=dropout,
        max_fun=estimator.max_fun,
        lr_warmup=estimator.lr_warmup,
        dropout_schedule=estimator.dropout_schedule,
        weight_decay_schedule=estimator.weight_decay_schedule,
        horizon=estimator.max_iter,
        lr_factors=estimator.lr_factors,
    )


def _schedule(estimator):
    # as in scikit-learn, learning_rate applies to solver='sgd' only;
    # lr_schedule applies a schedule to any stochastic solver
    if estimator.lr_schedule is not None:
        name, parameter = estimator.lr_schedule, "lr_schedule"
    elif estimator.solver == "sgd":
        name, parameter = estimator.learning_rate, "learning_rate"
    else:
        name, parameter = "constant", "lr_schedule"
    if estimator.lr_warmup and not SCHEDULES[name].takes_warmup:
        raise ValueError(
            f"lr_warmup={estimator.lr_warmup!r} cannot ramp into {parameter}="
            f"{name!r}, which sets the rate once per epoch: choose a schedule "
            "set at every step ('constant', 'cosine', 'coslog', 'onecycle'), "
            "or lr_warmup=0."
        )
    return name


def _check_full_batch_extras(estimator, dropout):
    """Refuse extras that full-batch L-BFGS cannot honour, not ignore them."""
    ignored = {
        "dropout": estimator.dropout if any(dropout) else None,
        "max_grad_norm": estimator.max_grad_norm,
        "lr_schedule": estimator.lr_schedule,
        "lr_warmup": estimator.lr_warmup or None,
        "dropout_schedule": estimator.dropout_schedule,
        "weight_decay_schedule": estimator.weight_decay_schedule,
        "lr_factors": estimator.lr_factors or None,
        "scoring": estimator.scoring,  # early stopping's, which L-BFGS ignores
    }
    for name, value in ignored.items():
        if value is not None:
            raise ValueError(
                f"{name}={value!r} has no effect with solver='lbfgs', which "
                "takes full-batch steps of its own: use a stochastic solver "
                f"(e.g. 'adam'), or leave {name} at its default."
            )


def _batch_size(estimator, n_samples):
    if estimator.solver == "lbfgs":
        return n_samples
    if estimator.batch_size == "auto":
        return min(200, n_samples)
    if estimator.batch_size > n_samples:
        warnings.warn(
            f"Got batch_size={estimator.batch_size} larger than the {n_samples} "
            "samples: it is clipped to the number of samples."
        )
    return min(estimator.batch_size, n_samples)
