"""When is progress over? The stopping policy of stochastic training.

Stopping is never the optimizer's job: :class:`Plateau` watches one number per
epoch (the training loss, or a validation score with early stopping) and says
when it has stopped improving; the training loop then asks the schedule whether
to lower the learning rate or stop (:mod:`sknn.core.schedules`).
"""

import numpy as np


class Plateau:
    """Counts epochs in a row whose value did not beat the best one by ``tol``.

    ``higher_is_better`` is True for a validation score, False for a loss. The
    settings may change between calls (``configure``); the count and the best
    value carry over, as scikit-learn's MLP keeps them across warm starts, unless
    what is watched changes.


    Examples
    --------
    >>> from sknn.core.stopping import Plateau
    >>> plateau = Plateau(tol=0.1, patience=1, higher_is_better=False)
    >>> [plateau.update(loss) for loss in (1.0, 0.95, 0.99)]  # best so far?
    [True, True, False]
    >>> plateau.exhausted  # two epochs in a row without a gain of tol
    True
    """

    def __init__(self, tol, patience, higher_is_better):
        self.best = -np.inf
        self.count = 0
        self.higher_is_better = higher_is_better
        self.configure(tol, patience, higher_is_better)

    def configure(self, tol, patience, higher_is_better):
        if higher_is_better != self.higher_is_better:
            self.best, self.count = -np.inf, 0  # a loss and a score do not compare
        self.tol = tol
        self.patience = patience
        self.higher_is_better = higher_is_better

    @property
    def sign(self):
        return 1.0 if self.higher_is_better else -1.0

    @property
    def best_value(self):
        return self.sign * self.best

    @property
    def exhausted(self):
        return self.count > self.patience

    def update(self, value):
        """Record an epoch's value; return True if it is the best so far."""
        signed = self.sign * value
        self.count = self.count + 1 if signed < self.best + self.tol else 0
        if signed > self.best:
            self.best = signed
            return True
        return False
