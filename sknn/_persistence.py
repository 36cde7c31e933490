"""Record sknn's version in pickles and warn when a model is loaded by another.

scikit-learn stores its own version in the pickles of its estimators and warns
(``InconsistentVersionWarning``) when a different release loads them, but it
does so only for classes defined inside scikit-learn. sknn's estimators get the
same safeguard for sknn's version from :class:`VersionedPickleMixin`.

The mixin hooks ``__getstate__`` and ``__setstate__``, which pickle, joblib and
skops all go through, so the check covers every persistence route.
"""

import warnings

# The key under which the version is stored in an estimator's pickled state.
_VERSION_KEY = "_sknn_version"
# What a state saved before sknn recorded its version reports.
_UNKNOWN_VERSION = "unknown"


def _current_version():
    # imported when called: sknn/__init__.py imports the estimators (and so
    # this module) before it defines __version__
    from . import __version__

    return __version__


class InconsistentSknnVersionWarning(UserWarning):
    """Warning raised when a model is loaded by another sknn version than saved it.

    A model's fitted state may mean something else, or be incomplete, for a
    different release of sknn: the predictions may differ or fail. Refit the
    model with the installed version, or install the version that saved it.

    Parameters
    ----------
    estimator_name : str
        Class name of the loaded estimator.
    current_sknn_version : str
        The installed version of sknn.
    original_sknn_version : str
        The version of sknn that saved the model, or "unknown" when the file
        does not say.

    Examples
    --------
    Turn the warning into an error to refuse models saved by another version:

    >>> import pickle, warnings
    >>> from sknn import FirstNetRegressor, InconsistentSknnVersionWarning
    >>> saved = pickle.dumps(FirstNetRegressor())
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", InconsistentSknnVersionWarning)
    ...     model = pickle.loads(saved)  # saved by this version: no error
    """

    def __init__(self, estimator_name, current_sknn_version, original_sknn_version):
        self.estimator_name = estimator_name
        self.current_sknn_version = current_sknn_version
        self.original_sknn_version = original_sknn_version
        # the arguments as args, so that the warning itself pickles (joblib
        # sends warnings between processes)
        super().__init__(estimator_name, current_sknn_version, original_sknn_version)

    def __str__(self):
        return (
            f"Trying to load {self.estimator_name} from sknn version "
            f"{self.original_sknn_version} when using version "
            f"{self.current_sknn_version}. This might lead to breaking code or "
            "invalid results. Use at your own risk: refit the model with this "
            "version, or load it with the version that saved it."
        )


class VersionedPickleMixin:
    """Store sknn's version when pickling, and warn on a mismatch when unpickling.

    Put it first among an estimator's bases, before
    :class:`sklearn.base.BaseEstimator`, so that it wraps the state that
    scikit-learn's own ``__getstate__`` and ``__setstate__`` handle.
    """

    def __getstate__(self):
        parent_getstate = getattr(super(), "__getstate__", None)
        state = parent_getstate() if parent_getstate is not None else None
        # a copy: the estimator's own __dict__ must not gain the key
        state = dict(self.__dict__ if state is None else state)
        state[_VERSION_KEY] = _current_version()
        return state

    def __setstate__(self, state):
        state = dict(state)
        original = state.pop(_VERSION_KEY, _UNKNOWN_VERSION)
        current = _current_version()
        if original != current:
            warnings.warn(
                InconsistentSknnVersionWarning(
                    estimator_name=type(self).__name__,
                    current_sknn_version=current,
                    original_sknn_version=original,
                ),
                stacklevel=2,
            )
        parent_setstate = getattr(super(), "__setstate__", None)
        if parent_setstate is not None:
            parent_setstate(state)
        else:
            self.__dict__.update(state)
