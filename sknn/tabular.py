"""The tabular recipe: a whole pipeline from a data frame to a FirstNet.

:func:`tabular_pipeline` returns an ordinary scikit-learn
:class:`~sklearn.pipeline.Pipeline`: skrub's
:class:`~skrub.TableVectorizer` turns numeric, categorical, text and date
columns into numbers, missing values are imputed (with an indicator column
for each column that had some), :class:`~skrub.SquashingScaler` scales every
column robustly and squashes outliers smoothly into a bounded range, and a
:class:`~sknn.FirstNetClassifier`, or two to five
:class:`~sknn.FirstNetRegressor` averaged (:mod:`sknn.ensemble`), with the
recipe's parameters learn from the result.

The recipe's parameters were chosen on sknn's quality benchmark
(``python -m benchmarks.quality``); ``RECIPE`` lists them, and the user
guide's page on the recipe gives the benchmark's ablation table: what each
ingredient bought. Needs the ``tabular`` extra (``pip install sknn[tabular]``,
which installs skrub).
"""

from numbers import Integral

import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from ._classifier import FirstNetClassifier
from ._regressor import FirstNetRegressor
from ._resolve import parameter_groups
from .ensemble import SeedEnsembleClassifier, SeedEnsembleRegressor

#: The networks' parameters, shared by both tasks, then per task.
RECIPE = {
    "shared": dict(
        hidden_layer_sizes=(256, 256),
        parametrization="ntk",
        parametric_activation=True,
        numeric_embedding="periodic",
        feature_scaling=True,
        lr_factors={"biases": 0.1, "activations": 0.1, "embedding": 0.1, "scale": 6.0},
        solver="adamw",
        alpha=0.02,
        weight_decay_schedule="flat_cos",
        dropout=0.15,
        dropout_schedule="flat_cos",
        lr_schedule="coslog",
        beta_2=0.95,
        max_iter=48,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=np.inf,
    ),
    "classifier": dict(
        activation="selu", learning_rate_init=0.04, label_smoothing=0.1, batch_size=256
    ),
    # four times the steps of the classifier's: on the benchmark, regression
    # gained 0.3-0.9 points of R² from them, classification nothing
    "regressor": dict(
        activation="mish", learning_rate_init=0.2, normalize_y=True, batch_size=64
    ),
}

#: How many networks the recipe averages, per task (see sknn.ensemble). On the
#: benchmark, a second network gained 0.7 points of R² on regression and 0.1
#: of accuracy on classification, for twice the time; more than two paid on
#: small regression tables only ('auto').
MEMBERS = {"classifier": 1, "regressor": "auto"}

# One-hot up to this many levels: a categorical column's levels are usually
# meaningful one by one, and the network's first layer is wide enough.
_ONE_HOT_LEVELS = 100
_TASKS = {
    "classifier": ("classifier", FirstNetClassifier),
    "classification": ("classifier", FirstNetClassifier),
    "regressor": ("regressor", FirstNetRegressor),
    "regression": ("regressor", FirstNetRegressor),
}


def recipe_parameters(task, **overrides):
    """The network step's parameters for ``task``, with ``overrides`` applied.

    Parameters
    ----------
    task : {'classifier', 'regressor'}
        The network step's task.
    **overrides
        Parameters that replace the recipe's. One that turns off a parameter
        group (``numeric_embedding=None``, ``feature_scaling=False``,
        ``parametric_activation=False``) also drops that group's entry of the
        recipe's ``lr_factors``, unless ``lr_factors`` is given too.

    Returns
    -------
    dict
        Keyword arguments for the task's FirstNet estimator.

    Examples
    --------
    >>> from sknn.tabular import recipe_parameters
    >>> recipe_parameters("regressor")["normalize_y"]
    True
    >>> recipe_parameters("classifier", numeric_embedding=None)["lr_factors"]
    {'biases': 0.1, 'activations': 0.1, 'scale': 6.0}
    """
    kind, _ = _task(task)
    params = {**RECIPE["shared"], **RECIPE[kind], **overrides}
    if "lr_factors" not in overrides and params.get("lr_factors"):
        # an override that turns a group off drops its learning-rate factor too
        groups = parameter_groups(params)
        params["lr_factors"] = {
            group: factor
            for group, factor in params["lr_factors"].items()
            if group in groups
        }
    return params


def tabular_pipeline(task, *, n_members=None, **overrides):
    """A pipeline for a data frame: preprocessing, then the recipe's networks.

    Parameters
    ----------
    task : {'classifier', 'regressor'}
        What the networks are: :class:`~sknn.FirstNetClassifier` or
        :class:`~sknn.FirstNetRegressor` ('classification' and 'regression'
        are accepted too, as skrub's ``tabular_pipeline`` does).
    n_members : int or 'auto', default=None
        How many networks, each with its own seed, the network step trains
        and averages; None: the recipe's choice for the task
        (``sknn.tabular.MEMBERS``: one classifier; 'auto' regressors, from 5
        on small training sets down to 2 from 6,000 rows on). With 1 the
        network step is a single FirstNet; otherwise it is a
        :class:`~sknn.ensemble.SeedEnsembleClassifier` or
        :class:`~sknn.ensemble.SeedEnsembleRegressor` of them.
    **overrides
        Parameters of the networks that replace the recipe's (see
        :func:`sknn.tabular.recipe_parameters`). ``random_state=0`` fixes the
        single network's seed, or the seed from which an ensemble draws its
        members'.

    Returns
    -------
    Pipeline
        Steps 'vectorizer' (:class:`skrub.TableVectorizer`), 'imputer',
        'scaler' (:class:`skrub.SquashingScaler`) and 'network'. Tune the
        networks' parameters as ``network__estimator__<name>`` in an ensemble
        and ``network__<name>`` for a single network. ``sknn.to_onnx`` exports
        ``pipeline[-1]``, the network step, ensemble or not; the
        preprocessing, which works on data frames, is not exportable.

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
    >>> type(model[-1]).__name__, float(model.score(X, y))
    ('FirstNetClassifier', 1.0)
    """
    skrub = _import_skrub()
    kind, network_class = _task(task)
    network = _network_step(kind, network_class, n_members, overrides)
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


def _network_step(kind, network_class, n_members, overrides):
    """One FirstNet with the recipe, or a seed ensemble of ``n_members`` of them."""
    n_members = MEMBERS[kind] if n_members is None else n_members
    if n_members != "auto" and (not isinstance(n_members, Integral) or n_members < 1):
        raise ValueError(
            f"n_members must be an integer >= 1 or 'auto', got {n_members!r}."
        )
    params = recipe_parameters(kind, **overrides)
    if n_members == 1:
        return network_class(**params)
    seed = params.pop("random_state", None)
    ensemble = SeedEnsembleClassifier if kind == "classifier" else SeedEnsembleRegressor
    return ensemble(network_class(**params), n_members=n_members, random_state=seed)


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
