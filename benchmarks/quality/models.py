"""The models compared, each with the preprocessing it naturally gets.

Every entry of :data:`MODELS` builds a fresh, unfitted estimator for a task and a
seed; its preprocessing is part of that estimator, so it is fitted on the
training split only. An sknn variant (a recipe, or that recipe with one
ingredient off) is one more entry::

    register(firstnet_model("sknn-wide", {"hidden_layer_sizes": (512,)}))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sklearn.compose import (
    ColumnTransformer,
    TransformedTargetRegressor,
    make_column_selector,
)
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import sknn

_NUMERIC = make_column_selector(dtype_include="number")
_CATEGORICAL = make_column_selector(dtype_include="category")


@dataclass(frozen=True)
class Model:
    """A named way to build an estimator for a task.

    Parameters
    ----------
    name : str
        Key in :data:`MODELS` and label in the report.
    build : callable
        ``build(task, seed, n_threads)`` returns an unfitted estimator; ``task``
        is 'binary', 'multiclass' or 'regression', and ``n_threads`` is for
        libraries that manage their own threads rather than BLAS's.
    description : str
        One line for the report.
    unavailable : callable, default=lambda: None
        Returns why the model cannot run here (a missing package), or None.
    """

    name: str
    build: Callable[[str, int, int], object]
    description: str
    unavailable: Callable[[], str | None] = field(default=lambda: None)


def mlp_preprocessing():
    """Median-impute and standardize numeric columns, one-hot categorical ones."""
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    return ColumnTransformer(
        [("numeric", numeric, _NUMERIC), ("categorical", categorical, _CATEGORICAL)]
    )


def with_mlp_preprocessing(estimator, task):
    """Put ``estimator`` behind the MLP preprocessing; standardize a regression target.

    Parameters
    ----------
    estimator : estimator
        A classifier or regressor that needs numeric, scaled, complete inputs.
    task : {'binary', 'multiclass', 'regression'}
        For regression the target is standardized too, and predictions are
        mapped back.

    Returns
    -------
    estimator
        The preprocessing and ``estimator`` as one estimator.
    """
    pipeline = make_pipeline(mlp_preprocessing(), estimator)
    if task != "regression":
        return pipeline
    return TransformedTargetRegressor(regressor=pipeline, transformer=StandardScaler())


def firstnet_model(name, overrides=None, description=None, preprocess=True):
    """A registry entry for sknn's FirstNet with some parameters changed.

    Parameters
    ----------
    name : str
        The model's name in the registry and the report.
    overrides : dict, default=None
        ``FirstNetClassifier`` / ``FirstNetRegressor`` parameters that differ
        from the defaults; the same for both tasks.
    description : str, default=None
        One line for the report; by default the overrides themselves.
    preprocess : bool, default=True
        Put the MLP preprocessing in front. False hands FirstNet the raw
        DataFrame (categorical columns, NaNs) and the raw target, for
        settings that prepare the columns themselves.

    Returns
    -------
    Model
    """
    overrides = dict(overrides or {})

    def build(task, seed, n_threads):
        estimator_class = (
            sknn.FirstNetRegressor if task == "regression" else sknn.FirstNetClassifier
        )
        estimator = estimator_class(**{"random_state": seed, **overrides})
        return with_mlp_preprocessing(estimator, task) if preprocess else estimator

    if description is None:
        description = f"sknn FirstNet, {_describe(overrides) or 'defaults'}"
    return Model(name, build, description)


def _describe(overrides: Mapping):
    return ", ".join(f"{key}={value!r}" for key, value in overrides.items())


def _build_sklearn_mlp(task, seed, n_threads):
    estimator_class = MLPRegressor if task == "regression" else MLPClassifier
    return with_mlp_preprocessing(estimator_class(random_state=seed), task)


def _build_hgb(task, seed, n_threads):
    estimator_class = (
        HistGradientBoostingRegressor
        if task == "regression"
        else HistGradientBoostingClassifier
    )
    return estimator_class(categorical_features="from_dtype", random_state=seed)


def _pytabkit_missing():
    try:
        import pytabkit  # noqa: F401
    except Exception as error:  # a broken torch install fails in many ways
        return f"pytabkit does not import ({type(error).__name__}: {error})"
    return None


def _build_realmlp(task, seed, n_threads):
    from pytabkit import RealMLP_TD_Classifier, RealMLP_TD_Regressor

    estimator_class = (
        RealMLP_TD_Regressor if task == "regression" else RealMLP_TD_Classifier
    )
    estimator = estimator_class(device="cpu", n_threads=n_threads, random_state=seed)
    # RealMLP encodes categoricals itself but refuses missing numeric values.
    impute_numeric = ColumnTransformer(
        [("numeric", SimpleImputer(strategy="median"), _NUMERIC)],
        remainder="passthrough",
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")
    return make_pipeline(impute_numeric, estimator)


MODELS: dict[str, Model] = {}


def register(model):
    """Add ``model`` to :data:`MODELS`, replacing one of the same name."""
    MODELS[model.name] = model
    return model


register(
    Model(
        "sklearn-mlp",
        _build_sklearn_mlp,
        "scikit-learn MLPClassifier / MLPRegressor, defaults",
    )
)
register(
    Model(
        "hgb",
        _build_hgb,
        "scikit-learn HistGradientBoosting, defaults, native categoricals",
    )
)
register(firstnet_model("sknn"))
register(
    Model(
        "realmlp-td",
        _build_realmlp,
        "pytabkit RealMLP_TD, tuned defaults, CPU",
        unavailable=_pytabkit_missing,
    )
)


def recipe_model(name, overrides=None, steps=None, description=None):
    """A registry entry for ``sknn.tabular_pipeline`` with something changed.

    Parameters
    ----------
    name : str
        The model's name in the registry and the report.
    overrides : dict, default=None
        Network parameters that replace the recipe's, and ``n_members``; a
        parameter the task's estimator does not have (``label_smoothing`` for
        a regressor) is left out for that task.
    steps : dict, default=None
        Pipeline steps to replace, by name, e.g. ``{"scaler": StandardScaler()}``.
    description : str, default=None
        One line for the report; by default what was changed.

    Returns
    -------
    Model
    """
    overrides, steps = dict(overrides or {}), dict(steps or {})

    def build(task, seed, n_threads):
        regression = task == "regression"
        kind = "regressor" if regression else "classifier"
        network = sknn.FirstNetRegressor if regression else sknn.FirstNetClassifier
        known = {*network().get_params(), "n_members"}
        applicable = {k: v for k, v in overrides.items() if k in known}
        pipeline = sknn.tabular_pipeline(kind, random_state=seed, **applicable)
        return pipeline.set_params(**steps)

    if description is None:
        changes = _describe({**overrides, **steps})
        description = "sknn.tabular_pipeline" + (f", {changes}" if changes else "")
    return Model(name, build, description, unavailable=_skrub_missing)


def _skrub_missing():
    try:
        import skrub  # noqa: F401
    except ImportError as error:
        return f"skrub does not import ({error})"
    return None


register(recipe_model("recipe"))
# the ablations: each ingredient of the recipe off in turn
_ABLATIONS = {
    "no-ensemble": dict(n_members=1),
    "no-embedding": dict(numeric_embedding=None),
    "no-ntk": dict(
        parametrization="standard", lr_factors=None, learning_rate_init=1e-3
    ),
    "no-schedules": dict(
        lr_schedule="constant", dropout_schedule=None, weight_decay_schedule=None
    ),
    "no-parametric": dict(parametric_activation=False),
    "no-scale": dict(feature_scaling=False),
    "no-smoothing": dict(label_smoothing=0.0),
    "no-squashing": None,  # StandardScaler in place of skrub's SquashingScaler
}
for _name, _overrides in _ABLATIONS.items():
    if _overrides is None:
        register(recipe_model(f"recipe-{_name}", steps={"scaler": StandardScaler()}))
    else:
        register(recipe_model(f"recipe-{_name}", _overrides))
# measured and left out of the recipe: each one on in turn
_ADDITIONS = {"plus-data-init": dict(data_init=True)}
for _name, _overrides in _ADDITIONS.items():
    register(recipe_model(f"recipe-{_name}", _overrides))
