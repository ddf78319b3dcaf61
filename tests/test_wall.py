"""The wall's numbers, sentences, order and chart, from hand-made drawings and fake metrics."""

import numpy as np
import pytest

from room import wall
from room.records import Drawing

STEPS = 28


def drawing(drawing_id: int, meant: int, steps: list[int]) -> Drawing:
    """A drawing whose readout answered steps[t - 1] at step t (its final answer is steps[-1])."""
    assert len(steps) == STEPS
    return Drawing(drawing_id, 0.0, np.full((28, 28), drawing_id, np.uint8), 1, meant, steps[-1],
                   np.array(steps, np.uint8))


def answers(before: int, after: int, from_step: int) -> list[int]:
    """`before` up to step from_step - 1, then `after` to the end."""
    return [before] * (from_step - 1) + [after] * (STEPS - from_step + 1)


FAKE_METRICS = {"readout_accuracy_per_step": list(np.linspace(0.1, 0.99, STEPS)),
                "decision_step": {"median_per_class": [22.0, 9.0, 21.0, 21.0, 20.0, 16.0, 18.0, 17.0, 20.0, 20.0]},
                "data": {"test_images": 10_000}}


@pytest.fixture
def room():
    return [drawing(1, 7, answers(1, 7, 20)),   # a 7, settled at step 20
            drawing(2, 7, answers(1, 7, 24)),   # a 7, settled at step 24
            drawing(3, 3, answers(1, 5, 10)),   # a 3 misread as 5
            drawing(4, 1, answers(0, 1, 2))]    # a 1, settled at step 2


def test_numbers_count_accuracy_per_step_and_settle_steps(room):
    numbers = wall.wall_numbers(room)
    assert (numbers.drawings, numbers.correct, numbers.accuracy) == (4, 3, 0.75)
    np.testing.assert_array_equal(numbers.settle_steps, [20, 24, 10, 2])
    assert numbers.step_accuracy[0] == 0.0  # step 1: the 7s and the 3 read as 1, the 1 as 0
    assert numbers.step_accuracy[1] == 0.25  # step 2: only the 1
    assert numbers.step_accuracy[19] == 0.5  # step 20: the 1 and the first 7
    assert numbers.step_accuracy[-1] == 0.75


def test_no_drawings_no_numbers_and_no_sentences():
    numbers = wall.wall_numbers([])
    assert (numbers.drawings, numbers.accuracy, numbers.step_accuracy) == (0, None, None)
    assert wall.wall_sentences(numbers, FAKE_METRICS) == []
    assert len(wall.room_accuracy_figure(numbers, FAKE_METRICS).data) == 1  # MNIST's curve alone


def test_sentences_come_from_the_numbers(room):
    first, second = wall.wall_sentences(wall.wall_numbers(room), FAKE_METRICS)
    assert first == "Your room's 7s settle at step 22 of 28 (median of 2 drawings); MNIST's test 7s at step 17."
    mnist_half = int(np.argmax(np.asarray(FAKE_METRICS["readout_accuracy_per_step"]) >= 0.5)) + 1
    assert second == (f"The readout first reads half of the room's drawings as meant at step 20 "
                      f"(the MNIST test set: step {mnist_half}).")


def test_sentences_without_metrics_and_for_a_room_never_read_right():
    misread = [drawing(1, 4, answers(1, 9, 5))]
    first, second = wall.wall_sentences(wall.wall_numbers(misread), None)
    assert first == "Your room's 4s settle at step 5 of 28 (one drawing)."
    assert second.startswith("The readout never reads half") and second.endswith("last step.")


def test_order_newest_first_and_misreads_first_on_demand(room):
    assert [d.id for d in wall.wall_order(room)] == [4, 3, 2, 1]
    assert [d.id for d in wall.wall_order(room, misreads_first=True)] == [3, 4, 2, 1]


def test_tiles_are_sharp_enlargements():
    pixels = np.arange(28 * 28, dtype=np.uint16).reshape(28, 28).astype(np.uint8)
    enlarged = wall.tile(pixels, 4)
    assert enlarged.shape == (112, 112) and enlarged.dtype == np.uint8
    np.testing.assert_array_equal(enlarged[::4, ::4], pixels)


def test_figure_sets_the_room_against_mnist(room):
    fig = wall.room_accuracy_figure(wall.wall_numbers(room), FAKE_METRICS)
    mnist, room_curve = fig.data
    assert mnist.name == "MNIST test set (10,000 digits)" and room_curve.name == "this room (4 drawings)"
    np.testing.assert_allclose(mnist.y, FAKE_METRICS["readout_accuracy_per_step"])
    assert list(room_curve.x) == list(range(1, 29)) and room_curve.y[-1] == 0.75
    assert len(wall.room_accuracy_figure(wall.wall_numbers(room), None).data) == 1  # without metrics.json
