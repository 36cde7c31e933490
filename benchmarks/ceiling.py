"""The ceilings of a training workload: what its matrix products alone allow.

A training step's real FLOPs (``Workload.flops_per_sample``) are all in its
matrix products: each layer's forward product ``A_{i-1} W_i``, its weight
gradient ``A_{i-1}^T delta_i`` and, but for the first layer, the delta carried
back ``delta_i W_i^T``. Timed alone, in float32, on one batch of the
workload's shapes and into buffers made beforehand, these products give the
fraction of the GEMM peak that a trainer on this BLAS would reach if its
biases, activations, loss, minibatch gather and optimizer cost nothing. No
trainer that computes the same products can exceed it.

Two more ceilings, of sknn's fit, follow it:

- **+ sknn's gather, Adam**: the products, plus the two passes whose cost
  memory sets rather than arithmetic, each timed alone as sknn runs them:
  gathering a shuffled minibatch of float64 rows into float32 (from the
  workload's training matrix, which no cache holds), and one Adam step with
  the L2 term over the network's parameters (four vectors read, three
  written). It is what sknn's fit would reach if its biases, activations and
  loss cost nothing.
- **sknn's whole step**: sknn's own step, batch after batch (gather, forward
  and backward passes, loss, Adam), without the epochs around it: what the
  fit would reach if shuffling, checks and bookkeeping cost nothing.

Each is measured in rounds: a round times each ceiling's work, the best of
several steps, beside a GEMM peak (best of 3) measured just before it, and a
ceiling's fraction in a round is against that peak. The table shows the
median over the rounds of each figure. On a shared machine the speed moves
between rounds, and not alike for all work: other tenants slow the
memory-bound passes in phases that the GEMM peak, bound by arithmetic, does
not show, and a peak measured in a slow moment makes the work after it read
above its ceiling (a best round once read 111% of the peak); the median of
many rounds is steady against both.
"""

import statistics
import time

import numpy as np

from .systems import build_sknn
from .workloads import SEED

ROUNDS = 12
STEPS_PER_ROUND = 4
# The ceilings' names, as the training tables show them in the system column
CEILINGS = (
    "ceiling: products alone",
    "ceiling: + sknn's gather, Adam",
    "ceiling: sknn's whole step",
)
# each task's loss, as the estimators pick it (a test fits them to check)
LOSS = {
    "binary": "binary_cross_entropy",
    "multiclass": "categorical_cross_entropy",
    "regression": "squared_error",
}


def _best_time(function, repeats):
    function()  # warm-up: first touch of the buffers
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


class StepProducts:
    """The matrix products of one training step, on buffers made once.

    ``products`` lists them as ``(a, b, out)``, in the order a step computes
    them: the forward products, then from the last layer back its weight
    gradient and the delta it carries back.
    """

    def __init__(self, workload, rng):
        n = min(workload.batch_size, workload.n_train)
        self.sizes = (workload.n_features, *workload.hidden, workload.n_outputs)
        self.batch_size = n

        def random(*shape):
            return rng.standard_normal(shape, dtype=np.float32)

        layers = list(zip(self.sizes, self.sizes[1:]))
        inputs = [random(n, fan_in) for fan_in, _ in layers]  # A_{i-1}, X first
        weights = [random(fan_in, fan_out) for fan_in, fan_out in layers]
        deltas = [random(n, fan_out) for _, fan_out in layers]
        forward = [  # Z_i = A_{i-1} W_i
            (A, W, np.empty((n, W.shape[1]), np.float32))
            for A, W in zip(inputs, weights)
        ]
        backward = []
        for i in reversed(range(len(layers))):
            A, W, delta = inputs[i], weights[i], deltas[i]
            backward.append((A.T, delta, np.empty_like(W)))  # dL/dW_i = A^T delta
            if i > 0:  # delta_{i-1} = delta_i W_i^T; none for the input
                backward.append((delta, W.T, np.empty_like(A)))
        self.products = forward + backward

    def __call__(self):
        for a, b, out in self.products:
            np.matmul(a, b, out=out)


class SknnStep:
    """sknn's training step on one batch of a workload at a time: the gather of
    shuffled rows of ``X``, the forward and backward passes, the Adam step.

    ``memory_passes`` runs the gather and the Adam step only.
    """

    def __init__(self, workload, X, rng):
        from sknn.core.losses import LOSSES
        from sknn.core.network import Network, Workspace
        from sknn.core.optimizers import OPTIMIZERS

        n = self.batch_size = min(workload.batch_size, workload.n_train)
        sizes = [workload.n_features, *workload.hidden, workload.n_outputs]
        hidden = len(workload.hidden)
        loss = LOSSES[LOSS[workload.task]]
        self.network = network = Network(
            sizes, ["relu"] * hidden, loss.output_activation, np.float32
        )
        network.params[:] = 0.05 * rng.standard_normal(network.n_params)
        self.workspace = Workspace(network, n, [0.0] * hidden)
        if workload.task == "multiclass":
            classes = rng.integers(0, workload.n_outputs, len(X))
            Y = np.eye(workload.n_outputs, dtype=np.float32)[classes]
        else:
            Y = rng.integers(0, 2, (len(X), 1)).astype(np.float32)
        self.X, self.Y, self.rng = X, Y, rng
        self.loss = loss.for_targets(Y)  # as a training session asks
        self.adam = OPTIMIZERS["adam"](
            network.n_params, np.float32, 1e-3, weights=slice(0, network.n_weights)
        )
        self.grad = rng.standard_normal(network.n_params, dtype=np.float32)
        self.alpha = build_sknn(workload).alpha  # the L2 penalty the fits have

    def _batch(self):
        rows = self.rng.integers(0, len(self.X), self.batch_size)
        return self.workspace.gather(self.X, self.Y, rows)

    def memory_passes(self):
        self._batch()
        self.adam.step(self.network.params, self.grad, self.alpha / self.batch_size)

    def __call__(self):
        X, Y = self._batch()
        network, workspace = self.network, self.workspace
        # the L2 term's gradient is left to the step, as a training session does
        network.loss_and_gradient(
            X, Y, None, workspace, self.loss, self.alpha, penalty_gradient=False
        )
        self.adam.step(network.params, workspace.grad, self.alpha / len(X))


def step_ceilings(workload, X, measure_peak):
    """Each of ``CEILINGS``: its fraction of the GEMM peak in real FLOPs, the
    peak beside it and the time of a step, medians over the rounds.

    ``X`` is the training matrix as the fits are fed it (float64);
    ``measure_peak()`` returns the GEMM peak in GFLOP/s.
    """
    rng = np.random.default_rng(SEED)
    products = StepProducts(workload, rng)
    step = SknnStep(workload, X, rng)
    flops = float(workload.flops_per_sample) * products.batch_size

    def products_gather_adam():
        products()
        step.memory_passes()

    functions = (products, products_gather_adam, step)
    timings = {name: [] for name in CEILINGS}  # (peak, seconds) of each round
    for _ in range(ROUNDS):
        # each timed beside a peak of its own: the machine's speed moves
        # within a round
        for name, function in zip(CEILINGS, functions):
            peak = measure_peak()
            timings[name].append((peak, _best_time(function, STEPS_PER_ROUND)))
    return {
        name: {
            "peak_fraction": statistics.median(
                flops / seconds / (1e9 * peak) for peak, seconds in measured
            ),
            "peak_gflops": statistics.median(peak for peak, _ in measured),
            "us_per_step": 1e6 * statistics.median(s for _, s in measured),
        }
        for name, measured in timings.items()
    }
