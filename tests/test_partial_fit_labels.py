"""partial_fit encodes the labels of a resumed fit itself: exactly as
LabelBinarizer, and with the same refusals of unknown classes."""

import numpy as np
import pytest
from sklearn.preprocessing import LabelBinarizer

from sknn import FirstNetClassifier
from sknn._classifier import _binarize, _plain_labels


@pytest.mark.parametrize(
    "classes, y",
    [
        ([0, 1], [1, 0, 0, 1]),
        ([-1.0, 2.0], [2.0, 2.0, -1.0]),
        ([False, True], [True, False]),
        (["ham", "spam"], ["spam", "spam", "ham"]),
        ([3, 7, 9], [9, 3, 3, 7]),
        (["a", "b", "c", "d"], ["d", "a", "b"]),
        ([0, 1, 2], [2, 2]),  # a chunk that is binary, of a multiclass fit
    ],
)
def test_binarize_is_label_binarizer(classes, y):
    encoder = LabelBinarizer().fit(np.array(classes))
    y = np.array(y)
    assert _plain_labels(y)
    expected = encoder.transform(y)
    got = _binarize(y, encoder.classes_)
    np.testing.assert_array_equal(got, expected)
    assert got.shape == expected.shape


def test_object_and_indicator_labels_are_left_to_scikit_learn():
    assert not _plain_labels(np.array(["a", 1], dtype=object))
    assert not _plain_labels(np.eye(3, dtype=int))


def _stream(y_chunks, classes):
    rng = np.random.default_rng(0)
    clf = FirstNetClassifier(hidden_layer_sizes=(4,), random_state=0)
    for y in y_chunks:
        clf.partial_fit(rng.normal(size=(len(y), 3)), y, classes=classes)
    return clf


@pytest.mark.parametrize("classes", [["no", "yes"], [0, 1, 2], [5]])
def test_resumed_partial_fit_learns_as_with_label_binarizer(classes, monkeypatch):
    labels = np.array(classes)
    chunks = [labels[[0, -1, -1, 0, -1]], labels[[-1, -1, 0, 0, -1]]]
    chunks += chunks
    fast = _stream(chunks, classes)
    monkeypatch.setattr("sknn._classifier._plain_labels", lambda y: False)
    slow = _stream(chunks, classes)
    for a, b in zip(fast.coefs_ + fast.intercepts_, slow.coefs_ + slow.intercepts_):
        np.testing.assert_array_equal(a, b)


def test_a_class_not_seen_before_is_still_refused():
    clf = _stream([np.array([0, 1, 1])], classes=[0, 1])
    with pytest.raises(ValueError, match="`y` has classes not in `self.classes_`"):
        clf.partial_fit(np.zeros((2, 3)), [1, 2])
