"""Shared test settings: BLAS on one thread, whatever the environment says."""

import pytest

try:
    from threadpoolctl import threadpool_limits
except ImportError:  # the test extra installs it; without it the env vars still apply
    threadpool_limits = None


@pytest.fixture(autouse=True, scope="session")
def _one_blas_thread():
    if threadpool_limits is None:
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield
