"""Export fitted sknn networks to ONNX.

The graph is written node by node with :mod:`onnx.helper`: a ``MatMul`` and an
``Add`` per layer, followed by the layer's activation. scikit-learn's own MLP
converter (in skl2onnx) knows only a few activations, while writing the graph
here covers every activation sknn trains with, per-layer lists included.

onnx is an optional dependency (the ``sknn[onnx]`` extra); it is imported only
when :func:`to_onnx` is called, so ``import sknn`` never needs it.
"""

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.validation import check_is_fitted

from .core.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from .ensemble import _SeedEnsemble

# Opset 13 is the first where Softmax normalises one axis (not a flattened
# block) and where every op used below has its current signature.
_MIN_OPSET = 13
# Widely supported by onnxruntime releases and other runtimes alike.
_DEFAULT_OPSET = 17

_INSTALL_HINT = 'pip install "sknn[onnx]"'


def _import_onnx():
    try:
        import onnx
        import onnx.helper
        import onnx.numpy_helper
    except ImportError as exc:
        raise ImportError(
            "Exporting to ONNX needs the onnx package; install it with "
            f"{_INSTALL_HINT} (onnx, and onnxruntime to run the exported model)."
        ) from exc
    return onnx


class _GraphBuilder:
    """Collects the nodes and constants of one graph, giving each a unique name."""

    def __init__(self, onnx):
        self.onnx = onnx
        self.nodes = []
        self.initializers = []
        self._counts = {}

    def _fresh(self, stem):
        self._counts[stem] = self._counts.get(stem, 0) + 1
        return f"{stem}_{self._counts[stem]}"

    def constant(self, stem, array):
        """Store ``array`` as an initializer and return its name."""
        name = self._fresh(stem)
        self.initializers.append(
            self.onnx.numpy_helper.from_array(np.asarray(array), name)
        )
        return name

    def scalar(self, value):
        return self.constant("const", np.array(float(value), dtype=np.float32))

    def op(self, op_type, inputs, output=None, **attributes):
        """Append a node and return the name of its (single) output."""
        output = output or self._fresh(op_type.lower())
        self.nodes.append(
            self.onnx.helper.make_node(
                op_type,
                list(inputs),
                [output],
                name=self._fresh(f"{op_type}_node"),
                **attributes,
            )
        )
        return output


# --------------------------------------------------------------------- checks
def _check_estimator(estimator):
    if not all(hasattr(estimator, name) for name in ("activation", "predict", "fit")):
        raise TypeError(
            "to_onnx exports FirstNetClassifier and FirstNetRegressor models "
            f"(or scikit-learn's MLPs); got {type(estimator).__name__}."
        )
    check_is_fitted(estimator, ["coefs_", "intercepts_", "out_activation_"])


def _hidden_activation_names(estimator):
    """One activation name per hidden layer, each one checked to be exportable.

    sknn's models say which activations they were fitted with
    (``hidden_activations_``); scikit-learn's MLPs only have the parameter.
    """
    n_hidden = len(estimator.coefs_) - 1
    source = "hidden_activations_"
    activation = getattr(estimator, source, None)
    if activation is None:
        source, activation = "activation", estimator.activation
    names = [activation] * n_hidden if isinstance(activation, str) else list(activation)
    if len(names) != n_hidden:
        raise ValueError(
            f"{source} has {len(names)} entries but the fitted network has "
            f"{n_hidden} hidden layers; set it back to the value it was fitted with."
        )
    unknown = sorted({str(name) for name in names} - set(HIDDEN_ACTIVATIONS))
    if unknown:
        raise ValueError(
            f"Cannot export hidden activation(s) {unknown} to ONNX; exportable "
            f"activations are {sorted(HIDDEN_ACTIVATIONS)}."
        )
    return names


def _output_activation_name(estimator):
    name = estimator.out_activation_
    if name not in OUTPUT_ACTIVATIONS:
        raise ValueError(
            f"Cannot export output activation {name!r} to ONNX; exportable output "
            f"activations are {sorted(OUTPUT_ACTIVATIONS)}."
        )
    return name


def _check_sample(X_sample, n_features):
    if X_sample is None:
        return
    shape = getattr(X_sample, "shape", None)
    if shape is None:
        shape = np.asarray(X_sample).shape
    if len(shape) != 2 or shape[1] != n_features:
        raise ValueError(
            f"X_sample has shape {tuple(shape)} but the estimator was fitted on "
            f"{n_features} features: pass a 2-d sample of the training data."
        )


def _check_opset(target_opset, onnx):
    highest = onnx.defs.onnx_opset_version()
    if target_opset is None:
        return min(_DEFAULT_OPSET, highest)
    if not _MIN_OPSET <= target_opset <= highest:
        raise ValueError(
            f"target_opset must be between {_MIN_OPSET} and {highest} (the newest "
            f"opset this onnx release knows), got {target_opset!r}."
        )
    return int(target_opset)


def _class_labels(classes, onnx):
    """The classes as an ONNX-storable array and the matching tensor element type."""
    classes = np.asarray(classes)
    if classes.dtype.kind in "iu":
        return classes.astype(np.int64), onnx.TensorProto.INT64
    if classes.dtype.kind == "b":
        return classes, onnx.TensorProto.BOOL
    if classes.dtype.kind == "f":
        return classes.astype(np.float64), onnx.TensorProto.DOUBLE
    if classes.dtype.kind in "US" or all(isinstance(c, str) for c in classes):
        as_text = np.array([str(c) for c in classes], dtype=object)
        return as_text, onnx.TensorProto.STRING
    raise ValueError(
        f"Cannot export class labels of dtype {classes.dtype} to ONNX: use integer, "
        "float, boolean or string labels."
    )


# ---------------------------------------------------------------------- graph
def _write_embedding(graph, columns, embedding):
    """X next to the periodic features of its columns ``columns``
    (:class:`~sknn.core.input_layers.PeriodicEmbedding`); returns its name."""

    def const(stem, array):
        return graph.constant(stem, np.asarray(array, dtype=np.float32))

    m, k, e = embedding["coefs"].shape
    columns = graph.constant("columns", np.asarray(columns, np.int64))
    picked = graph.op("Gather", ["X", columns], axis=1)
    x = graph.op("Unsqueeze", [picked, graph.constant("axes", np.array([2]))])
    # T = 2 pi x w + b, for every row, column and frequency: (N, m, k)
    frequencies = 2 * np.pi * np.asarray(embedding["frequencies"], np.float64)
    T = graph.op("Mul", [x, const("frequencies", frequencies)])
    T = graph.op("Add", [T, const("phases", embedding["phases"])])
    # a batched product over the columns: (m, N, k) @ (m, k, e) -> (m, N, e)
    C = graph.op("Transpose", [graph.op("Cos", [T])], perm=[1, 0, 2])
    E = graph.op("MatMul", [C, const("embedding_coefs", embedding["coefs"])])
    intercepts = np.asarray(embedding["intercepts"])[:, None, :]
    E = graph.op("Add", [E, const("embedding_intercepts", intercepts)])
    E = graph.op("Transpose", [E], perm=[1, 0, 2])
    flat = graph.op("Reshape", [E, graph.constant("shape", np.array([-1, m * e]))])
    return graph.op("Concat", ["X", flat], axis=1)


def _write_network(graph, estimator, hidden_names, output_name):
    """MatMul + Add + activation for every layer; returns the output's name."""
    A = "X"
    embedding = getattr(estimator, "embedding_", None)
    if embedding is not None:
        A = _write_embedding(graph, estimator.embedded_features_, embedding)
    # each activation writes its own formula (Activation.graph)
    activations = [HIDDEN_ACTIVATIONS[name] for name in hidden_names]
    activations.append(OUTPUT_ACTIVATIONS[output_name])
    # parametric activations (activation_params_): one array per hidden layer
    params = getattr(estimator, "activation_params_", None)
    mixing = [*(params or [None] * len(hidden_names)), None]  # none for the output
    for W, b, activation, a in zip(
        estimator.coefs_, estimator.intercepts_, activations, mixing, strict=True
    ):
        # the graph computes in float32, whatever precision the model trained in
        weights = graph.constant("coef", np.asarray(W, dtype=np.float32))
        bias = graph.constant("intercept", np.asarray(b, dtype=np.float32))
        Z = graph.op("Add", [graph.op("MatMul", [A, weights]), bias])
        A = activation.graph(graph, Z)
        if a is not None:
            A = _parametric_graph(graph, Z, A, a)
    return A


def _parametric_graph(graph, Z, F, a):
    """``z + a (f(z) - z)`` around the activation's own graph ``F = f(z)``."""
    weights = graph.constant("activation_param", np.asarray(a, dtype=np.float32))
    mixed = graph.op("Mul", [graph.op("Sub", [F, Z]), weights])
    return graph.op("Add", [Z, mixed])


def _above_half(graph, probabilities, output=None):
    """1 where a probability exceeds 0.5, else 0, as int64 (predict's threshold)."""
    is_above = graph.op("Greater", [probabilities, graph.scalar(0.5)])
    return graph.op("Cast", [is_above], output=output, to=graph.onnx.TensorProto.INT64)


def _write_classifier_outputs(graph, estimator, outputs):
    """``label`` and ``probabilities`` outputs; returns their value infos."""
    onnx = graph.onnx
    helper = onnx.helper
    n_outputs = estimator.coefs_[-1].shape[1]
    if estimator.out_activation_ == "logistic" and n_outputs > 1:
        # multilabel: an independent yes/no per column, as predict's 0/1 matrix
        graph.op("Identity", [outputs], output="probabilities")
        _above_half(graph, outputs, output="label")
        label_info = helper.make_tensor_value_info(
            "label", onnx.TensorProto.INT64, ["N", n_outputs]
        )
        n_columns = n_outputs
    else:
        classes, label_type = _class_labels(estimator.classes_, onnx)
        if estimator.out_activation_ == "logistic":
            # binary: the one output is P(classes_[1]); predict_proba shows [1 - p, p]
            complement = graph.op("Sub", [graph.scalar(1.0), outputs])
            graph.op("Concat", [complement, outputs], output="probabilities", axis=1)
            flat_shape = graph.constant("shape", np.array([-1], dtype=np.int64))
            index = graph.op("Reshape", [_above_half(graph, outputs), flat_shape])
        else:
            graph.op("Identity", [outputs], output="probabilities")
            # ArgMax keeps the first of tied maxima, like numpy's argmax in predict
            index = graph.op("ArgMax", [outputs], axis=1, keepdims=0)
        class_table = graph.constant("classes", classes)
        graph.op("Gather", [class_table, index], output="label", axis=0)
        label_info = helper.make_tensor_value_info("label", label_type, ["N"])
        n_columns = len(classes)
    probabilities_info = helper.make_tensor_value_info(
        "probabilities", onnx.TensorProto.FLOAT, ["N", n_columns]
    )
    return [label_info, probabilities_info]


def _members(estimator):
    """The networks to export: the estimator itself, or a seed ensemble's members."""
    if isinstance(estimator, _SeedEnsemble):
        check_is_fitted(estimator, "estimators_")
        members = estimator.estimators_
    else:
        members = [estimator]
    for member in members:
        _check_estimator(member)
    return members


def _input_width(members):
    """Columns of the graph's input X: the width the members were fitted on."""
    widths = set()
    for member in members:
        width = member.coefs_[0].shape[0]
        if getattr(member, "embedding_", None) is not None:
            width = member.n_features_in_  # coefs_[0] also has embedding rows
        widths.add(width)
    if len(widths) > 1:
        raise ValueError(
            f"The ensemble's members were fitted on {sorted(widths)} columns; "
            "they must share one input width to be exported together."
        )
    return widths.pop()


def _write_member(graph, estimator):
    """One network's outputs: probabilities, or predictions in the units of y."""
    hidden_names = _hidden_activation_names(estimator)
    outputs = _write_network(
        graph, estimator, hidden_names, _output_activation_name(estimator)
    )
    scaling = vars(estimator).get("_target_scaling")
    if scaling is not None:  # normalize_y: back to the units of y
        outputs = graph.op(
            "Mul",
            [outputs, graph.constant("scale", scaling.scale.astype(np.float32))],
        )
        outputs = graph.op(
            "Add",
            [outputs, graph.constant("mean", scaling.mean.astype(np.float32))],
        )
    return outputs


def to_onnx(estimator, X_sample=None, *, target_opset=None):
    """Export a fitted FirstNetClassifier or FirstNetRegressor to ONNX.

    The graph reproduces the estimator's forward pass in float32, for every
    hidden activation sknn offers (per-layer lists included), the input layers
    included (``feature_scaling`` is folded into ``coefs_[0]``;
    ``numeric_embedding`` is written with Gather, Mul, Add, Cos, MatMul and
    Concat). It has one input
    named ``X``: float32 of shape ``(N, n_features_in_)``, ``N`` any batch size.
    Its outputs are:

    - classifiers: ``label``, the predicted class of each row (the predicted
      0/1 indicator matrix for multilabel targets), and ``probabilities``, as
      :meth:`~FirstNetClassifier.predict_proba` gives them;
    - regressors: ``variable``, of shape ``(N, n_outputs_)``, as
      :meth:`~FirstNetRegressor.predict` gives it (one column per output).

    scikit-learn's :class:`~sklearn.neural_network.MLPClassifier` and
    :class:`~sklearn.neural_network.MLPRegressor` export the same way, and so
    do :class:`~sknn.ensemble.SeedEnsembleClassifier` and
    :class:`~sknn.ensemble.SeedEnsembleRegressor`: each member's network is
    written, and ``Mean`` averages their probabilities or predictions.

    Parameters
    ----------
    estimator : FirstNetClassifier, FirstNetRegressor or a seed ensemble of them
        A fitted estimator.
    X_sample : array-like of shape (n_samples, n_features), default=None
        A sample of the training data. Only its number of columns is used, to
        check that it matches the estimator's.
    target_opset : int, default=None
        The ONNX opset of the graph, at least 13. None chooses 17, which most
        runtimes support.

    Returns
    -------
    model : onnx.ModelProto
        The exported model. Save it with ``onnx.save(model, path)`` or run it with
        ``onnxruntime.InferenceSession(model.SerializeToString())``.

    Raises
    ------
    ImportError
        If onnx is not installed (``pip install "sknn[onnx]"``).
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted.
    ValueError
        If the network has an activation or class labels that cannot be exported,
        or if ``X_sample`` has the wrong number of columns.

    Examples
    --------
    >>> import numpy as np
    >>> import onnxruntime as ort
    >>> from sklearn.datasets import load_iris
    >>> from sknn import FirstNetClassifier, to_onnx
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = FirstNetClassifier(hidden_layer_sizes=(8,), activation="gelu",
    ...                          solver="lbfgs", max_iter=1000,
    ...                          random_state=0).fit(X, y)
    >>> model = to_onnx(clf, X[:5])
    >>> session = ort.InferenceSession(model.SerializeToString(),
    ...                                providers=["CPUExecutionProvider"])
    >>> label, probabilities = session.run(None, {"X": X[:3].astype(np.float32)})
    >>> label.tolist()
    [0, 0, 0]
    >>> bool(np.allclose(probabilities, clf.predict_proba(X[:3]), atol=1e-5))
    True
    """
    members = _members(estimator)
    onnx = _import_onnx()
    helper = onnx.helper
    opset = _check_opset(target_opset, onnx)
    n_features = _input_width(members)
    _check_sample(X_sample, n_features)

    graph = _GraphBuilder(onnx)
    outputs = [_write_member(graph, member) for member in members]
    # an ensemble's probabilities or predictions are its members' mean
    outputs = outputs[0] if len(outputs) == 1 else graph.op("Mean", outputs)
    if is_classifier(estimator):
        output_infos = _write_classifier_outputs(graph, members[0], outputs)
    else:
        graph.op("Identity", [outputs], output="variable")
        n_outputs = members[0].coefs_[-1].shape[1]
        output_infos = [
            helper.make_tensor_value_info(
                "variable", onnx.TensorProto.FLOAT, ["N", n_outputs]
            )
        ]

    input_info = helper.make_tensor_value_info(
        "X", onnx.TensorProto.FLOAT, ["N", n_features]
    )
    onnx_graph = helper.make_graph(
        graph.nodes,
        type(estimator).__name__,
        [input_info],
        output_infos,
        initializer=graph.initializers,
    )
    # make_model_gen_version picks the oldest IR version that carries this
    # opset, so older runtimes can still load the file
    model = helper.make_model_gen_version(
        onnx_graph,
        opset_imports=[helper.make_opsetid("", opset)],
        producer_name="sknn",
        producer_version=_sknn_version(),
        doc_string=f"{type(estimator).__name__} exported by sknn.to_onnx",
    )
    onnx.checker.check_model(model)
    return model


def _sknn_version():
    # imported here: sknn/__init__.py imports this module before defining it
    from . import __version__

    return __version__
