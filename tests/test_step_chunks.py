"""An optimizer step runs chunk by chunk (for the cache): the chunks must not
change a single bit of the result, for every optimizer and setting."""

import numpy as np
import pytest

from sknn.core import optimizers
from sknn.core.optimizers import OPTIMIZERS, lr_factor_vector

N_PARAMS = 103  # not a multiple of the chunk sizes below: a short last chunk


def _trained(name, dtype, lr_factors):
    rng = np.random.default_rng(0)
    params = rng.standard_normal(N_PARAMS).astype(dtype)
    optimizer = OPTIMIZERS[name](N_PARAMS, dtype, 0.01, weights=slice(0, 90))
    groups = {"weights": slice(0, 90), "biases": slice(90, N_PARAMS)}
    optimizer.lr_factors = lr_factor_vector(groups, lr_factors, N_PARAMS, dtype)
    for _ in range(5):
        optimizer.step(params, rng.standard_normal(N_PARAMS).astype(dtype))
    state = optimizer.get_state()
    return params, [v for v in state.values() if isinstance(v, np.ndarray)]


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("lr_factors", [None, {"biases": 0.5}])
@pytest.mark.parametrize("chunk", [1, 10, 64])
def test_chunked_step_is_bit_identical(monkeypatch, name, dtype, lr_factors, chunk):
    whole, whole_state = _trained(name, dtype, lr_factors)  # CHUNK > N_PARAMS
    monkeypatch.setattr(optimizers, "CHUNK", chunk)
    chunked, chunked_state = _trained(name, dtype, lr_factors)
    assert chunked.tobytes() == whole.tobytes()
    assert [a.tobytes() for a in chunked_state] == [a.tobytes() for a in whole_state]
