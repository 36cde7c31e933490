"""Learning-rate schedules, and the per-step schedules of dropout and decay.

Epoch-level schedules read and set ``optimizer.learning_rate``:

- ``epoch_end(optimizer, samples_seen)`` runs after every epoch;
- ``on_plateau(optimizer)`` runs when the stopping policy sees no progress for
  ``n_iter_no_change`` epochs; it returns True if it lowered the rate (training
  goes on) and False if training should stop.

Per-step schedules (``per_step`` is True) instead give the rate at every
optimizer step as a function ``rate(t)`` of ``t``, the fraction of the horizon
done (see :class:`Timeline`). They stop on a plateau as 'constant' does: only
'adaptive' has a use for one.

A schedule holds only its settings (the current rate is the optimizer's state,
the progress the session's), so two schedules with equal settings compare
equal: a resumed session restarts the rate at ``learning_rate_init``, and the
per-step schedules at ``t = 0``, exactly when the settings changed.
"""

import math
from dataclasses import dataclass


# ----------------------------------------------------- shapes: t in [0, 1] -> factor
def cosine(t):
    """Half a cosine from 1 down to 0: ``(1 + cos(pi t)) / 2``.

    Examples
    --------
    >>> from sknn.core.schedules import cosine
    >>> cosine(0.0), cosine(0.5), cosine(1.0)
    (1.0, 0.5, 0.0)
    """
    return 0.5 * (1.0 + math.cos(math.pi * t))


def coslog(t, cycles=4):
    """``cycles`` cosine cycles on a log time scale, each twice as long as the last.

    ``(1 - cos(2 pi log2(1 + (2^cycles - 1) t))) / 2``: RealMLP's 'coslog4'
    (Holzmüller et al., "Better by default: Strong pre-tuned MLPs and boosted
    trees on tabular data", NeurIPS 2024). Each cycle rises from 0 to 1 and falls
    back to 0 (a warm restart), so it starts and ends at 0.

    Examples
    --------
    >>> from sknn.core.schedules import coslog
    >>> peak, restart = (2**0.5 - 1) / 15, 1 / 15  # of the first cycle
    >>> coslog(0.0), round(coslog(peak), 12), round(coslog(restart), 12)
    (0.0, 1.0, 0.0)
    """
    return 0.5 * (1.0 - math.cos(2 * math.pi * math.log2(1 + (2**cycles - 1) * t)))


def onecycle(t, peak_at=0.3, start=1 / 25, end=1 / 25e4):
    """Up from ``start`` to 1 until ``peak_at``, then down to ``end``, by cosines.

    The 1cycle policy (Smith & Topin, "Super-Convergence", 2019), with the
    defaults of PyTorch's OneCycleLR: the rate starts at 1/25 of its peak and
    ends 10^4 times lower still.

    Examples
    --------
    >>> from sknn.core.schedules import onecycle
    >>> onecycle(0.0), round(onecycle(0.3), 12), onecycle(1.0)
    (0.04, 1.0, 4e-06)
    """
    if t < peak_at:
        return start + (1.0 - start) * (1.0 - cosine(t / peak_at))
    return end + (1.0 - end) * cosine((t - peak_at) / (1.0 - peak_at))


def flat_cos(t):
    """1 for the first half, then half a cosine down to 0 (RealMLP's 'flat_cos').

    Examples
    --------
    >>> from sknn.core.schedules import flat_cos
    >>> flat_cos(0.25), flat_cos(0.75), flat_cos(1.0)
    (1.0, 0.5, 0.0)
    """
    return 1.0 if t < 0.5 else cosine(2.0 * t - 1.0)


# ------------------------------------------------------- learning-rate schedules
@dataclass(frozen=True)
class Constant:
    """Keep ``learning_rate_init`` throughout, after a warm-up if any.

    With ``warmup`` (a fraction of the horizon), the rate is set at every step,
    ``learning_rate_init * min(1, t / warmup)``: a linear ramp from 0.

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
    >>> Constant(0.1, warmup=0.2).rate(0.05)  # a quarter of the way up
    0.025
    """

    learning_rate_init: float
    power_t: float = 0.5
    warmup: float = 0.0

    takes_warmup = True  # False: the rate is not a function of t to ramp into

    def __post_init__(self):
        if self.warmup and not self.takes_warmup:
            raise ValueError(
                f"A warm-up cannot ramp into the {type(self).__name__} schedule, "
                "which sets the rate once per epoch: use a constant or per-step "
                "schedule, or no warm-up."
            )

    @property
    def per_step(self):
        """Whether the rate is set at every step (from ``rate(t)``)."""
        return self.warmup > 0

    def shape(self, t):
        return 1.0

    def rate(self, t):
        # lr(t) = lr_init * min(1, t / warmup) * shape(t)
        ramp = min(1.0, t / self.warmup) if self.warmup else 1.0
        return self.learning_rate_init * ramp * self.shape(t)

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

    takes_warmup = False

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
    takes_warmup = False

    def on_plateau(self, optimizer):
        if optimizer.learning_rate <= self.min_learning_rate:
            return False
        optimizer.learning_rate /= self.factor
        return True


@dataclass(frozen=True)
class Cosine(Constant):
    """Per step, from ``learning_rate_init`` down to 0 by half a cosine.

    Examples
    --------
    >>> from sknn.core.schedules import Cosine
    >>> Cosine(0.1).rate(0.0), Cosine(0.1).rate(0.5), Cosine(0.1).rate(1.0)
    (0.1, 0.05, 0.0)
    """

    per_step = True

    def shape(self, t):
        return cosine(t)


@dataclass(frozen=True)
class CosLog(Constant):
    """Per step, 4 cosine cycles on a log time scale (RealMLP's 'coslog4').

    Examples
    --------
    >>> from sknn.core.schedules import CosLog
    >>> CosLog(0.1).rate(0.0), round(CosLog(0.1).rate((2**0.5 - 1) / 15), 12)
    (0.0, 0.1)
    """

    per_step = True

    def shape(self, t):
        return coslog(t)


@dataclass(frozen=True)
class OneCycle(Constant):
    """Per step, up to ``learning_rate_init`` in the first 30%, then down.

    Examples
    --------
    >>> from sknn.core.schedules import OneCycle
    >>> round(OneCycle(0.1).rate(0.0), 12), round(OneCycle(0.1).rate(0.3), 12)
    (0.004, 0.1)
    """

    per_step = True

    def shape(self, t):
        return onecycle(t)


SCHEDULES = {
    "constant": Constant,
    "invscaling": InvScaling,
    "adaptive": Adaptive,
    "cosine": Cosine,
    "coslog": CosLog,
    "onecycle": OneCycle,
}

# Factors of the dropout rates and of alpha, by name (None: a constant factor 1)
DECAY_SCHEDULES = {"flat_cos": flat_cos}


@dataclass(frozen=True)
class Timeline:
    """The per-step schedules of a session, and the horizon they run over.

    ``t``, the fraction of the horizon done, is ``epochs / horizon``, with
    ``epochs`` the epochs trained since the schedules started (a fraction of
    one within an epoch; the session counts them) and ``horizon`` epochs in all
    (the estimators' ``max_iter``); t stays at 1 past the horizon. At every
    step, :meth:`apply` sets the learning rate of a per-step schedule, and
    multiplies the dropout rates and the decay ``alpha`` by their schedules'
    factors (``DECAY_SCHEDULES``; None keeps them). Equal settings compare
    equal: a session restarts the clock exactly when they changed.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.optimizers import SGD
    >>> from sknn.core.schedules import Cosine, Timeline
    >>> timeline = Timeline(Cosine(0.1), dropout="flat_cos", horizon=4)
    >>> optimizer, rates = SGD(1, np.float64, learning_rate=0.1), [0.5, 0.0]
    >>> t = timeline.t(epochs=3.0)
    >>> l2 = timeline.apply(t, optimizer, rates, dropout=[0.5], alpha=1e-4)
    >>> t, round(optimizer.learning_rate, 6), rates, l2
    (0.75, 0.014645, [0.25, 0.0], 0.0001)
    """

    learning_rate: Constant
    dropout: str | None = None
    weight_decay: str | None = None
    horizon: int = 1

    @property
    def active(self):
        """Whether anything is set at every step."""
        scheduled = self.dropout is not None or self.weight_decay is not None
        return self.learning_rate.per_step or scheduled

    def t(self, epochs):
        return min(1.0, epochs / self.horizon)

    def apply(self, t, optimizer, rates, dropout, alpha):
        """Set the step's rate and the dropout ``rates`` (from the base rates
        ``dropout``) at ``t``; return the step's L2 penalty (0 when the optimizer
        decays the weights itself, by the scheduled ``alpha``)."""
        if self.learning_rate.per_step:
            optimizer.learning_rate = self.learning_rate.rate(t)
        if self.dropout is not None:
            factor = DECAY_SCHEDULES[self.dropout](t)
            rates[: len(dropout)] = [rate * factor for rate in dropout]
        if self.weight_decay is not None:
            alpha *= DECAY_SCHEDULES[self.weight_decay](t)
        if optimizer.decays_weights:
            optimizer.weight_decay = alpha
            return 0.0
        return alpha
