"""Links to other projects' documentation, resolved without a network.

intersphinx would download the inventories of scikit-learn, NumPy, Python and
the others at every build. The documentation names only a few of their
objects, so this extension lists those, with their addresses, and links every
reference to them that Sphinx cannot resolve itself. A reference to any other
outside name still fails the nitpicky build: add it to ``TARGETS`` once its
address is checked.
"""

from docutils import nodes

SKLEARN = "https://scikit-learn.org/stable/"

TARGETS = {
    # scikit-learn's API pages are named after the objects they document
    **{
        name: f"{SKLEARN}modules/generated/{name}.html"
        for name in [
            "sklearn.compose.TransformedTargetRegressor",
            "sklearn.ensemble.VotingClassifier",
            "sklearn.ensemble.VotingRegressor",
            "sklearn.gaussian_process.GaussianProcessRegressor",
            "sklearn.linear_model.Perceptron",
            "sklearn.metrics.r2_score",
            "sklearn.model_selection.GridSearchCV",
            "sklearn.model_selection.cross_val_score",
            "sklearn.metrics.check_scoring",
            "sklearn.multioutput.MultiOutputRegressor",
            "sklearn.neural_network.MLPClassifier",
            "sklearn.neural_network.MLPRegressor",
            "sklearn.pipeline.Pipeline",
            "sklearn.preprocessing.StandardScaler",
        ]
    },
    # labels of scikit-learn's user guide, cited by its estimators' score methods
    "accuracy_score": f"{SKLEARN}modules/model_evaluation.html#accuracy-score",
    "r2_score": f"{SKLEARN}modules/model_evaluation.html#r2-score",
    "ImportError": "https://docs.python.org/3/library/exceptions.html#ImportError",
    "pickle": "https://docs.python.org/3/library/pickle.html",
    "joblib": "https://joblib.readthedocs.io/en/stable/",
    "joblib.dump": (
        "https://joblib.readthedocs.io/en/stable/generated/joblib.dump.html"
    ),
    **{
        f"skrub.{name}": f"https://skrub-data.org/stable/reference/generated/skrub.{name}.html"
        for name in ["TableVectorizer", "SquashingScaler"]
    },
    "matplotlib.axes.Axes.plot": (
        "https://matplotlib.org/stable/api/_as_gen/matplotlib.axes.Axes.plot.html"
    ),
    "dask.array.map_blocks": (
        "https://docs.dask.org/en/stable/generated/dask.array.map_blocks.html"
    ),
    "distributed.Client": (
        "https://distributed.dask.org/en/stable/api.html#distributed.Client"
    ),
}


def _link(app, env, node, contnode):
    """Resolve a reference Sphinx could not, when ``TARGETS`` knows its name."""
    address = TARGETS.get(node.get("reftarget"))
    if address is None:
        return None
    reference = nodes.reference("", "", internal=False, refuri=address)
    reference += contnode
    return reference


def setup(app):
    app.connect("missing-reference", _link)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
