"""The words and equations beside the charts quote the trace, the weights and the metrics: the
tests vary those and check that the words follow. Fake traces spell out a path to an answer."""

import inspect
import re
from dataclasses import replace

import numpy as np
import pytest

from model.config import CONFIG, RowLstmConfig
from model.drawn_digits import random_drawing, render
from model.network import build_model
from model.preprocess import INK_THRESHOLD, to_model_input
from model.readout import take_apart
from model.trace import Trace, empty_rows, first_inked_step, trace
from page import explain, gallery

STEPS, UNITS, CLASSES = CONFIG.timesteps, CONFIG.units, CONFIG.classes


def test_step_numbers_quote_the_trace(weights):
    image = np.zeros((CONFIG.image_size, CONFIG.image_size), np.float32)
    image[6:22, 13:15] = 1.0
    steps = trace(image, weights)
    numbers = explain.step_numbers(steps, 10)
    assert numbers["units"] == CONFIG.units and numbers["ink"] == pytest.approx(2.0)
    assert numbers["forgetting"] == int((steps.forget_gates[9] < 0.5).sum())
    assert numbers["mean_i"] == pytest.approx(float(steps.input_gates[9].mean()))
    assert numbers["leader"] == int(steps.step_probabilities[9].argmax())
    assert explain.step_numbers(steps, 1)["c_change"] == pytest.approx(
        float(np.abs(steps.cell_states[0]).mean()))  # c_0 = 0


@pytest.mark.parametrize("probability, words", [
    (0.12345, "12.3%"), (0.999, "99.9%"), (0.9991, "over 99.9%"), (0.99995, "over 99.9%"), (1.0, "over 99.9%"),
    (0.001, "0.1%"), (0.0004, "under 0.1%"), (0.0, "0.0%"),
])
def test_percent_is_one_rule_that_never_rounds_to_certainty(probability, words):
    assert explain.percent(probability) == words


def test_card_caption_and_bars_round_a_near_certainty_the_same_way():
    """The issue's case: the caption said "7, 100%" while the card said "over 99.9%"."""
    sure = fake_trace(5, {1: (1, 0.3), 9: (7, 0.99996)})
    card = explain.verdict(sure.probabilities, int(sure.decision_step), STEPS)
    caption = explain.step_caption(sure, STEPS)
    assert card.words == "over 99.9% probability" and caption.endswith("the readout says 7, over 99.9%")
    assert "100%" not in caption and "100.0%" not in caption


def test_equations_quote_their_numbers(weights):
    steps = trace(np.eye(CONFIG.image_size, dtype=np.float32), weights)
    numbers = explain.step_numbers(steps, 7)
    equations = explain.step_equations(numbers)
    assert equations.startswith(r"\begin{aligned}") and equations.endswith(r"\end{aligned}")
    assert f"{numbers['mean_i']:.2f}" in equations and f"{numbers['forgetting']} " in equations
    stacked = explain.step_equations(numbers, stacked=True)  # a narrow column: each number under its equation
    assert "&&" not in stacked and stacked.count(r"\\") == 2 * equations.count(r"\\") + 1
    assert stacked.replace(r" \\ &\quad ", " && ") == equations


@pytest.mark.parametrize("top, settle, sure, words", [
    (0.981, 12, True, "98.1% probability"),
    (0.55, 12, False, "maybe 7 (55.0%) or 2 (40.0%)"),
    (0.79, 3, False, "maybe 7 (79.0%)"),
    (0.95, 26, False, "7 (95.0%), but only since row 26 of 28"),
    (0.95, 24, True, "95.0% probability"),
])
def test_verdict_is_unsure_for_low_or_late_answers(top, settle, sure, words):
    probabilities = np.full(10, (1 - top - 0.4) / 8 if top < 0.6 else (1 - top) / 9)
    probabilities[7] = top
    if top < 0.6:
        probabilities[2] = 0.4
    verdict = explain.verdict(probabilities, settle, 28)
    assert verdict.sure is sure
    assert verdict.headline == ("Prediction" if sure else "Not sure")
    assert words in verdict.words


def test_verdict_is_unsure_for_an_answer_unlike_the_training_digits():
    probabilities = np.full(10, 0.05 / 9)
    probabilities[2] = 0.95
    familiar = explain.verdict(probabilities, 12, 28, energy=7.0, energy_floor=6.0)
    unfamiliar = explain.verdict(probabilities, 12, 28, energy=5.0, energy_floor=6.0)
    assert familiar.sure and not unfamiliar.sure
    assert unfamiliar.headline == "Not sure" and unfamiliar.words == "2 (95.0%), but this looks unlike the digits it learned from"
    assert explain.verdict(probabilities, 12, 28, energy=5.0).sure  # no floor measured: no energy test


def test_runner_up_words():
    probabilities = np.zeros(10)
    probabilities[[4, 7]] = [0.123, 0.877]
    assert explain.runner_up_words(probabilities) == "Runner-up: 4 at 12.3%."
    probabilities[[4, 7]] = [0.00001, 0.99999]
    assert explain.runner_up_words(probabilities).startswith("No runner-up")


def test_step_caption_names_the_row_and_the_leader(weights):
    steps = trace(np.eye(CONFIG.image_size, dtype=np.float32), weights)
    leader = int(steps.step_probabilities[15].argmax())
    assert explain.step_caption(steps, 16) == (
        f"Step 16: reading row 16 - the readout says {leader}, {explain.percent(steps.step_probabilities[15, leader])}")


def fake_trace(first_ink: int, answers: dict[int, tuple[int, float]], steps: int = STEPS,
               units: int = 4, faint_from: int | None = None) -> Trace:
    """A trace whose rows are empty above `first_ink` (or, from row `faint_from` on, hold faint ink
    under the page's threshold) and whose readout says, from each step in `answers` (1-based) on,
    the digit given with the probability given (the rest shared out)."""
    inputs = np.zeros((steps, CONFIG.features), dtype=np.float32)
    inputs[first_ink - 1:, 10:18] = 1.0
    if faint_from is not None:
        inputs[faint_from - 1:first_ink - 1, 12:16] = INK_THRESHOLD / 2
    probabilities = np.empty((steps, CLASSES), dtype=np.float32)
    current = None
    for t in range(1, steps + 1):
        current = answers.get(t, current)
        digit, p = current
        probabilities[t - 1] = (1.0 - p) / (CLASSES - 1)
        probabilities[t - 1, digit] = p
    states = np.zeros((steps, units), dtype=np.float32)
    return Trace(inputs, states, states, states, states, states, states, probabilities)


def metrics(readout_last=0.9937, every_last=0.9900, mlp=0.9941, logistic=0.9939, images=10_000,
            shift=0.0) -> dict:
    """Metrics in the shape model/evaluate.py writes, with curves that `shift` moves."""
    steps = np.arange(1, STEPS + 1) / STEPS
    probe = np.clip(steps ** 0.5 + shift, 0, 1)
    readout = np.clip(steps ** 4 + shift, 0, 1)
    readout[-1] = readout_last
    every = np.clip(probe - 0.02, 0, 1)
    every[-1] = every_last
    return {
        "data": {"test_images": images, "probe_training_images": 55_000},
        "chance_accuracy": 0.1135 + shift,
        "decision_step": {"median": 19.0 + 10 * shift},
        "readout_accuracy_per_step": list(readout),
        "probe_accuracy_per_step": {"h": list(probe), "c": list(np.clip(probe - 0.004, 0, 1))},
        "readout_alternatives": [
            {"key": "h_last_readout", "name": "h_28, trained readout", "accuracy": readout_last, "note": "a"},
            {"key": "h_last_probe", "name": "h_28, logistic regression", "accuracy": logistic, "note": "b"},
            {"key": "h_last_mlp", "name": "MLP 128 -> 64 -> 10 on h_28", "accuracy": mlp, "note": "c"},
        ],
        "every_step_model": {"readout_accuracy_per_step": list(every), "test_accuracy": every_last},
    }




@pytest.mark.parametrize("first_ink, wrong_step, wrong_digit, wrong_p, settle, final", [
    (6, 9, 3, 0.63, 17, 7),
    (4, 12, 5, 0.41, 20, 2),
])
def test_drawing_story_tells_the_trace(first_ink, wrong_step, wrong_digit, wrong_p, settle, final):
    story = explain.drawing_story(fake_trace(first_ink, {
        1: (1, 0.4), first_ink: (final, 0.3), wrong_step: (wrong_digit, wrong_p), settle: (final, 0.97)}))
    assert story.startswith(f"**Your {final}** (97.0% at step {STEPS}).")
    assert (f"Rows 1 to {first_ink - 1} are empty, so up to step {first_ink - 1} the readout says what it says "
            f"for every image: 1.") in story
    assert f"answer went {final} → {wrong_digit} → {final}" in story
    assert f"At step {wrong_step} the readout said {wrong_digit} ({wrong_p:.1%})" in story
    assert (f"settled on **{final}** at step {settle} (from that step to the last row, its answer stays the "
            f"same), {settle - first_ink} rows after the ink starts (row {first_ink}), with {STEPS - settle} "
            f"rows still to read") in story


def test_faint_ink_above_the_threshold_is_not_called_blank():
    """The issue's case: rows of faint ink read as 5 were called blank, "what it says for every image"."""
    faint = fake_trace(8, {1: (1, 0.3), 3: (0, 0.4), 6: (5, 0.5), 8: (7, 0.6), 15: (7, 0.99)}, faint_from=6)
    assert (empty_rows(faint.inputs), first_inked_step(faint.inputs)) == (5, 8)
    story = explain.drawing_story(faint)
    assert "Rows 1 to 5 are empty, so up to step 5 the readout says what it says for every image: 1 → 0." in story
    assert ("Rows 6 to 7 hold only faint ink, under 10% of the brightest pixel (the edge of the scaled "
            "drawing); there the readout says 5.") in story
    assert "every image: 1 → 0 → 5" not in story


def test_the_empty_rows_answers_are_those_of_a_blank_canvas(weights):
    """A digit: over its empty rows, the readout says what it says for a blank canvas, step by step."""
    blank = trace(np.zeros((STEPS, CONFIG.features), np.float32), weights)
    assert first_inked_step(blank.inputs) is None and empty_rows(blank.inputs) == STEPS
    assert explain.settle_sentence(blank) == "There is no ink in this image (no pixel reaches 10% of full ink)."
    drawn = trace(to_model_input(render(random_drawing(7, np.random.default_rng(3)))), weights)
    empty = empty_rows(drawn.inputs)
    assert empty >= 1
    blank_answers = " → ".join(str(int(d)) for i, d in enumerate(blank.step_predictions[:empty])
                               if i == 0 or d != blank.step_predictions[i - 1])
    np.testing.assert_allclose(drawn.step_probabilities[:empty], blank.step_probabilities[:empty], atol=1e-6)
    story = explain.drawing_story(drawn)
    rows = "Row 1 is" if empty == 1 else f"Rows 1 to {empty} are"
    assert f"{rows} empty, so up to step {empty} the readout says what it says for every image: {blank_answers}." \
        in story


def test_an_answer_held_from_before_the_ink_is_said_so_with_settle_defined():
    one = fake_trace(5, {1: (1, 0.3), 9: (1, 0.99)})
    assert one.decision_step == 1
    sentence = explain.settle_sentence(one)
    assert sentence.startswith("The readout **settles** on an answer at the step from which its answer stays "
                               "the same to the last row.")
    assert "Yours says **1** from step 1, before the ink starts (row 5), and the ink never changed it." in sentence
    assert "nothing to settle" not in sentence and "blank" not in sentence
    at_the_ink = explain.settle_sentence(fake_trace(5, {1: (1, 0.3), 5: (4, 0.9)}))
    assert "settled on **4** at step 5 (from that step to the last row, its answer stays the same), at the " \
        "first inked row itself" in at_the_ink


def test_a_late_decider_settles_late_and_is_unsure():
    late = fake_trace(5, {1: (1, 0.3), 5: (4, 0.7), 26: (9, 0.9)})
    assert late.decision_step == 26
    assert "settled on **9** at step 26" in explain.settle_sentence(late)
    assert "21 rows after the ink starts (row 5), with 2 rows still to read" in explain.settle_sentence(late)
    card = explain.verdict(late.probabilities, 26, STEPS)
    assert not card.sure and card.words == "9 (90.0%), but only since row 26 of 28"


def test_gallery_pointer_names_real_gallery_kinds_and_the_threshold():
    assert {explain.LATE_DECIDERS, explain.MISREAD} <= set(gallery.GALLERY_KINDS)
    early = explain.gallery_pointer(fake_trace(5, {1: (1, 0.3), 12: (7, 0.9)}), late_step=25)
    assert "settle only at step 25 or later" in early and "Misread" in early
    late = explain.gallery_pointer(fake_trace(5, {1: (1, 0.3), 26: (7, 0.9)}), late_step=24)
    assert "Yours settled late (step 26)" in late and "step 24 or later" in late


def test_two_models_story_compares_them():
    last_step = fake_trace(5, {1: (1, 0.3), 14: (7, 0.6), 20: (7, 0.99)})
    every_step = fake_trace(5, {1: (1, 0.3), 9: (7, 0.8)})
    story = explain.two_models_story(last_step, every_step)
    assert (f"Halfway (step {STEPS // 2}), the last-step model gives your 7 60.0%, the every-step model "
            "80.0%") in story
    assert "the last-step model settles at step 14, the every-step model settles at step 9" in story
    held = explain.two_models_story(last_step, fake_trace(5, {1: (7, 0.11), 3: (7, 0.45), 9: (7, 0.8)}))
    assert ("the every-step model says 7 from step 1, as it does for every image over the empty rows (at 11.0% "
            "to 45.0%), and the ink never changed it") in held
    assert "nothing to settle" not in held
    faint = fake_trace(8, {1: (1, 0.3), 6: (7, 0.4)}, faint_from=5)
    assert "says 7 from step 6, in the faint rows above the ink (row 8)" in \
        explain.two_models_story(last_step, faint)
    disagree = explain.two_models_story(last_step, fake_trace(5, {1: (1, 0.3), 9: (2, 0.7)}))
    assert "They disagree at the end: the last-step model says 7 (99.0%), the every-step model 2 (70.0%)" \
        in disagree


@pytest.mark.parametrize("mlp, logistic, words", [
    (0.9941, 0.9939, "does not measurably help"),
    (0.9960, 0.9900, "The bigger head helps: +0.60 points (60 digits)"),
    (0.9850, 0.9939, "The bigger head does worse: -0.89 points (89 digits)"),
])
def test_mlp_head_verdict_is_computed(mlp, logistic, words):
    verdict = explain.mlp_head_verdict(metrics(mlp=mlp, logistic=logistic))
    assert words in verdict
    assert f"reads {mlp:.2%}" in verdict and f"{logistic:.2%}." in verdict
    noise = 2 * np.sqrt(logistic * (1 - logistic) / 10_000)
    assert f"±{100 * noise:.2f} points" in verdict


def test_mlp_head_verdict_waits_for_its_row():
    incomplete = metrics()
    incomplete["readout_alternatives"] = incomplete["readout_alternatives"][:2]
    assert explain.mlp_head_verdict(incomplete) is None
    assert explain.mlp_head_verdict({}) is None


@pytest.mark.parametrize("shift", [0.0, -0.05])
def test_final_output_words_quote_the_curves(shift):
    m = metrics(shift=shift)
    words = explain.final_output_words(m)
    half = STEPS // 2
    for number in (m["probe_accuracy_per_step"]["h"][half - 1], m["readout_accuracy_per_step"][half - 1],
                   m["chance_accuracy"]):
        assert f"{number:.1%}" in words
    assert (f"settles (stays the same from then to the last row) only at step "
            f"{m['decision_step']['median']:.0f}") in words
    assert "within 0.4 points of $h_t$ at every step" in words


@pytest.mark.parametrize("every_last, effect", [
    (0.9900, "training only the last step gains 0.37 points there (37 of 10,000 test digits)"),
    (0.9970, "training only the last step costs 0.33 points there (33 of 10,000 test digits)"),
    (0.9935, "training only the last step makes no measurable difference there"),
])
def test_every_step_words_say_what_training_the_last_step_costs(every_last, effect):
    m = metrics(every_last=every_last)
    words = explain.every_step_words(m)
    assert effect in words
    half = STEPS // 2
    curve = m["every_step_model"]["readout_accuracy_per_step"]
    assert f"At step {half} it reads {curve[half - 1]:.1%}" in words
    assert f"At step {STEPS}: {every_last:.2%} against {0.9937:.2%}" in words
    assert f"passes 90% at step {explain.first_step_reaching(curve, 0.9)}" in words


def test_every_step_words_wait_for_the_model():
    m = metrics()
    del m["every_step_model"]
    assert explain.every_step_words(m) is None


def test_probe_definition_counts_from_metrics():
    assert "the 55,000 training digits" in explain.probe_definition(metrics())
    m = metrics()
    m["data"]["probe_training_images"] = 1_234
    assert "the 1,234 training digits" in explain.probe_definition(m)
    assert "fresh logistic regression" in explain.probe_definition({})
    m["probe_accuracy_per_step"]["method"] = "L-BFGS to convergence"
    assert explain.probe_definition(m).endswith("(Fitted as: L-BFGS to convergence.) In plain words: *L-BFGS* "
                                                "is a standard method that adjusts the weights step by step "
                                                "until the fit stops improving.")
    assert "In plain words" not in explain.probe_definition(metrics())


def test_names_get_a_plain_gloss():
    for words in (explain.names_words(), explain.original_code_words()):
        assert "skflow" in words and "Scikit Flow" in words
        assert "aymericdamien" in words and "Aymeric Damien" in words


def test_original_code_words_follow_the_config():
    words = explain.original_code_words(RowLstmConfig(units=64))
    assert "128 numbers" in words and "64 numbers" in words and "state_is_tuple=False" in words
    assert "`outputs[-1]`" in words and "fit_transform(X_test)" in words
    assert f"{2 * UNITS} numbers" in explain.original_code_words()








def test_shapes_and_logit_sentence_use_the_drawing(weights):
    drawn = trace(to_model_input(render(random_drawing(4, np.random.default_rng(2)))), weights)
    readout = take_apart(drawn.hidden_states[-1], weights.readout_weights, weights.readout_bias)
    table = explain.readout_shapes(drawn, readout)
    assert f"`(batch, {STEPS}, {CONFIG.features})`" in table and f"`(batch, {UNITS})`" in table
    assert "`outputs[:, -1, :]`" in table and f"**{readout.prediction}**" in table
    runner_up = int(np.argsort(readout.probabilities)[-2])
    largest = readout.logits[readout.prediction]
    assert f"largest {readout.prediction}: {largest:.2f}; next {runner_up}: " in table
    assert f"{runner_up}: {explain.percent(readout.probabilities[runner_up])}" in table
    assert f"{drawn.hidden_states[-1][0]:.2f}" in table
    digit = (readout.prediction + 1) % CLASSES
    sentence = explain.logit_sentence(readout, digit)
    bias = float(weights.readout_bias[digit])
    assert f"Digit {digit}: its logit {readout.logits[digit]:.2f} is the bias {bias:+.2f}" in sentence
    (first_up,) = re.findall(r"Pushing it up most: unit (\d+)", sentence)
    assert int(first_up) == int(np.argmax(readout.contributions[digit])) + 1


def test_model_definition_is_read_from_the_file():
    from model import network

    assert explain.model_definition_source(network.__file__) == inspect.getsource(build_model).rstrip()
    with pytest.raises(ValueError, match="no function 'nowhere'"):
        explain.model_definition_source(network.__file__, "nowhere")


def test_keras_code_for_all_outputs_reads_the_same_last_output(keras_model):
    import keras

    namespace = {"keras": keras}
    exec(explain.keras_all_outputs_code(), namespace)
    every_output = keras.Model(namespace["rows"], namespace["probabilities"])
    for layer in ("lstm", "readout"):
        every_output.get_layer(layer).set_weights(keras_model.get_layer(layer).get_weights())
    images = np.random.default_rng(0).uniform(size=(3, STEPS, CONFIG.features)).astype(np.float32)
    np.testing.assert_allclose(every_output(images), keras_model(images), atol=1e-6)


def test_original_readout_sentence_follows_the_config():
    assert "256 numbers" in explain.original_readout_sentence()
    assert "$[c_{20}; h_{20}]$, 64 numbers" in explain.original_readout_sentence(RowLstmConfig(image_size=20,
                                                                                                units=32))


# --- Every step in words (issue 28): what a screen reader hears must be what the trace holds ---

def described(trace_: Trace, t: int) -> dict:
    """The numbers a step's description quotes, read back out of its words."""
    words = explain.step_description(trace_, t)
    found = re.match(r"Step (\d+) of (\d+): row (\d+) (.*?)\. The readout says (\d) at (?:over )?([\d.]+)%, "
                     r"(settled|not settled yet)", words)
    assert found, words
    step, steps, row, row_words, digit, percent_, settled = found.groups()
    return dict(words=words, step=int(step), steps=int(steps), row=int(row), row_words=row_words, digit=int(digit),
                percent=float(percent_), settled=settled == "settled")


def check_against_trace(trace_: Trace) -> None:
    """Every step's description and table row against the trace they were made from."""
    settle = int(trace_.decision_step)
    table = explain.step_table(trace_)
    assert len(table) == len(explain.step_descriptions(trace_)) == STEPS
    for t in range(1, STEPS + 1):
        said, probabilities, row = described(trace_, t), trace_.step_probabilities[t - 1], trace_.inputs[t - 1]
        leader = int(probabilities.argmax())
        assert (said["step"], said["steps"], said["row"]) == (t, STEPS, t)
        assert said["digit"] == leader and said["percent"] == pytest.approx(100 * probabilities[leader], abs=0.051)
        assert said["settled"] == (t >= settle)
        if (row >= INK_THRESHOLD).any():
            columns = np.flatnonzero(row >= INK_THRESHOLD) + 1
            assert f"{row.sum():.1f} pixels' worth of ink in columns {columns[0]} to {columns[-1]}" in said["row_words"]
        elif f"{row.sum():.1f}" != "0.0":
            assert said["row_words"] == f"holds only faint ink, {row.sum():.1f} pixels' worth", t
        else:
            assert said["row_words"] == "is blank", t
        if t > 1:
            before = int(trace_.step_probabilities[t - 2].argmax())
            changed = f"the answer changed from {before} to {leader}" in said["words"]
            assert changed == (before != leader), said["words"]
        top = np.argsort(probabilities)[::-1][:3]
        assert table[t - 1]["step"] == t and table[t - 1]["row ink (pixels' worth)"] == f"{row.sum():.1f}"
        assert [int(part.split(":")[0]) for part in table[t - 1]["top 3 probabilities"].split(", ")] == list(top)
        assert table[t - 1]["settled"] == ("yes" if t >= settle else "not yet")


def test_step_descriptions_of_a_drawn_digit_match_its_trace(weights):
    drawn = trace(to_model_input(render(random_drawing(7, np.random.default_rng(0)))), weights)
    check_against_trace(drawn)
    assert "settled" in explain.step_description(drawn, STEPS) and int(drawn.prediction) == 7
    assert explain.step_description(drawn, STEPS).startswith(f"Step {STEPS} of {STEPS}")


def test_step_descriptions_of_a_blank_canvas_say_every_row_is_blank(weights):
    blank = trace(np.zeros((CONFIG.image_size, CONFIG.image_size), np.float32), weights)
    check_against_trace(blank)
    assert all("is blank" in words for words in explain.step_descriptions(blank))
    assert explain.input_alt(blank.inputs) == "The 28 × 28 input the LSTM reads is blank."


def test_a_late_decider_is_not_settled_until_its_decision_step():
    late = fake_trace(first_ink=6, answers={1: (1, 0.3), 10: (4, 0.6), 26: (9, 0.7), 27: (9, 0.8)})
    assert int(late.decision_step) == 26
    check_against_trace(late)
    assert "not settled yet" in explain.step_description(late, 25)
    assert "the answer changed from 4 to 9" in explain.step_description(late, 26)
    assert ", settled: " in explain.step_description(late, 26)
    assert "still 9, up from 70.0%" in explain.step_description(late, 27)
    assert "still 9, unchanged from 80.0%" in explain.step_description(late, 28)
    assert "is blank" in explain.step_description(late, 5)
    assert "in columns 11 to 18, mostly in the middle" in explain.step_description(late, 6)
    faint = late.inputs.copy()
    faint[2, 3:6] = INK_THRESHOLD / 2
    assert f"row 3 holds only faint ink, {faint[2].sum():.1f} pixels' worth" in \
        explain.step_description(replace(late, inputs=faint), 3)
    assert explain.step_description(late, 1).endswith("This is the first row read.")
    assert "the answer settles at step 26" in explain.playback_alt(late)
    with pytest.raises(ValueError):
        explain.step_description(late, STEPS + 1)


def test_the_side_a_row_s_ink_lies_on_follows_the_ink():
    for columns, where in ((slice(0, 6), "on the left"), (slice(11, 17), "in the middle"), (slice(22, 28), "on the right")):
        image = np.zeros((STEPS, CONFIG.features), np.float32)
        image[3, columns] = 1.0
        words = explain.step_description(replace(fake_trace(1, {1: (3, 0.5)}), inputs=image), 4)
        assert f"row 4 holds 6.0 pixels' worth of ink in columns {columns.start + 1} to {columns.stop}, " \
               f"mostly {where}" in words
