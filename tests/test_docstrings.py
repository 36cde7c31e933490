"""Every public class and function has an Examples section, and so a doctest.

The Examples sections run as doctests (``--doctest-modules`` in
pyproject.toml); this test makes sure that each public name has one to run.
Public means the names in ``__all__`` of sknn, sknn.plotting and sknn.dask,
and every class and function defined in a module of sknn.core.
"""

import importlib
import inspect
import pkgutil

import sknn.core

# Examples sections written for these, not yet in their docstrings; take a
# name out when its docstring gains one.
PENDING = {
    "sknn.core.activations.Activation",
    "sknn.core.activations.ELU",
    "sknn.core.activations.Exp",
    "sknn.core.activations.GELU",
    "sknn.core.activations.Identity",
    "sknn.core.activations.LeakyReLU",
    "sknn.core.activations.Logistic",
    "sknn.core.activations.ReLU",
    "sknn.core.activations.SiLU",
    "sknn.core.activations.Softmax",
    "sknn.core.activations.Tanh",
    "sknn.core.initializers.auto",
    "sknn.core.initializers.he_normal",
    "sknn.core.initializers.he_uniform",
    "sknn.core.initializers.xavier_normal",
    "sknn.core.initializers.xavier_uniform",
    "sknn.core.lbfgs.fit_lbfgs",
    "sknn.core.losses.BinaryCrossEntropy",
    "sknn.core.losses.CategoricalCrossEntropy",
    "sknn.core.losses.Loss",
    "sknn.core.losses.Poisson",
    "sknn.core.losses.SquaredError",
    "sknn.core.network.Network",
    "sknn.core.network.Workspace",
    "sknn.core.network.predict",
    "sknn.core.optimizers.Adam",
    "sknn.core.optimizers.AdamW",
    "sknn.core.optimizers.RMSProp",
    "sknn.core.optimizers.SGD",
    "sknn.core.schedules.Adaptive",
    "sknn.core.schedules.Constant",
    "sknn.core.schedules.InvScaling",
    "sknn.core.training.Diverged",
    "sknn.core.training.Plateau",
    "sknn.core.training.Trainer",
    "sknn.core.training.minibatches",
}


def public_objects():
    for module_name in ("sknn", "sknn.plotting", "sknn.dask"):
        module = importlib.import_module(module_name)
        for name in module.__all__:
            if name != "__version__":
                yield f"{module_name}.{name}", getattr(module, name)
    for info in pkgutil.iter_modules(sknn.core.__path__):
        module = importlib.import_module(f"sknn.core.{info.name}")
        for name, obj in vars(module).items():
            defined_here = getattr(obj, "__module__", None) == module.__name__
            if not name.startswith("_") and defined_here:
                if inspect.isclass(obj) or inspect.isfunction(obj):
                    yield f"{module.__name__}.{name}", obj


def test_every_public_class_and_function_has_examples():
    missing = {
        name
        for name, obj in public_objects()
        if "\nExamples\n--------\n" not in "\n" + (inspect.getdoc(obj) or "") + "\n"
    }
    assert not missing - PENDING, "add an Examples section to these"
    assert not PENDING - missing, "these have one now: take them out of PENDING"
