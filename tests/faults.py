"""Faults injected into training, to test what a fit does when they happen."""

from sknn.core.network import Network


def raise_at_batch(n, exception):
    """A ``Network.loss_and_gradient`` that raises ``exception`` at its n-th call.

    Patch it in with ``monkeypatch.setattr(Network, "loss_and_gradient", ...)``;
    the calls before the n-th train as usual.
    """
    original, calls = Network.loss_and_gradient, []

    def loss_and_gradient(network, *args, **kwargs):
        calls.append(1)
        if len(calls) == n:
            raise exception
        return original(network, *args, **kwargs)

    return loss_and_gradient
