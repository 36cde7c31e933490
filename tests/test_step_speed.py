"""The cheaper training step of the tabular recipe: dropout masks from raw
random bits, activation slopes kept from the forward pass, a fused embedding,
optimizer passes that skip factors of 1. Each keeps the step's meaning."""

import numpy as np
import pytest

from sknn.core.network import Network, Workspace


# ---------------------------------------------------------------- dropout
@pytest.mark.parametrize("rate", [0.15, 0.5, 1e-6, 0.999999])
def test_dropout_mask_is_inverted_with_its_exact_keep_probability(rate):
    net = Network([3, 1000, 1], ["relu"], "identity", np.float32)
    ws = Workspace(net, 200, [rate])
    mask = ws.draw_mask(0, 199, np.random.default_rng(0))  # 199 x 1000: not 4k
    threshold = min(round(rate * 2**16), 2**16 - 1)
    keep = 1 - threshold / 2**16
    assert abs(keep - (1 - rate)) <= 2**-16
    assert set(np.unique(mask).tolist()) <= {0.0, np.float32(1 / keep)}
    kept = float(np.count_nonzero(mask)) / mask.size
    assert abs(kept - keep) < 5 * np.sqrt(keep * (1 - keep) / mask.size) + 1e-9


def test_dropout_masks_come_from_the_sessions_generator():
    net = Network([3, 64, 1], ["relu"], "identity", np.float32)
    ws = Workspace(net, 8, [0.3])
    rng = np.random.default_rng(5)
    state = rng.bit_generator.state
    first = ws.draw_mask(0, 8, rng).copy()
    second = ws.draw_mask(0, 8, rng).copy()
    rng.bit_generator.state = state  # a checkpoint's restore replays them
    np.testing.assert_array_equal(ws.draw_mask(0, 8, rng), first)
    np.testing.assert_array_equal(ws.draw_mask(0, 8, rng), second)
    assert not np.array_equal(first, second)
