"""Training-time augmentation: make MNIST look more like digits people draw in a browser.

Drawings differ from MNIST scans in stroke thickness, slant, size and position. Preprocessing
(model/preprocess.py) removes most of the size and position differences, so these random
changes stay small: they teach the LSTM the variety that is left, and they regularise it (without
them it fits the training set to 99.99% and stalls near 98.8% on test).

An elastic distortion (Simard, Steinkraus & Platt 2003), which bends each digit locally the way
one writer's 7 differs from another's, is here too but off by default: with it on top of the
other changes (`python -m model.train --elastic-pixels 1.5`) the model underfit (98.8% on
validation against 99.17% without; see the README).
"""

import math
from dataclasses import dataclass

import tensorflow as tf


@dataclass(frozen=True)
class AugmentSettings:
    max_rotation_degrees: float = 12.0
    max_shear: float = 0.25  # x += shear * y: a slant of up to about 14 degrees
    min_scale: float = 0.85
    max_scale: float = 1.1
    max_shift_pixels: float = 2.0
    # Widen or narrow each image by a factor of up to this either way (1: off, and nothing drawn, so
    # that runs without it repeat exactly). A 1's flag gets longer with it, as some writers draw it.
    max_stretch: float = 1.0
    max_stroke_change: float = 0.7  # blend weight towards a one-pixel thicker or thinner stroke
    max_elastic_pixels: float = 0.0  # root-mean-square displacement of the elastic field, at most (0: off)
    elastic_smoothness: float = 4.0  # the field's Gaussian smoothing, sigma in pixels (Simard's 4)
    # Rotate 7s only clockwise (on screen), the way that tips the bar down to the right, so that no
    # rotation lifts a 7's bar up to the right like a 1's flag (off: every digit turns either way).
    flag_safe_sevens: bool = False
    # Turn 1s only clockwise, by up to this many degrees (0: off, and nothing drawn, so that runs
    # without it repeat exactly). Clockwise flattens a 1's flag, as writers of long flags draw it.
    flat_flag_ones_degrees: float = 0.0


def _cross_neighbours(images: tf.Tensor) -> tf.Tensor:
    """The image and its four one-pixel shifts, stacked on a new last axis: (B, H, W, 5)."""
    padded = tf.pad(images, [[0, 0], [1, 1], [1, 1]])
    return tf.stack(
        [
            padded[:, 1:-1, 1:-1],
            padded[:, :-2, 1:-1],
            padded[:, 2:, 1:-1],
            padded[:, 1:-1, :-2],
            padded[:, 1:-1, 2:],
        ],
        axis=-1,
    )


def change_stroke_width(images: tf.Tensor, amount: tf.Tensor) -> tf.Tensor:
    """Thicken (amount > 0) or thin (amount < 0) strokes; |amount| in [0, 1] blends the change in.

    images: (B, H, W) in [0, 1]; amount: (B,).
    """
    neighbours = _cross_neighbours(images)
    target = tf.where(
        (amount > 0)[:, None, None],
        tf.reduce_max(neighbours, axis=-1),  # grey-level dilation with a 3x3 cross
        tf.reduce_min(neighbours, axis=-1),  # grey-level erosion
    )
    weight = tf.abs(amount)[:, None, None]
    return images + weight * (target - images)


def random_affine(images: tf.Tensor, generator: tf.random.Generator, settings: AugmentSettings,
                  labels: tf.Tensor | None = None):
    """Rotate, slant, scale, stretch and shift each image about its centre, with bilinear resampling.

    The angle is clockwise on screen (rows count downwards): a positive angle tips a level bar
    down to the right. `labels` are needed only for `settings.flag_safe_sevens` and
    `settings.flat_flag_ones_degrees`."""
    batch = tf.shape(images)[0]

    def uniform(low, high):
        return generator.uniform([batch], low, high)

    angle = uniform(-1.0, 1.0) * math.radians(settings.max_rotation_degrees)
    if settings.flag_safe_sevens:
        if labels is None:
            raise ValueError("flag_safe_sevens needs the labels, to know which images are 7s")
        angle = tf.where(tf.equal(tf.cast(labels, tf.int32), 7), tf.abs(angle), angle)
    if settings.flat_flag_ones_degrees > 0:
        if labels is None:
            raise ValueError("flat_flag_ones_degrees needs the labels, to know which images are 1s")
        clockwise = uniform(0.0, 1.0) * math.radians(settings.flat_flag_ones_degrees)
        angle = tf.where(tf.equal(tf.cast(labels, tf.int32), 1), clockwise, angle)
    shear = uniform(-settings.max_shear, settings.max_shear)
    scale = uniform(settings.min_scale, settings.max_scale)
    stretch = tf.ones_like(scale)  # the width's extra factor
    if settings.max_stretch > 1.0:
        stretch = tf.exp(uniform(-1.0, 1.0) * math.log(settings.max_stretch))
    shift_x = uniform(-settings.max_shift_pixels, settings.max_shift_pixels)
    shift_y = uniform(-settings.max_shift_pixels, settings.max_shift_pixels)

    # Forward map A = rotation @ shear @ diag(scale * stretch, scale); the resampler needs its
    # inverse, output -> input.
    cos, sin = tf.cos(angle), tf.sin(angle)
    a00, a01 = cos * scale * stretch, (cos * shear - sin) * scale
    a10, a11 = sin * scale * stretch, (sin * shear + cos) * scale
    det = a00 * a11 - a01 * a10
    m00, m01, m10, m11 = a11 / det, -a01 / det, -a10 / det, a00 / det

    height = tf.cast(tf.shape(images)[1], tf.float32)
    centre = (height - 1.0) / 2.0  # pixel centres sit on integer coordinates
    offset_x = centre - m00 * (centre + shift_x) - m01 * (centre + shift_y)
    offset_y = centre - m10 * (centre + shift_x) - m11 * (centre + shift_y)
    zeros = tf.zeros_like(angle)
    transforms = tf.stack([m00, m01, offset_x, m10, m11, offset_y, zeros, zeros], axis=1)

    warped = tf.raw_ops.ImageProjectiveTransformV3(
        images=images[..., None],
        transforms=transforms,
        output_shape=tf.shape(images)[1:3],
        fill_value=0.0,
        interpolation="BILINEAR",
        fill_mode="CONSTANT",
    )
    return warped[..., 0]


def _gaussian_blur(fields: tf.Tensor, sigma: float) -> tf.Tensor:
    """Blur (B, H, W, C) fields with a Gaussian of standard deviation sigma (zeros beyond the
    edges), as two small matrix products: K F K^T, K[i, j] = the Gaussian weight of |i - j|."""
    def gaussian_matrix(n):
        offsets = tf.cast(tf.range(n)[:, None] - tf.range(n)[None, :], tf.float32)
        weights = tf.exp(-0.5 * (offsets / sigma) ** 2)
        return weights / (sigma * math.sqrt(2 * math.pi))

    rows, cols = gaussian_matrix(tf.shape(fields)[1]), gaussian_matrix(tf.shape(fields)[2])
    return tf.einsum("ij,bjkc,lk->bilc", rows, fields, cols)


def bilinear_sample(images: tf.Tensor, ys: tf.Tensor, xs: tf.Tensor) -> tf.Tensor:
    """images (B, H, W) read at real-valued pixel coordinates ys, xs (B, H, W); outside is 0."""
    height, width = tf.shape(images)[1], tf.shape(images)[2]
    padded = tf.pad(images, [[0, 0], [1, 1], [1, 1]])  # a ring of zeros: reads outside give 0
    ys = tf.clip_by_value(ys + 1.0, 0.0, tf.cast(height + 1, tf.float32))
    xs = tf.clip_by_value(xs + 1.0, 0.0, tf.cast(width + 1, tf.float32))
    y0 = tf.minimum(tf.floor(ys), tf.cast(height, tf.float32))
    x0 = tf.minimum(tf.floor(xs), tf.cast(width, tf.float32))
    wy, wx = ys - y0, xs - x0
    y0, x0 = tf.cast(y0, tf.int32), tf.cast(x0, tf.int32)

    def at(y, x):
        return tf.gather_nd(padded, tf.stack([y, x], axis=-1), batch_dims=1)

    top = (1 - wx) * at(y0, x0) + wx * at(y0, x0 + 1)
    bottom = (1 - wx) * at(y0 + 1, x0) + wx * at(y0 + 1, x0 + 1)
    return (1 - wy) * top + wy * bottom


def elastic_distortion(images: tf.Tensor, generator: tf.random.Generator, settings: AugmentSettings):
    """Move every pixel by a smooth random displacement field (Simard et al. 2003): uniform noise
    blurred by a Gaussian, scaled so that its root-mean-square displacement is a random 0 to
    `max_elastic_pixels` per image."""
    batch, height, width = tf.shape(images)[0], tf.shape(images)[1], tf.shape(images)[2]
    noise = generator.uniform(tf.stack([batch, height, width, 2]), -1.0, 1.0)
    field = _gaussian_blur(noise, settings.elastic_smoothness)
    rms = tf.sqrt(tf.reduce_mean(tf.square(field), axis=[1, 2, 3], keepdims=True))
    size = generator.uniform([batch], 0.0, settings.max_elastic_pixels)[:, None, None, None]
    field = field / rms * size  # (B, H, W, 2): dy, dx in pixels
    ys, xs = tf.meshgrid(tf.range(height), tf.range(width), indexing="ij")
    ys, xs = tf.cast(ys, tf.float32)[None], tf.cast(xs, tf.float32)[None]
    return bilinear_sample(images, ys + field[..., 0], xs + field[..., 1])


def augment(images: tf.Tensor, generator: tf.random.Generator, settings: AugmentSettings,
            labels: tf.Tensor | None = None):
    """(B, 28, 28) float32 in [0, 1] -> the same shape, randomly redrawn. labels (B,): the digits,
    needed only for `settings.flag_safe_sevens` and `settings.flat_flag_ones_degrees`."""
    amount = generator.uniform([tf.shape(images)[0]], -1.0, 1.0) * settings.max_stroke_change
    images = change_stroke_width(images, amount)
    if settings.max_elastic_pixels > 0:
        images = elastic_distortion(images, generator, settings)
    images = random_affine(images, generator, settings, labels)
    return tf.clip_by_value(images, 0.0, 1.0)
