"""Training-time augmentation: the resampler against exact shifts, the elastic field's size, and
the way training 7s may turn."""

from dataclasses import replace

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from model.augment import AugmentSettings, bilinear_sample, elastic_distortion, random_affine  # noqa: E402


def grid(batch=2, size=28):
    ys, xs = np.meshgrid(np.arange(size, dtype=np.float32), np.arange(size, dtype=np.float32), indexing="ij")
    return np.broadcast_to(ys, (batch, size, size)), np.broadcast_to(xs, (batch, size, size))


def test_bilinear_sample_reads_whole_pixels_exactly_halves_as_means_and_outside_as_zero():
    images = np.random.default_rng(0).uniform(size=(2, 28, 28)).astype(np.float32)
    ys, xs = grid()
    np.testing.assert_array_equal(bilinear_sample(images, ys, xs), images)
    shifted = bilinear_sample(images, ys, xs + 1).numpy()
    np.testing.assert_array_equal(shifted[:, :, :-1], images[:, :, 1:])
    assert not shifted[:, :, -1].any()  # read beyond the right edge
    halfway = bilinear_sample(images, ys + 0.5, xs).numpy()
    np.testing.assert_allclose(halfway[:, :-1], (images[:, :-1] + images[:, 1:]) / 2, rtol=1e-6)


def test_elastic_distortion_moves_ink_a_little_and_keeps_most_of_it():
    images = np.zeros((8, 28, 28), np.float32)
    images[:, 6:22, 12:16] = 1.0  # a thick stroke
    generator = tf.random.Generator.from_seed(3)
    settings = replace(AugmentSettings(), max_elastic_pixels=1.5)
    bent = elastic_distortion(tf.constant(images), generator, settings).numpy()
    assert not np.array_equal(bent, images)
    ink, bent_ink = images.sum(axis=(1, 2)), bent.sum(axis=(1, 2))
    np.testing.assert_allclose(bent_ink, ink, rtol=0.3)  # stretched or squeezed here and there ...
    assert bent_ink.mean() == pytest.approx(ink.mean(), rel=0.1)  # ... but no ink made or lost on average
    assert not bent[:, :2].any() and not bent[:, -2:].any()  # ink moved by about 1.5 px, not 4
    off = elastic_distortion(tf.constant(images), generator, replace(settings, max_elastic_pixels=0.0)).numpy()
    np.testing.assert_allclose(off, images, atol=1e-6)


def bar_tilts(images: np.ndarray) -> np.ndarray:
    """How far down each image's ink goes from its left half to its right half, in rows."""
    rows = np.arange(images.shape[1])[None, :, None]

    def mean_row(half):
        return (half * rows).sum(axis=(1, 2)) / half.sum(axis=(1, 2))

    middle = images.shape[2] // 2
    return mean_row(images[:, :, middle:]) - mean_row(images[:, :, :middle])


def test_flag_safe_sevens_tip_only_sevens_bars_down_to_the_right():
    bars = np.zeros((64, 28, 28), np.float32)
    bars[:, 13:15, 4:24] = 1.0  # a level bar through the centre
    settings = AugmentSettings(max_shear=0.0, min_scale=1.0, max_scale=1.0, max_shift_pixels=0.0,
                               flag_safe_sevens=True)
    generator = tf.random.Generator.from_seed(5)
    labels = np.array([7, 1] * 32)
    tilts = bar_tilts(random_affine(tf.constant(bars), generator, settings, tf.constant(labels)).numpy())
    sevens, ones = tilts[labels == 7], tilts[labels == 1]
    assert (sevens > 0).mean() > 0.9 and sevens.min() > -0.05  # down to the right (or level), never up
    assert (ones > 0.5).any() and (ones < -0.5).any()  # other digits still turn either way
    # Off (the default), 7s turn either way too.
    either_way = replace(settings, flag_safe_sevens=False)
    either = bar_tilts(random_affine(tf.constant(bars), generator, either_way).numpy())
    assert (either > 0.5).any() and (either < -0.5).any()
    with pytest.raises(ValueError, match="labels"):
        random_affine(tf.constant(bars), generator, settings)  # which are the 7s?


def test_flat_flag_ones_turn_only_ones_and_only_clockwise():
    bars = np.zeros((64, 28, 28), np.float32)
    bars[:, 13:15, 4:24] = 1.0
    settings = AugmentSettings(max_shear=0.0, min_scale=1.0, max_scale=1.0, max_shift_pixels=0.0,
                               flat_flag_ones_degrees=24.0)
    labels = np.array([1, 3] * 32)
    tilts = bar_tilts(random_affine(tf.constant(bars), tf.random.Generator.from_seed(5), settings,
                                    tf.constant(labels)).numpy())
    ones, threes = tilts[labels == 1], tilts[labels == 3]
    assert ones.min() > -0.05 and (ones > 0).mean() > 0.9  # clockwise: tips a level bar down to the right
    assert ones.max() > threes.max()  # further than the 12 degrees every digit turns
    assert (threes > 0.5).any() and (threes < -0.5).any()  # other digits still turn either way
    with pytest.raises(ValueError, match="labels"):
        random_affine(tf.constant(bars), tf.random.Generator.from_seed(5), settings)


def test_stretch_widens_and_narrows_images_but_keeps_their_height():
    blocks = np.zeros((64, 28, 28), np.float32)
    blocks[:, 9:19, 9:19] = 1.0  # a 10 x 10 square in the middle
    settings = AugmentSettings(max_rotation_degrees=0.0, max_shear=0.0, min_scale=1.0, max_scale=1.0,
                               max_shift_pixels=0.0, max_stretch=1.3)
    stretched = random_affine(tf.constant(blocks), tf.random.Generator.from_seed(3), settings).numpy()
    widths = stretched.sum(axis=(1, 2)) / 10.0  # ink per row, over the 10 rows the square spans
    assert widths.min() > 10 / 1.3 - 0.5 and widths.max() < 10 * 1.3 + 0.5
    assert (widths < 9).any() and (widths > 11).any()  # both ways
    assert np.allclose(stretched[:, :9].sum(axis=(1, 2)), 0) and np.allclose(stretched[:, 19:].sum(axis=(1, 2)), 0)
    # Off (the default): the square comes back as it was.
    unchanged = random_affine(tf.constant(blocks), tf.random.Generator.from_seed(3),
                              replace(settings, max_stretch=1.0)).numpy()
    assert np.allclose(unchanged, blocks, atol=1e-5)
