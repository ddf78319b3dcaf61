"""The gallery: the test-set summary agrees with the trace; each kind of page picks what it says."""

import numpy as np
import pytest

from model.data import to_unit_float
from model.trace import trace
from page import gallery
from page.gallery import TestSetSummary


@pytest.fixture(scope="module")
def summary(mnist, weights):
    return gallery.summarise_test_set(mnist.test_images[:600], mnist.test_labels[:600], weights)


def test_summary_agrees_with_the_trace(summary, mnist, weights):
    full = trace(to_unit_float(mnist.test_images[:600]), weights)
    np.testing.assert_array_equal(summary.predictions, full.prediction)
    np.testing.assert_array_equal(summary.decision_steps, full.decision_step)
    np.testing.assert_allclose(summary.confidences, full.probabilities.max(-1))


def fake_summary() -> TestSetSummary:
    labels = np.arange(40) % 10
    predictions = labels.copy()
    predictions[[3, 17, 25]] = [5, 2, 0]
    confidences = np.linspace(0.5, 0.99, 40)
    steps = np.where(np.arange(40) % 7 == 0, 27, 12)
    return TestSetSummary(labels, predictions, confidences, steps)


def test_gallery_pages_pick_what_they_say():
    summary = fake_summary()
    random_page = gallery.gallery_indices(summary, "Random", page=2)
    assert len(set(random_page)) == gallery.GALLERY_SIZE
    np.testing.assert_array_equal(random_page, gallery.gallery_indices(summary, "Random", page=2))
    assert set(summary.labels[gallery.gallery_indices(summary, "By digit", digit=4)]) == {4}
    misread = gallery.gallery_indices(summary, "Misread")
    assert list(misread) == [25, 17, 3]  # most confident mistake first; only three exist
    late = gallery.gallery_indices(summary, "Late deciders")
    assert (summary.decision_steps[late] >= gallery.LATE_DECIDER_STEP).all()
    with pytest.raises(ValueError):
        gallery.gallery_indices(summary, "Best")



def test_thumbnail_keeps_pixels_sharp():
    image = np.arange(4, dtype=np.uint8).reshape(2, 2)
    np.testing.assert_array_equal(gallery.thumbnail(image, 2), [[0, 0, 1, 1], [0, 0, 1, 1],
                                                                [2, 2, 3, 3], [2, 2, 3, 3]])
