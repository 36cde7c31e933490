"""Train and apply sknn estimators on Dask collections.

This module lets an sknn estimator learn from data that never fits in memory
at once, and predict over such data, by walking a Dask collection block by
block. It needs the optional dependencies installed with
``pip install "sknn[dask]"``; importing it works without them, and every
function raises an :class:`ImportError` naming that command when they are
missing.

What runs where
---------------
Training a neural network with stochastic gradients is sequential: each
update starts from the weights left by the previous one. Distributing it
therefore means moving the (small) model to the (large) data, one block at a
time, rather than running blocks in parallel.

* :func:`fit_incremental` builds a schedule of blocks: every block once per
  epoch, in a freshly shuffled order each epoch. Each step calls the
  estimator's ``partial_fit`` on one block of ``X`` and the matching block of
  ``y``.

  - When a :class:`distributed.Client` is active, the blocks are computed on
    the cluster's workers and the ``partial_fit`` step runs on the worker that
    holds the block, so the data never travels to the calling process; only
    the model moves from worker to worker. The next block is computed while
    the current one trains, and at most these two blocks of the schedule are
    alive at any time, which bounds the memory of every worker by a few
    blocks, whatever the size of the whole collection.
  - Without a client, each block is computed with Dask's default scheduler in
    the calling process and ``partial_fit`` runs there, one block at a time.

  In both cases the caller's estimator object ends up fitted, as with
  ``estimator.fit``.

* :func:`predict` and :func:`predict_proba` return lazy Dask arrays: each
  block of ``X`` is mapped through the fitted estimator with
  :func:`dask.array.map_blocks` (partition by partition for a Dask
  DataFrame). Nothing is computed until the result is; the fitted estimator
  is placed once in the task graph and shared by all blocks, so on a cluster
  the predictions are computed in parallel on the workers.

* Hyper-parameter search needs nothing from this module: scikit-learn's
  :class:`~sklearn.model_selection.GridSearchCV` runs its fits on the
  cluster's workers inside ``joblib.parallel_backend("dask")`` with a
  :class:`distributed.Client` active.

Blocks are cut along the rows only: a Dask array chunked along its columns
too is rechunked so that each block holds whole rows.
"""

import math
from collections import deque

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils import check_random_state

__all__ = ["fit_incremental", "predict", "predict_proba"]

_INSTALL_HINT = 'pip install "sknn[dask]"'


def _import_dask():
    """Return the ``dask`` and ``dask.array`` modules, or explain the install."""
    try:
        import dask
        import dask.array as dask_array
    except ImportError as exc:
        raise ImportError(
            "sknn.dask needs the optional dependency 'dask' (with 'distributed' "
            f"to run on a cluster). Install it with: {_INSTALL_HINT}"
        ) from exc
    return dask, dask_array


def _active_client():
    """Return the active ``distributed.Client``, or None when there is none."""
    try:
        from distributed import get_client
    except ImportError:
        # Without distributed there is no cluster to run on: the default
        # Dask scheduler in this process does the work.
        return None
    try:
        return get_client()
    except ValueError:
        return None


# --------------------------------------------------------------------------
# Blocks of a Dask collection
# --------------------------------------------------------------------------


def _is_dataframe_like(collection):
    """True for a Dask DataFrame or Series (partitioned along the rows)."""
    return hasattr(collection, "npartitions") and hasattr(collection, "divisions")


def _row_blocks(collection, name, dask_array):
    """Return a list of one lazy collection per block of rows.

    Parameters
    ----------
    collection : dask.array.Array, dask.dataframe.DataFrame or Series
        The data to cut along the rows.
    name : str
        Name of the argument, for error messages.
    dask_array : module
        The ``dask.array`` module.

    Returns
    -------
    blocks : list
        ``blocks[i]`` is the i-th block of rows, still lazy.
    """
    if isinstance(collection, dask_array.Array):
        if collection.ndim == 0 or collection.ndim > 2:
            raise ValueError(
                f"{name} must be a 1- or 2-dimensional Dask array; got "
                f"{collection.ndim} dimensions."
            )
        if collection.ndim == 2 and len(collection.chunks[1]) > 1:
            # One block must hold complete rows for partial_fit / predict.
            collection = collection.rechunk({1: -1})
        return [collection.blocks[i] for i in range(collection.numblocks[0])]
    if _is_dataframe_like(collection):
        return [collection.partitions[i] for i in range(collection.npartitions)]
    raise TypeError(
        f"{name} must be a dask.array.Array or a Dask DataFrame/Series; got "
        f"{type(collection).__name__}. For data that fits in memory, call the "
        "estimator's fit or partial_fit directly."
    )


def _check_matching_blocks(X, y, X_blocks, y_blocks, dask_array):
    """Raise a ValueError when X and y are not cut into matching row blocks."""
    if len(X_blocks) != len(y_blocks):
        raise ValueError(
            f"X and y must have the same number of row blocks; got {len(X_blocks)} "
            f"and {len(y_blocks)}. Rechunk y like X, e.g. "
            "y.rechunk(X.chunks[0])."
        )
    if isinstance(X, dask_array.Array) and isinstance(y, dask_array.Array):
        x_rows, y_rows = X.chunks[0], y.chunks[0]
        known = not any(math.isnan(n) for n in x_rows + y_rows)
        if known and x_rows != y_rows:
            raise ValueError(
                "The row blocks of X and y must have the same sizes; got "
                f"{x_rows} and {y_rows}. Rechunk y like X, e.g. "
                "y.rechunk(X.chunks[0])."
            )


def _block_schedule(n_blocks, epochs, shuffle_blocks, random_state):
    """Return the block indices to train on, in order, epoch after epoch."""
    rng = check_random_state(random_state)
    schedule = []
    for _ in range(epochs):
        order = np.arange(n_blocks)
        if shuffle_blocks:
            rng.shuffle(order)
        schedule.extend(int(i) for i in order)
    return schedule


# --------------------------------------------------------------------------
# Incremental training
# --------------------------------------------------------------------------


def _partial_fit_block(estimator, X_block, y_block, fit_params):
    """Run one ``partial_fit`` step and return the updated estimator.

    This is the task executed on a worker; it must stay importable by name.
    """
    estimator.partial_fit(X_block, y_block, **fit_params)
    return estimator


def _fit_locally(
    estimator, schedule, X_blocks, y_blocks, first_fit_params, dask_module
):
    """Train in this process, computing one block pair at a time."""
    fit_params = first_fit_params
    for block_index in schedule:
        # X and y are computed together so that a source they share (a
        # DataFrame holding both) is read once.
        X_block, y_block = dask_module.compute(
            X_blocks[block_index], y_blocks[block_index]
        )
        estimator.partial_fit(X_block, y_block, **fit_params)
        fit_params = {}
    return estimator


def _fit_on_cluster(client, estimator, schedule, X_blocks, y_blocks, first_fit_params):
    """Train on the workers of ``client``, moving the model to each block.

    The next block pair is computed while the current step trains; a step is
    submitted only once the previous one has finished, so at most two block
    pairs of the schedule are alive at any time.
    """
    from distributed import wait

    def compute_block_pair(step):
        block_index = schedule[step]
        return client.compute([X_blocks[block_index], y_blocks[block_index]])

    upcoming = deque([compute_block_pair(0)])
    model = estimator
    fit_params = first_fit_params
    for step in range(len(schedule)):
        X_future, y_future = upcoming.popleft()
        # pure=False: every step is a new model state, never a cached result.
        model = client.submit(
            _partial_fit_block, model, X_future, y_future, fit_params, pure=False
        )
        fit_params = {}
        del X_future, y_future  # the scheduler frees the block once used
        if step + 1 < len(schedule):
            upcoming.append(compute_block_pair(step + 1))
        wait(model)
        if model.status == "error":
            model.result()  # re-raises the worker's exception here
    return model.result()


def fit_incremental(
    estimator,
    X,
    y,
    *,
    epochs=1,
    classes=None,
    shuffle_blocks=True,
    random_state=None,
):
    """Fit an estimator on a Dask collection, one block of rows at a time.

    Each epoch visits every block of ``X`` (and the matching block of ``y``)
    once, calling ``estimator.partial_fit`` on it; with ``shuffle_blocks`` the
    order of the blocks is reshuffled at every epoch. The collection is never
    computed whole: only the block being trained on, and the next one, are in
    memory at any time. With an active :class:`distributed.Client` the blocks
    are computed and trained on by the cluster's workers; otherwise Dask's
    default scheduler computes them in this process (see the module
    docstring).

    Training continues from the estimator's current state, like
    ``partial_fit``: an estimator fitted before keeps learning.

    Parameters
    ----------
    estimator : estimator with a ``partial_fit`` method
        For example :class:`sknn.FirstNetClassifier` or
        :class:`sknn.FirstNetRegressor`. It is fitted in place.
    X : dask.array.Array or dask.dataframe.DataFrame of shape (n_samples, n_features)
        Training data. A Dask array chunked along the columns is rechunked so
        that every block holds whole rows.
    y : dask.array.Array, dask.dataframe.Series or DataFrame
        Targets, cut into the same row blocks as ``X``.
    epochs : int, default=1
        Number of passes over all the blocks.
    classes : array-like of shape (n_classes,), default=None
        All the labels a classifier will ever see, passed to the first
        ``partial_fit`` call. When None for a classifier that has not been
        fitted yet, they are taken from ``y``: its distinct labels (one pass
        over ``y`` only, never over ``X``), or for a multilabel indicator ``y``
        the indices of its columns.
    shuffle_blocks : bool, default=True
        Whether to visit the blocks in a new random order at every epoch.
        Leave it on unless the blocks are already shuffled: blocks sorted by
        label or time bias stochastic gradient training. Samples inside a
        block are shuffled by the estimator's own ``shuffle`` parameter.
    random_state : int, RandomState instance or None, default=None
        Seeds the order of the blocks; pass an int for reproducible results.
        The estimator's own ``random_state`` seeds its weights and
        mini-batches.

    Returns
    -------
    estimator : estimator
        The same estimator object, fitted.

    Raises
    ------
    ImportError
        If dask is not installed.

    See Also
    --------
    predict : Predict over a Dask collection, block by block.
    predict_proba : Class probabilities over a Dask collection.

    Examples
    --------
    >>> import dask.array as da
    >>> from sknn import FirstNetClassifier
    >>> from sknn.dask import fit_incremental, predict
    >>> X = da.random.default_rng(0).normal(size=(2_000, 4), chunks=(500, 4))
    >>> y = (X[:, 0] > 0).astype(int)
    >>> clf = FirstNetClassifier(hidden_layer_sizes=(8,), random_state=0)
    >>> clf = fit_incremental(clf, X, y, epochs=3, random_state=0)
    >>> predict(clf, X)
    dask.array<..., shape=(2000,), dtype=int64, chunksize=(500,), ...>
    """
    dask_module, dask_array = _import_dask()
    if not hasattr(estimator, "partial_fit"):
        raise TypeError(
            f"{type(estimator).__name__} has no partial_fit method; "
            "fit_incremental needs an estimator that can learn block by block."
        )
    if isinstance(epochs, bool) or not isinstance(epochs, int | np.integer):
        raise TypeError(f"epochs must be an int; got {epochs!r}.")
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1; got {epochs}.")

    X_blocks = _row_blocks(X, "X", dask_array)
    y_blocks = _row_blocks(y, "y", dask_array)
    _check_matching_blocks(X, y, X_blocks, y_blocks, dask_array)

    first_fit_params = {}
    if is_classifier(estimator) and not hasattr(estimator, "classes_"):
        if classes is None:
            classes = _distinct_labels(y, dask_module, dask_array)
        first_fit_params["classes"] = np.asarray(classes)

    schedule = _block_schedule(len(X_blocks), epochs, shuffle_blocks, random_state)
    client = _active_client()
    if client is None:
        return _fit_locally(
            estimator, schedule, X_blocks, y_blocks, first_fit_params, dask_module
        )
    fitted = _fit_on_cluster(
        client, estimator, schedule, X_blocks, y_blocks, first_fit_params
    )
    # The workers trained a copy: give its state to the caller's object, so
    # that fit_incremental behaves like fit (fits in place, returns it).
    vars(estimator).update(vars(fitted))
    return estimator


def _distinct_labels(y, dask_module, dask_array):
    """The classes of ``y``: its sorted distinct labels (one pass over a 1-d y),
    or, for a multilabel indicator matrix, its columns' indices."""
    if getattr(y, "ndim", 1) == 2:
        return np.arange(y.shape[1])
    if isinstance(y, dask_array.Array):
        labels = dask_array.unique(y)
    else:
        labels = y.unique()
    (labels,) = dask_module.compute(labels)
    return np.unique(np.asarray(labels))


# --------------------------------------------------------------------------
# Block-wise prediction
# --------------------------------------------------------------------------


def _apply_method(X_block, estimator, method_name):
    """Apply ``estimator.<method_name>`` to one block (a worker task)."""
    return getattr(estimator, method_name)(X_block)


def _probe_input(X, dask_array):
    """Return a one-row, in-memory sample shaped and typed like ``X``.

    Calling the fitted estimator on it tells the shape and dtype of its
    output per row without computing any block of ``X``.
    """
    if isinstance(X, dask_array.Array):
        return np.zeros((1, X.shape[1]), dtype=X.dtype)
    import pandas as pd

    return pd.DataFrame(
        {column: np.zeros(1, dtype=dtype) for column, dtype in X.dtypes.items()}
    )


def _map_method(estimator, X, method_name):
    """Lazily apply a prediction method of ``estimator`` to every row block."""
    dask_module, dask_array = _import_dask()
    if not hasattr(estimator, method_name):
        raise AttributeError(f"{type(estimator).__name__} has no {method_name} method.")
    if getattr(X, "ndim", None) != 2:
        raise ValueError(
            "X must be a 2-dimensional Dask array or a Dask DataFrame of shape "
            "(n_samples, n_features)."
        )
    X_blocks = _row_blocks(X, "X", dask_array)
    # Fails early, in this process, when the estimator is not fitted or X has
    # the wrong number of features; also gives the output's shape and dtype.
    probe = np.asarray(getattr(estimator, method_name)(_probe_input(X, dask_array)))
    # One graph node holds the estimator; every block task refers to it.
    shared_estimator = dask_module.delayed(estimator, pure=True)

    if isinstance(X, dask_array.Array):
        X = X.rechunk({1: -1}) if len(X.chunks[1]) > 1 else X
        if probe.ndim == 1:
            return X.map_blocks(
                _apply_method,
                shared_estimator,
                method_name,
                drop_axis=1,
                chunks=(X.chunks[0],),
                dtype=probe.dtype,
                meta=np.empty((0,), dtype=probe.dtype),
            )
        return X.map_blocks(
            _apply_method,
            shared_estimator,
            method_name,
            chunks=(X.chunks[0], (probe.shape[1],)),
            dtype=probe.dtype,
            meta=np.empty((0, 0), dtype=probe.dtype),
        )

    # A Dask DataFrame: keep each partition a pandas DataFrame so that an
    # estimator fitted with feature names sees them; partition lengths are
    # unknown until computed.
    apply_to_partition = dask_module.delayed(_apply_method, pure=True)
    pieces = [
        dask_array.from_delayed(
            apply_to_partition(partition, shared_estimator, method_name),
            shape=(math.nan,) + probe.shape[1:],
            dtype=probe.dtype,
        )
        for partition in (block.to_delayed()[0] for block in X_blocks)
    ]
    return dask_array.concatenate(pieces, axis=0, allow_unknown_chunksizes=True)


def predict(estimator, X):
    """Predict over a Dask collection, block by block, lazily.

    Parameters
    ----------
    estimator : fitted estimator
        Any fitted estimator with a ``predict`` method, such as
        :class:`sknn.FirstNetClassifier` or :class:`sknn.FirstNetRegressor`.
    X : dask.array.Array or dask.dataframe.DataFrame of shape (n_samples, n_features)
        The samples.

    Returns
    -------
    y_pred : dask.array.Array of shape (n_samples,) or (n_samples, n_outputs)
        The predictions, not yet computed: call ``.compute()`` for a NumPy
        array, or ``.to_zarr(...)`` and the like to write a large result
        without gathering it. It has the row blocks of ``X`` (of unknown sizes
        for a Dask DataFrame).

    Raises
    ------
    ImportError
        If dask is not installed.

    Examples
    --------
    >>> import dask.array as da
    >>> import numpy as np
    >>> from sknn import FirstNetRegressor
    >>> from sknn.dask import predict
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 3))
    >>> reg = FirstNetRegressor(solver="lbfgs", random_state=0).fit(X, X.sum(axis=1))
    >>> y_pred = predict(reg, da.zeros((1_000, 3), chunks=(250, 3)))
    >>> y_pred.shape, y_pred.compute().shape
    ((1000,), (1000,))
    """
    return _map_method(estimator, X, "predict")


def predict_proba(estimator, X):
    """Class probabilities over a Dask collection, block by block, lazily.

    Parameters
    ----------
    estimator : fitted classifier
        Any fitted classifier with a ``predict_proba`` method, such as
        :class:`sknn.FirstNetClassifier`.
    X : dask.array.Array or dask.dataframe.DataFrame of shape (n_samples, n_features)
        The samples.

    Returns
    -------
    proba : dask.array.Array of shape (n_samples, n_classes)
        The probabilities of the classes, in the order of
        ``estimator.classes_``, not yet computed.

    Raises
    ------
    ImportError
        If dask is not installed.

    Examples
    --------
    >>> import dask.array as da
    >>> import numpy as np
    >>> from sknn import FirstNetClassifier
    >>> from sknn.dask import predict_proba
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 3))
    >>> clf = FirstNetClassifier(solver="lbfgs", random_state=0).fit(X, X[:, 0] > 0)
    >>> proba = predict_proba(clf, da.from_array(X, chunks=(50, 3)))
    >>> proba.shape
    (100, 2)
    """
    return _map_method(estimator, X, "predict_proba")
