"""Sphinx configuration of sknn's documentation.

Build it from the repository root, with the ``docs`` extra installed::

    python -m sphinx -W -b html docs docs/_build/html

The build runs every script of ``examples/`` for the gallery, and fails on any
warning, unresolved references included (``nitpicky``).
"""

import sys
from pathlib import Path

import sknn

# external_links.py, next to this file, is a small extension of this project
sys.path.insert(0, str(Path(__file__).resolve().parent))

project = "sknn"
author = "the sknn developers"
project_copyright = author
version = release = sknn.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "external_links",
]

nitpicky = True
# Single backticks are code, as in scikit-learn's docstrings (`y`, `classes_`).
default_role = "literal"
templates_path = ["_templates"]
exclude_patterns = ["_build"]

# -- API reference -----------------------------------------------------------
autosummary_generate = True
autodoc_typehints = "none"
# page outlines name methods without their class: fit(), not FirstNetClassifier.fit()
toc_object_entries_show_parents = "hide"
autodoc_default_options = {"member-order": "bysource"}
# The class template lists the methods; numpydoc should not list them again.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# -- Gallery -----------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # every script runs, not only the plot_ ones: the Dask examples print
    "filename_pattern": "/",
    "subsection_order": [
        "../examples/first_networks",
        "../examples/training",
        "../examples/dask",
        "../examples/tutorial",
    ],
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,
    # names used in the examples' code link to their API entries, and each API
    # entry lists the examples that use it
    "doc_module": ("sknn",),
    "reference_url": {"sknn": None},
    "backreferences_dir": "generated/backreferences",
    "download_all_examples": False,
    "remove_config_comments": True,
    "write_computation_times": False,
}

# -- HTML --------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sknn {release}"
html_show_sourcelink = False
# Pages that are one long read get the whole width for their code and figures.
html_sidebars = {"guide/tutorial": [], "api/core": []}
html_theme_options = {
    "navbar_align": "left",
    "show_prev_next": False,
    # an example's outline is its few section titles: its code needs the room more
    "secondary_sidebar_items": {
        "guide/**": ["page-toc"],
        "api/**": ["page-toc"],
        "generated/**": ["page-toc"],
        "auto_examples/**": [],
    },
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
