"""sknn: neural-network estimators for scikit-learn users.

``FirstNetClassifier`` and ``FirstNetRegressor`` are drop-in supersets of
scikit-learn's ``MLPClassifier`` and ``MLPRegressor`` over a pure-NumPy
backpropagation core (:mod:`sknn.core`).
"""

from ._estimators import FirstNetClassifier, FirstNetRegressor

__version__ = "0.1.0"

__all__ = ["FirstNetClassifier", "FirstNetRegressor", "__version__"]
