"""The early-stopping split: which rows of the training data are held out.

The split is made of row indices, so the held-out rows are scored where they
lie in X, never copied out of it. As scikit-learn's MLP does, the validation
set holds ``validation_fraction`` of the rows and must have at least 2.
"""

import numpy as np
from sklearn.model_selection import train_test_split

_TOO_SMALL = (
    "The validation set is too small. Increase 'validation_fraction' or the size "
    "of your dataset."
)


def hold_out(y, validation_fraction, stratify, seed):
    """``(train_rows, validation_rows)``: index arrays into the training data.

    With ``stratify``, each class keeps its share in both parts when every class
    can be represented in both; otherwise (a class with a single sample, more
    classes than validation rows) the split falls back to a shuffled one rather
    than fail where scikit-learn's MLP would not. ``seed`` makes it repeatable.
    """
    rows = np.arange(len(y))
    attempts = [y, None] if stratify else [None]
    for labels in attempts:
        try:
            train, validation = train_test_split(
                rows,
                test_size=validation_fraction,
                stratify=labels,
                random_state=np.random.RandomState(seed),
            )
        except ValueError:
            if labels is None:
                raise ValueError(_TOO_SMALL) from None
            continue
        break
    if len(validation) < 2:
        raise ValueError(_TOO_SMALL)
    return train, validation
