"""Every public class and function has an Examples section, and so a doctest.

The Examples sections run as doctests (``--doctest-modules`` in
pyproject.toml); this test makes sure that each public name has one to run.
Public means the names in ``__all__`` of sknn, sknn.ensemble, sknn.plotting
and sknn.dask, and every class and function defined in a module of sknn.core.
"""

import importlib
import inspect
import pkgutil

import sknn.core


def public_objects():
    for module_name in ("sknn", "sknn.ensemble", "sknn.plotting", "sknn.dask"):
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
    assert not missing, "add an Examples section to these"
