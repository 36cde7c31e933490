"""Learning-rate schedules, applied between epochs to any stochastic optimizer.

A schedule reads and sets ``optimizer.learning_rate``:

- ``epoch_end(optimizer, samples_seen)`` runs after every epoch;
- ``on_plateau(optimizer)`` runs when the stopping policy sees no progress for
  ``n_iter_no_change`` epochs; it returns True if it lowered the rate (training
  goes on) and False if training should stop.

A schedule holds only its settings (the current rate is the optimizer's state),
so two schedules with equal settings compare equal: a resumed session restarts
the rate at ``learning_rate_init`` exactly when the settings changed.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Constant:
    """Keep ``learning_rate_init`` throughout.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.optimizers import SGD
    >>> from sknn.core.schedules import Constant
    >>> optimizer = SGD(1, np.float64, learning_rate=0.1)
    >>> schedule = Constant(0.1)
    >>> schedule.epoch_end(optimizer, samples_seen=1000)
    >>> optimizer.learning_rate, schedule.on_plateau(optimizer)  # False: stop
    (0.1, False)
    """

    learning_rate_init: float
    power_t: float = 0.5

    def epoch_end(self, optimizer, samples_seen):
        pass

    def on_plateau(self, optimizer):
        return False


@dataclass(frozen=True)
class InvScaling(Constant):
    """Decay as the inverse power of the number of samples seen.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.optimizers import SGD
    >>> from sknn.core.schedules import InvScaling
    >>> optimizer = SGD(1, np.float64, learning_rate=0.1)
    >>> InvScaling(0.1, power_t=0.5).epoch_end(optimizer, samples_seen=99)
    >>> round(optimizer.learning_rate, 4)  # 0.1 / (99 + 1) ** 0.5
    0.01
    """

    def epoch_end(self, optimizer, samples_seen):
        # lr = lr_init / (t + 1)^power_t, t the number of samples seen so far
        optimizer.learning_rate = (
            self.learning_rate_init / (samples_seen + 1) ** self.power_t
        )


@dataclass(frozen=True)
class Adaptive(Constant):
    """Divide the rate by 5 on each plateau, until it falls below 1e-6.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.optimizers import SGD
    >>> from sknn.core.schedules import Adaptive
    >>> optimizer = SGD(1, np.float64, learning_rate=0.1)
    >>> Adaptive(0.1).on_plateau(optimizer), round(optimizer.learning_rate, 4)
    (True, 0.02)
    """

    factor = 5.0
    min_learning_rate = 1e-6

    def on_plateau(self, optimizer):
        if optimizer.learning_rate <= self.min_learning_rate:
            return False
        optimizer.learning_rate /= self.factor
        return True


SCHEDULES = {"constant": Constant, "invscaling": InvScaling, "adaptive": Adaptive}
