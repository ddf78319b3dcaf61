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


def big_room(sevens_settle=(18, 19, 20, 21, 22, 23), others=19, late_four=False) -> list[Drawing]:
    """Enough drawings for the wall to speak: 7s read as meant, settling at the given steps, then
    `others` 1s read as meant from step 10 (and, if asked, a 4 that settled on 9)."""
    room = [drawing(i + 1, 7, answers(1, 7, step)) for i, step in enumerate(sevens_settle)]
    room += [drawing(100 + i, 1, answers(0, 1, 10)) for i in range(others)]
    if late_four:
        room.append(drawing(999, 4, answers(4, 9, 20)))
    return room


def test_a_small_room_gets_no_statement_about_the_whole_room(room):
    """The issue's case: two bad drawings made "half of the room's drawings ... at step 3"."""
    two_bad = [drawing(1, 4, answers(4, 9, 3)), drawing(2, 4, answers(4, 2, 3))]
    sentences = wall.wall_sentences(wall.wall_numbers(two_bad), FAKE_METRICS)
    assert sentences == ["2 drawings so far: the wall compares the whole room with MNIST from 25 drawings on "
                         "(even then, a share of the room is uncertain by about ±10 points)."]
    assert len(wall.wall_sentences(wall.wall_numbers(room), FAKE_METRICS)) == 1  # 4 drawings: still too few


def test_sentences_come_from_enough_drawings_in_whole_steps():
    numbers = wall.wall_numbers(big_room())
    assert numbers.drawings == wall.MIN_ROOM_DRAWINGS
    first, second = wall.wall_sentences(numbers, FAKE_METRICS)
    # 1s are read as meant most often (19 of them) but settle at step 10; they are the digit named.
    assert first == ("Your room's 1s settle at step 10 of 28: from there to the last row, the readout's answer "
                     "stays 1 (the middle of 19 drawings read as 1). MNIST's test 1s: step 9.")
    mnist_half = int(np.argmax(np.asarray(FAKE_METRICS["readout_accuracy_per_step"]) >= 0.5)) + 1
    assert second == (f"The readout first reads half of the room's drawings as meant at step 10 "
                      f"(the MNIST test set: step {mnist_half}).")


def test_an_even_count_gives_between_two_steps_never_a_half_step():
    sevens = [drawing(i + 1, 7, answers(1, 7, step)) for i, step in enumerate((18, 19, 20, 21, 22, 23))]
    (first, _) = wall.wall_sentences(wall.wall_numbers(sevens), FAKE_METRICS)
    assert "Your room's 7s settle between steps 20 and 21 of 28" in first and ".5" not in first
    odd = wall.wall_sentences(wall.wall_numbers(sevens[:5]), FAKE_METRICS)[0]
    assert "Your room's 7s settle at step 20 of 28" in odd and "(the middle of 5 drawings read as 7)" in odd
    half = dict(FAKE_METRICS, decision_step={"median_per_class": [20.5] * 10})
    assert "MNIST's test 7s: between steps 20 and 21." in wall.wall_sentences(wall.wall_numbers(sevens), half)[0]


def test_a_misread_drawing_does_not_count_as_settling_on_its_digit():
    """The issue's case: a 4 that settled on 9 was counted among "your room's 4s"."""
    fours = [drawing(i + 1, 4, answers(1, 4, 12)) for i in range(5)] + [drawing(9, 4, answers(4, 9, 27))]
    first = wall.wall_sentences(wall.wall_numbers(fours), FAKE_METRICS)[0]
    assert first.startswith("Your room's 4s settle at step 12 of 28") and "the middle of 5 drawings read as 4" in first
    too_few = [drawing(i + 1, 4, answers(1, 4, 12)) for i in range(4)] + [drawing(9, 4, answers(4, 9, 27))]
    assert not any("settle" in s for s in wall.wall_sentences(wall.wall_numbers(too_few), FAKE_METRICS))


def test_sentences_without_metrics_and_for_a_room_never_read_right():
    misread = [drawing(i + 1, 4, answers(1, 9, 5)) for i in range(wall.MIN_ROOM_DRAWINGS)]
    (only,) = wall.wall_sentences(wall.wall_numbers(misread), None)
    assert only.startswith("The readout never reads half") and only.endswith("last step.")


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
