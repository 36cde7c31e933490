"""The tabular recipe: a whole pipeline from a data frame to a FirstNet.

:func:`tabular_pipeline` returns an ordinary scikit-learn
:class:`~sklearn.pipeline.Pipeline`: skrub's
:class:`~skrub.TableVectorizer` turns numeric, categorical, text and date
columns into numbers, missing values are imputed (with an indicator column
for each column that had some), :class:`~skrub.SquashingScaler` scales every
column robustly and squashes outliers smoothly into a bounded range, and a
:class:`~sknn.FirstNetClassifier` or :class:`~sknn.FirstNetRegressor` with
the recipe's parameters learns from the result.

The recipe's parameters were chosen on sknn's quality benchmark
(``python -m benchmarks.quality``); :data:`RECIPE` lists them, and the user
guide's page on the recipe gives the benchmark's ablation table: what each
ingredient bought. Needs the ``tabular`` extra (``pip install sknn[tabular]``,
which installs skrub).
"""

from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from ._classifier import FirstNetClassifier
from ._regressor import FirstNetRegressor

#: The network step's parameters, shared by both tasks, then per task.
RECIPE = {
    "shared": dict(
        hidden_layer_sizes=(256, 256),
        batch_size=128,
        dropout=0.1,
        early_stopping=True,
        n_iter_no_change=20,
        max_iter=300,
    ),
    "classifier": dict(),
    "regressor": dict(normalize_y=True),
}

# One-hot up to this many levels: a categorical column's levels are usually
# meaningful one by one, and the network's first layer is wide enough.
_ONE_HOT_LEVELS = 100
_TASKS = {
    "classifier": ("classifier", FirstNetClassifier),
    "classification": ("classifier", FirstNetClassifier),
    "regressor": ("regressor", FirstNetRegressor),
    "regression": ("regressor", FirstNetRegressor),
}


def recipe_parameters(task):
    """The network step's parameters for ``task``: 'classifier' or 'regressor'.

    Examples
    --------
    >>> from sknn.tabular import recipe_parameters
    >>> recipe_parameters("regressor")["normalize_y"]
    True
    """
    kind, _ = _task(task)
    return {**RECIPE["shared"], **RECIPE[kind]}


def tabular_pipeline(task, **overrides):
    """A pipeline for a data frame: preprocessing, then a FirstNet with the recipe.

    Parameters
    ----------
    task : {'classifier', 'regressor'}
        What the network step is: a :class:`~sknn.FirstNetClassifier` or a
        :class:`~sknn.FirstNetRegressor` ('classification' and 'regression'
        are accepted too, as skrub's ``tabular_pipeline`` does).
    **overrides
        Parameters of the network step that replace the recipe's (see
        :func:`recipe_parameters`), e.g. ``random_state=0``.

    Returns
    -------
    Pipeline
        Steps 'vectorizer' (:class:`skrub.TableVectorizer`), 'imputer',
        'scaler' (:class:`skrub.SquashingScaler`) and 'network'. Tune the
        network's parameters as ``network__<name>``. ``sknn.to_onnx`` exports
        ``pipeline[-1]``, the network step; the preprocessing, which works on
        data frames, is not exportable.

    Raises
    ------
    ImportError
        When skrub is not installed.

    Examples
    --------
    >>> import pandas as pd
    >>> from sknn import tabular_pipeline
    >>> X = pd.DataFrame({
    ...     "size": [50.0, 80.0, None, 120.0, 65.0, 90.0] * 10,
    ...     "city": ["Paris", "Lyon", "Paris", "Nice", "Lyon", "Nice"] * 10,
    ... })
    >>> y = [0, 1, 0, 1, 0, 1] * 10
    >>> model = tabular_pipeline("classifier", random_state=0).fit(X, y)
    >>> [name for name, _ in model.steps]
    ['vectorizer', 'imputer', 'scaler', 'network']
    >>> float(model.score(X, y))
    1.0
    """
    skrub = _import_skrub()
    kind, network_class = _task(task)
    network = network_class(**{**recipe_parameters(kind), **overrides})
    one_hot = OneHotEncoder(
        drop="if_binary", handle_unknown="ignore", sparse_output=False
    )
    return Pipeline(
        [
            (
                "vectorizer",
                skrub.TableVectorizer(
                    cardinality_threshold=_ONE_HOT_LEVELS, low_cardinality=one_hot
                ),
            ),
            ("imputer", SimpleImputer(add_indicator=True)),
            ("scaler", skrub.SquashingScaler()),
            ("network", network),
        ]
    )


def _task(task):
    if task not in _TASKS:
        raise ValueError(f"task must be one of {sorted(_TASKS)}, got {task!r}.")
    return _TASKS[task]


def _import_skrub():
    try:
        import skrub
    except ImportError as error:
        raise ImportError(
            "sknn.tabular_pipeline needs skrub for its preprocessing: "
            "pip install 'sknn[tabular]'."
        ) from error
    return skrub
