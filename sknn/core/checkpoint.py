"""A checkpoint: the whole state of a training session at an epoch boundary.

Rolling back only the weights would leave the optimizer's velocity or moments,
the random generator, the learning rate, the per-step schedules' clock and the
stopping counters as they were mid-epoch: a stream of ``partial_fit`` calls
would then "diverge" again on every good chunk after a bad one, and training
after an interrupt would not continue as the uninterrupted run does. So a
:class:`Checkpoint` copies all of it, and a restored session is
indistinguishable from one that never ran past it.
"""

import copy

import numpy as np


class Checkpoint:
    """The state of ``session`` now: its attributes, and copies of what mutates.

    The session's attributes are taken as references (a new optimizer or schedule
    replaces the object, it does not mutate the old one; the schedules' clock,
    ``timeline_epochs``, is a number), and the objects that do
    mutate in place are copied: the network's parameters, the optimizer's state,
    the stopping policy, the generator's state, and the length of the history.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn.core.checkpoint import Checkpoint
    >>> from sknn.core.network import Network
    >>> from sknn.core.training import Trainer
    >>> session = Trainer(random_state=0)
    >>> session.network = Network([2, 1], [], "identity", np.float64)
    >>> saved = Checkpoint(session)
    >>> session.network.params += 1.0
    >>> session.samples_seen = 100
    >>> saved.restore(session)
    >>> session.network.params.tolist(), session.samples_seen
    ([0.0, 0.0, 0.0], 0)
    """

    def __init__(self, session):
        self.attributes = dict(vars(session))
        self.params = session.network.params.copy()
        optimizer = session.optimizer
        self.optimizer_state = None if optimizer is None else optimizer.get_state()
        self.plateau = copy.copy(session.plateau)
        self.rng_state = session.rng.bit_generator.state
        self.history_length = len(session.history)

    def restore(self, session):
        vars(session).clear()
        vars(session).update(self.attributes)
        session.network.params[...] = self.params
        if self.optimizer_state is not None:
            session.optimizer.set_state(self.optimizer_state)
        session.plateau = copy.copy(self.plateau)
        session.rng.bit_generator.state = self.rng_state
        del session.history[self.history_length :]


def generator(random_state):
    """A ``numpy.random.Generator`` seeded from an int, a ``RandomState`` or None.

    None draws the seed from NumPy's global ``RandomState``, as scikit-learn's
    ``random_state=None`` does; an int or a ``RandomState`` give the same stream
    every time.

    Examples
    --------
    >>> from sknn.core.checkpoint import generator
    >>> generator(0).random() == generator(0).random()
    True
    """
    if random_state is None:
        legacy = np.random.mtrand._rand
    elif isinstance(random_state, np.random.RandomState):
        legacy = random_state
    else:
        legacy = np.random.RandomState(random_state)
    return np.random.default_rng(legacy.randint(np.iinfo(np.int32).max))


def same_random_state(a, b):
    """Whether ``random_state`` ``a`` asks for the stream ``b`` already seeded.
    Examples
    --------
    >>> from sknn.core.checkpoint import same_random_state
    >>> same_random_state(3, 3), same_random_state(None, None), same_random_state(3, 4)
    (True, True, False)
    """
    if a is b:
        return True
    integers = (int, np.integer)
    return isinstance(a, integers) and isinstance(b, integers) and a == b
