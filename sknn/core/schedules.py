"""Learning-rate schedules, applied between epochs to any stochastic optimizer.

A schedule reads and sets ``optimizer.learning_rate``:

- ``epoch_end(optimizer, samples_seen)`` runs after every epoch;
- ``on_plateau(optimizer)`` runs when the stopping policy sees no progress for
  ``n_iter_no_change`` epochs; it returns True if it lowered the rate (training
  goes on) and False if training should stop.
"""


class Constant:
    """Keep ``learning_rate_init`` throughout."""

    def __init__(self, learning_rate_init, power_t=0.5):
        self.learning_rate_init = learning_rate_init

    def epoch_end(self, optimizer, samples_seen):
        pass

    def on_plateau(self, optimizer):
        return False


class InvScaling(Constant):
    """Decay as the inverse power of the number of samples seen."""

    def __init__(self, learning_rate_init, power_t=0.5):
        super().__init__(learning_rate_init)
        self.power_t = power_t

    def epoch_end(self, optimizer, samples_seen):
        # lr = lr_init / (t + 1)^power_t, t the number of samples seen so far
        optimizer.learning_rate = (
            self.learning_rate_init / (samples_seen + 1) ** self.power_t
        )


class Adaptive(Constant):
    """Divide the rate by 5 on each plateau, until it falls below 1e-6."""

    factor = 5.0
    min_learning_rate = 1e-6

    def on_plateau(self, optimizer):
        if optimizer.learning_rate <= self.min_learning_rate:
            return False
        optimizer.learning_rate /= self.factor
        return True


SCHEDULES = {"constant": Constant, "invscaling": InvScaling, "adaptive": Adaptive}
