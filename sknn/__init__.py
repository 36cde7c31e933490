"""sknn: neural-network estimators for scikit-learn users.

``FirstNetClassifier`` and ``FirstNetRegressor`` are drop-in supersets of
scikit-learn's ``MLPClassifier`` and ``MLPRegressor`` over a pure-NumPy
backpropagation core (:mod:`sknn.core`). ``to_onnx`` exports a fitted model
(extra ``sknn[onnx]``); ``tabular_pipeline`` builds the tabular recipe, a
pipeline from a data frame to FirstNets (extra ``sknn[tabular]``);
:mod:`sknn.ensemble` averages networks trained with different seeds;
:mod:`sknn.plotting` and :mod:`sknn.dask` hold the
optional matplotlib and Dask integrations.
"""

from ._classifier import FirstNetClassifier
from ._onnx import to_onnx
from ._persistence import InconsistentSknnVersionWarning
from ._regressor import FirstNetRegressor
from .tabular import tabular_pipeline

__version__ = "0.1.0"

__all__ = [
    "FirstNetClassifier",
    "FirstNetRegressor",
    "InconsistentSknnVersionWarning",
    "tabular_pipeline",
    "to_onnx",
    "__version__",
]
