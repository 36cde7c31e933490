"""The ceilings of a training workload: what its matrix products alone allow.

A training step's real FLOPs (``Workload.flops_per_sample``) are all in its
matrix products: each layer's forward product ``A_{i-1} W_i``, its weight
gradient ``A_{i-1}^T delta_i`` and, but for the first layer, the delta carried
back ``delta_i W_i^T``. Timed alone, in float32, on one batch of the
workload's shapes and into buffers made beforehand, these products give the
fraction of the GEMM peak that a trainer on this BLAS would reach if its
biases, activations, loss, minibatch gather and optimizer cost nothing. No
trainer that computes the same products can exceed it.

The second ceiling adds the two passes whose cost memory sets rather than
arithmetic, each timed alone as sknn runs them: gathering a shuffled
minibatch of float64 rows into float32 (from a matrix the workload's size,
which no cache holds), and one Adam step over the network's parameters (four
vectors read, three written). It is what sknn's fit would reach if its
biases, activations and loss cost nothing.

Each is measured in rounds: a GEMM peak (best of 3), then the best time of
several steps; a round's fraction is against its own peak, and the ceiling is
the median of the rounds, as the fits' fractions are the median of fits each
paired with its peak.
"""

import statistics
import time

import numpy as np

from .workloads import SEED

ROUNDS = 5
STEPS_PER_ROUND = 8
# The ceilings' names, as the training tables show them in the system column
CEILINGS = ("ceiling: products alone", "ceiling: + sknn's gather, Adam")


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


def _memory_passes(sizes, n, X, rng):
    """sknn's gather of ``n`` rows of ``X`` and its Adam step on a network of
    layer ``sizes``, as one function of no argument."""
    from sknn.core.network import Network, Workspace
    from sknn.core.optimizers import OPTIMIZERS

    n_hidden = len(sizes) - 2
    network = Network(list(sizes), ["relu"] * n_hidden, "identity", np.float32)
    workspace = Workspace(network, n, [0.0] * n_hidden)
    Y = np.zeros((len(X), sizes[-1]), np.float32)
    adam = OPTIMIZERS["adam"](
        network.n_params, np.float32, 1e-3, weights=slice(0, network.n_weights)
    )
    grad = rng.standard_normal(network.n_params, dtype=np.float32)

    def passes():
        rows = rng.integers(0, len(X), n)
        workspace.gather(X, Y, rows)
        adam.step(network.params, grad, 0.0)

    return passes


def step_ceilings(workload, X, measure_peak):
    """The step's products alone, and with sknn's gather and Adam step added:
    for each, the fraction of the GEMM peak in real FLOPs and the time of a step.

    ``X`` is the training matrix as the fits are fed it (float64);
    ``measure_peak()`` returns the GEMM peak in GFLOP/s.
    """
    rng = np.random.default_rng(SEED)
    products = StepProducts(workload, rng)
    memory = _memory_passes(products.sizes, products.batch_size, X, rng)
    flops = float(workload.flops_per_sample) * products.batch_size
    rounds = {CEILINGS[0]: [], CEILINGS[1]: []}  # (fraction, seconds) per round
    for _ in range(ROUNDS):
        peak = 1e9 * measure_peak()
        products_s = _best_time(products, STEPS_PER_ROUND)
        memory_s = _best_time(memory, STEPS_PER_ROUND)
        for name, seconds in zip(CEILINGS, (products_s, products_s + memory_s)):
            rounds[name].append((flops / seconds / peak, seconds))
    return {
        name: {
            "peak_fraction": statistics.median(f for f, _ in measured),
            "us_per_step": 1e6 * statistics.median(s for _, s in measured),
        }
        for name, measured in rounds.items()
    }
