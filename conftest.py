"""pytest settings for the doctests: sknn's Examples sections and the docs' pages.

A doctest that imports an optional dependency which is not installed is
skipped, so that the test command passes with the ``test`` extra alone. Each
doctest runs in its own temporary directory, so files it saves (a model in the
persistence guide, say) never land in the repository.
"""

import importlib.util
import os
import re
import sys

import pytest
from _pytest.doctest import DoctestItem

# Gallery scripts run when imported, and the docs build copies them into
# docs/auto_examples: neither is a module to collect doctests from.
collect_ignore_glob = ["examples/*", "docs/auto_examples/*", "docs/_build/*"]

# Figures that doctests draw are never shown.
os.environ.setdefault("MPLBACKEND", "Agg")

_IMPORT = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_]\w*)", re.MULTILINE)


def _missing_imports(item):
    sources = "\n".join(example.source for example in item.dtest.examples)
    names = set(_IMPORT.findall(sources))
    return sorted(name for name in names if importlib.util.find_spec(name) is None)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if isinstance(item, DoctestItem):
            missing = _missing_imports(item)
            if missing:
                reason = f"needs {', '.join(missing)} (an optional dependency)"
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _doctest_in_a_temporary_directory(request, tmp_path, monkeypatch):
    if not isinstance(request.node, DoctestItem):
        yield
        return
    monkeypatch.chdir(tmp_path)
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")  # the figures of every doctest would pile up
