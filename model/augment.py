"""Training-time augmentation: make MNIST look more like digits people draw in a browser.

Drawings differ from MNIST scans in stroke thickness, slant, size and position. Preprocessing
(model/preprocess.py) removes most of the size and position differences, so these random
changes stay small: they teach the LSTM the variety that is left, and they regularise it (without
them it fits the training set to 99.99% and stalls near 98.8% on test).
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
    max_stroke_change: float = 0.7  # blend weight towards a one-pixel thicker or thinner stroke


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


def random_affine(images: tf.Tensor, generator: tf.random.Generator, settings: AugmentSettings):
    """Rotate, slant, scale and shift each image about its centre, with bilinear resampling."""
    batch = tf.shape(images)[0]

    def uniform(low, high):
        return generator.uniform([batch], low, high)

    angle = uniform(-1.0, 1.0) * math.radians(settings.max_rotation_degrees)
    shear = uniform(-settings.max_shear, settings.max_shear)
    scale = uniform(settings.min_scale, settings.max_scale)
    shift_x = uniform(-settings.max_shift_pixels, settings.max_shift_pixels)
    shift_y = uniform(-settings.max_shift_pixels, settings.max_shift_pixels)

    # Forward map A = rotation @ shear @ scale; the resampler needs its inverse, output -> input.
    cos, sin = tf.cos(angle), tf.sin(angle)
    a00, a01 = cos * scale, (cos * shear - sin) * scale
    a10, a11 = sin * scale, (sin * shear + cos) * scale
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


def augment(images: tf.Tensor, generator: tf.random.Generator, settings: AugmentSettings):
    """(B, 28, 28) float32 in [0, 1] -> the same shape, randomly redrawn."""
    amount = generator.uniform([tf.shape(images)[0]], -1.0, 1.0) * settings.max_stroke_change
    images = change_stroke_width(images, amount)
    images = random_affine(images, generator, settings)
    return tf.clip_by_value(images, 0.0, 1.0)
