"""The page's answer to the question it exists for, in two tabs: "Why logistic regression? Why
the final output?" (parts 1 and 2) and "From the last output to a digit" (part 3), each speaking
about the current drawing. Words come from explain.py, figures from figures_answer.py; this
module only lays them out."""

from collections.abc import Callable
from datetime import date

import streamlit as st

import i18n
from i18n import _
from model import config
from model.readout import take_apart
from model.trace import LstmWeights, Trace, trace
from page import explain, figures_answer, gallery
from page.figures import PLOT
from page.metrics_check import MetricsCheck

# The question, quoted exactly as it was asked (../shared/question/README.md): a quotation, shown in
# its own words in every language, never translated by the page.
QUESTION_TITLE = "Tensorflow MNISTのLSTMの最終層例"
QUESTION = ("私はMNISTデータセットのTensorflow LSTMの例で遊んでいます。 私が理解していないのは、最終層で"
            "ロジスティック回帰が使われている理由です。 LSTMネットワークの最終出力は、以前の「タイムステップ」の"
            "出力を使用するよりも良い見積もりではありませんか? LSTMネットワークの最後の出力を分類に使用するには"
            "どうすればよいですか?")
QUESTION_ASKED = date(2016, 11, 7)
QUESTION_LANGUAGE = "ja"
# The question in the reader's language, shown beside the original; in Japanese, the original itself.
QUESTION_RENDERING = i18n.N_(
    "I am playing with TensorFlow's LSTM example for the MNIST data set. What I do not understand is why "
    "logistic regression is used in the last layer. Isn't the LSTM network's final output a better estimate "
    "than using the outputs of earlier 'timesteps'? How do I use the LSTM network's last output for "
    "classification?")
ModelFile = Callable[[str], tuple[LstmWeights, str]]  # path -> (weights, sha256), the page's loader


def question_ui() -> None:
    """The question this page answers, as a quotation in its original Japanese with where and
    when it was asked; beside it, for readers of other languages, its rendering in theirs."""
    quote = f"> **「{QUESTION_TITLE}」**\n>\n> {QUESTION}"
    asked = _("Asked on {date} on a Japanese Q&A site, about TensorFlow's MNIST RNN example "
              "(`mnist_rnn.py`).").format(date=i18n.long_date(QUESTION_ASKED))
    with st.container(key="question"):
        if i18n.current() == QUESTION_LANGUAGE:
            st.markdown(quote)
            st.caption(asked)
            return
        original, rendering = st.columns(2, gap="medium")
        with original:
            st.markdown(quote)
            st.caption(asked)
        rendering.markdown(_("**In English:**") + "\n\n> *" + _(QUESTION_RENDERING) + "*")


Screen = Callable[[object], object]  # a figure -> the figure as the layout shows it (larger text on a projector)


def _as_is(figure):
    return figure


def why_ui(analysis: Trace | None, check: MetricsCheck, model_file: ModelFile, screen: Screen = _as_is) -> None:
    """Parts 1 and 2: why a logistic regression at all, and why its input is the final output."""
    question_ui()
    metrics = check.metrics
    if metrics is None:
        st.warning(_("{problem} The numbers for this section are measured with "
                     "`python -m model.evaluate`; run it, then reload the page.").format(problem=check.problem))
    logistic_regression_ui(metrics)
    final_output_ui(analysis, metrics, model_file, screen)
    st.caption(_("Part 3, how the last output becomes a digit, has its own tab: "
                 "**From the last output to a digit**."))


def logistic_regression_ui(metrics: dict | None) -> None:
    st.subheader(_("1 · Why a logistic regression at all?"))
    st.markdown(explain.why_logistic_regression_words())
    if metrics is None:
        return
    st.markdown(explain.names_words())
    st.markdown(_("Would something bigger read $h_{{{last}}}$ better? Each row below is a readout refitted on "
                  "the training digits and scored on the test digits, at the last step.").format(
                      last=config.CONFIG.timesteps))
    # A table of text, not a data grid: its notes wrap instead of being cut at the column's edge.
    st.table(explain.alternatives_rows(metrics), hide_index=True)
    st.caption(explain.original_readout_sentence())
    verdict = explain.mlp_head_verdict(metrics)
    if verdict is None:
        st.info(_("The row for a small neural-network head on $h_{{{last}}}$ appears once "
                  "`python -m model.evaluate` has measured it.").format(last=config.CONFIG.timesteps))
    else:
        st.markdown(verdict)


def final_output_ui(analysis: Trace | None, metrics: dict | None, model_file: ModelFile,
                    screen: Screen = _as_is) -> None:
    st.subheader(_("2 · Isn't the final output a better estimate than the earlier ones?"))
    every_step, metrics = every_step_ui(analysis, metrics, model_file)
    if metrics is not None:  # before the chart, whose legend names the probes
        st.markdown(explain.probe_definition(metrics))
    chart_column, text_column = st.columns([3, 2], gap="large")
    chart_column.plotly_chart(screen(figures_answer.why_figure(metrics, analysis, every_step)), key="why_chart",
                              alt=explain.why_alt(metrics, analysis) or None, **PLOT)
    with text_column:
        if analysis is None:
            st.info(_("Draw a digit: its own path to an answer appears here, step by step."))
        else:
            st.markdown(explain.drawing_story(analysis))
            if every_step is not None:
                st.markdown(explain.two_models_story(analysis, every_step))
            st.caption(explain.gallery_pointer(analysis, gallery.LATE_DECIDER_STEP))
    if metrics is not None:
        st.markdown(explain.final_output_words(metrics))
        every_step_words = explain.every_step_words(metrics)
        if every_step_words is not None:
            st.markdown(every_step_words)


def every_step_ui(analysis: Trace | None, metrics: dict | None,
                  model_file: ModelFile) -> tuple[Trace | None, dict | None]:
    """The drawing read by the every-step model, when its file is here, and the metrics to chart:
    without the every-step curve if metrics.json measured another file than the one on disk."""
    path = config.EVERY_STEP_MODEL_PATH
    if not path.exists():
        st.info(_("The every-step model (`model/{file}`) is not in this checkout, so your drawing is "
                  "played through the last-step model only. Train it with "
                  "`python -m model.train --every-step`.").format(file=path.name))
        return None, metrics
    try:
        weights, sha256 = model_file(str(path))
    except Exception as error:  # a truncated or foreign file: say so, and go on without it
        st.info(_("The every-step model `model/{file}` could not be loaded ({error_type}: {error}), so your "
                  "drawing is played through the last-step model only.").format(
                      file=path.name, error_type=type(error).__name__, error=error))
        return None, metrics
    measured = (metrics or {}).get("every_step_model")
    if measured is not None and measured.get("sha256") != sha256:
        st.info(_("`metrics.json` describes another every-step model file than `model/{file}`, so its "
                  "test-set curve is left out; rerun `python -m model.evaluate`.").format(file=path.name))
        metrics = {key: value for key, value in metrics.items() if key != "every_step_model"}
    return (trace(analysis.inputs, weights) if analysis is not None else None), metrics


def readout_ui(analysis: Trace | None, weights: LstmWeights, screen: Screen = _as_is) -> None:
    """Part 3: from the last output to a digit, with the drawing's own numbers, and the code."""
    steps, units, classes = config.CONFIG.timesteps, config.CONFIG.units, config.CONFIG.classes
    st.subheader(_("3 · From the last output to a digit"))
    if analysis is None:
        st.info(_("Draw a digit: this tab takes its last output apart, number by number."))
    else:
        readout = take_apart(analysis.hidden_states[-1], weights.readout_weights, weights.readout_bias)
        st.markdown(explain.readout_shapes(analysis, readout))
        digit = st.segmented_control(_("Take apart the logit of digit"), range(classes),
                                     default=readout.prediction, required=True,
                                     key=f"readout_digit_{readout.prediction}")
        st.plotly_chart(screen(figures_answer.readout_figure(analysis, readout, digit)), key="readout_chart",
                        alt=explain.readout_alt(readout, digit), **PLOT)
        st.markdown(explain.logit_sentence(readout, digit))
        st.caption(_("Colours: :red[red] positive, :blue[blue] negative. Hover a logit bar to see which of "
                     "the {units} units push that digit up or down; pick a digit above to see all {units} "
                     "shares.").format(units=units))
    code_ui(steps)


def code_ui(steps: int) -> None:
    """The same computation in code: this project's Keras model, and the TensorFlow 0.x/1 forms."""
    st.markdown(_("**In code.** This project's model, read from `model/network.py` as the page runs:"))
    st.code(explain.model_definition_source(config.MODEL_DIR / "network.py"), language="python")
    st.markdown(_("To keep every step's output instead, ask the LSTM for the whole sequence and take the "
                  "last one; it is the same $h_{{{last}}}$:").format(last=steps))
    st.code(explain.keras_all_outputs_code(), language="python")
    st.markdown(_("**TensorFlow 1, the last output**: `outputs[-1]` is $h_{{{last}}}$.").format(last=steps))
    st.code(explain.AYMERICDAMIEN_EXAMPLE, language="python", wrap_lines=True)
    st.markdown(_("**TensorFlow 1, the final state** $[c_{{{last}}}; h_{{{last}}}]$, as the skflow example "
                  "in the question did, and why it is both states:").format(last=steps))
    st.code(explain.SKFLOW_EXAMPLE, language="python", wrap_lines=True)
    st.code(explain.BASIC_LSTM_CELL, language="python", wrap_lines=True)
    st.markdown(explain.original_code_words())
