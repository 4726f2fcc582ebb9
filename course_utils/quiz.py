"""Multiple-choice self-check quizzes for the end of a lesson.

Write the questions, then make the quiz the last line of a cell::

    from course_utils.quiz import Question, show_quiz

    show_quiz([
        Question(
            prompt="What does a pooling layer do?",
            options=["Adds filters", "Shrinks the feature maps", "Normalises the images"],
            answer=1,
            explanation="Pooling keeps the strongest response in each small window.",
        ),
    ])

In Jupyter you get radio buttons and a "Check" button per question. In a
static viewer (GitHub, an HTML export) you see the questions as plain text,
without the answers.
"""

from __future__ import annotations

import html
import string
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

__all__ = ["Question", "Quiz", "show_quiz"]

_LETTERS = string.ascii_lowercase
_STATIC_NOTE = "(Run this notebook in Jupyter to check your answers interactively.)"


def _to_html(text: str) -> str:
    """Escape plain text for HTML and keep its line breaks."""
    return html.escape(text).replace("\n", "<br>")


@dataclass(frozen=True)
class Question:
    """One multiple-choice question with exactly one right option.

    Args:
        prompt: the question, as plain text.
        options: the possible answers (2 to 26 of them), as plain text.
        answer: the position of the right option in ``options``, counting from 0.
        explanation: why that option is right; shown once you pick it.

    Example:
        >>> q = Question(
        ...     prompt="How many numbers describe one pixel of an RGB image?",
        ...     options=["1", "3", "255"],
        ...     answer=1,
        ...     explanation="One number each for red, green and blue.",
        ... )
    """

    prompt: str
    options: Sequence[str]
    answer: int
    explanation: str

    def __post_init__(self) -> None:
        if not isinstance(self.prompt, str) or not self.prompt.strip():
            raise ValueError("A question needs a prompt: a non-empty string.")
        if isinstance(self.options, str):
            raise ValueError(
                "options should be a list of strings, not one string; "
                f'write options=["...", "..."] (got {self.options!r}).'
            )
        options = tuple(self.options)
        if not 2 <= len(options) <= len(_LETTERS):
            raise ValueError(
                f"A question needs between 2 and {len(_LETTERS)} options, "
                f"got {len(options)} for {self.prompt!r}."
            )
        if not all(isinstance(option, str) for option in options):
            raise ValueError(f"Every option should be a string, got {options!r}.")
        if isinstance(self.answer, bool) or not isinstance(self.answer, int):
            raise ValueError(
                f"answer should be the position of the right option (an int), got {self.answer!r}."
            )
        if not 0 <= self.answer < len(options):
            raise ValueError(
                f"answer={self.answer} is out of range: there are {len(options)} options, "
                f"so answer must be 0 to {len(options) - 1} (counting from 0)."
            )
        if not isinstance(self.explanation, str):
            raise ValueError(f"explanation should be a string, got {self.explanation!r}.")
        # Store the options as a tuple so the question cannot change later.
        object.__setattr__(self, "options", options)


class Quiz:
    """A set of multiple-choice questions you can check one at a time.

    In Jupyter each question shows radio buttons and a "Check" button. Pick
    an option and press "Check": you are told whether you are right, and once
    you are, why. A wrong try does not give the answer away, so try again.
    Outside Jupyter the quiz shows as plain text without the answers.

    Args:
        questions: the ``Question`` objects, in order.
        title: the heading above the questions.

    Attributes:
        questions: the questions, as a tuple.
        choices: one ``RadioButtons`` widget per question (value None until you pick).
        buttons: one "Check" ``Button`` per question.
        feedback: one ``HTML`` widget per question, showing the result of a check.
        widget: the ``VBox`` that holds everything.

    Example:
        >>> quiz = Quiz([q1, q2], title="Check yourself: convolutions")
        >>> quiz          # the last line of a cell displays it
    """

    def __init__(self, questions: Sequence[Question], title: str = "Quiz") -> None:
        questions = tuple(questions)
        if not questions:
            raise ValueError("A quiz needs at least one question.")
        for i, question in enumerate(questions, start=1):
            if not isinstance(question, Question):
                raise TypeError(
                    f"Question {i} is a {type(question).__name__}, not a Question; "
                    "build each one with Question(prompt=..., options=..., answer=..., "
                    "explanation=...)."
                )
        self.questions: tuple[Question, ...] = questions
        self.title: str = title
        self.choices: list[widgets.RadioButtons] = []
        self.buttons: list[widgets.Button] = []
        self.feedback: list[widgets.HTML] = []
        self._correct: set[int] = set()

        boxes: list[widgets.Widget] = [widgets.HTML(f"<h3>{_to_html(title)}</h3>")]
        for i, question in enumerate(questions):
            choice = widgets.RadioButtons(
                options=[
                    (f"{_LETTERS[j]}) {option}", j) for j, option in enumerate(question.options)
                ],
                value=None,
                layout=widgets.Layout(width="auto"),
            )
            button = widgets.Button(description="Check", tooltip="Check your answer")
            feedback = widgets.HTML("")
            button.on_click(lambda _button, i=i: self._on_check(i))
            # A new pick makes the old feedback stale: clear it.
            choice.observe(lambda _change, f=feedback: setattr(f, "value", ""), names="index")
            self.choices.append(choice)
            self.buttons.append(button)
            self.feedback.append(feedback)
            boxes.append(
                widgets.VBox(
                    [
                        widgets.HTML(f"<b>{i + 1}. {_to_html(question.prompt)}</b>"),
                        choice,
                        widgets.HBox([button, feedback]),
                    ],
                    layout=widgets.Layout(margin="0 0 1em 0"),
                )
            )
        self.widget: widgets.VBox = widgets.VBox(boxes)

    def _on_check(self, i: int) -> None:
        """Handle a click on question ``i``'s Check button."""
        question = self.questions[i]
        picked = self.choices[i].index
        if picked is None:
            self.feedback[i].value = "<i>Choose an answer first.</i>"
        elif picked == question.answer:
            self._correct.add(i)
            explanation = f" {_to_html(question.explanation)}" if question.explanation else ""
            self.feedback[
                i
            ].value = f'<span style="color: darkgreen"><b>Correct!</b></span>{explanation}'
        else:
            self._correct.discard(i)
            self.feedback[i].value = (
                '<span style="color: #b00020"><b>Not quite.</b></span> '
                "Read the options again and try another one."
            )

    def check(self, i: int, choice_index: int) -> bool:
        """Pick option ``choice_index`` for question ``i`` and press its Check button.

        Both numbers count from 0. Returns True when the option is right. This
        is what clicking does, so it is handy in tests.

        Example:
            >>> quiz.check(0, 2)
            False
        """
        if not 0 <= i < len(self.questions):
            raise IndexError(f"There is no question {i}; this quiz has {len(self.questions)}.")
        n_options = len(self.questions[i].options)
        if not 0 <= choice_index < n_options:
            raise IndexError(
                f"Question {i} has {n_options} options, so choice_index must be "
                f"0 to {n_options - 1}, got {choice_index}."
            )
        self.choices[i].index = choice_index
        self.buttons[i].click()
        return i in self._correct

    @property
    def score(self) -> int:
        """The number of questions whose last check was right."""
        return len(self._correct)

    def to_text(self) -> str:
        """Return the quiz as plain text: title, numbered questions, lettered options.

        The answers and explanations are not included.
        """
        lines = [self.title, "=" * len(self.title), ""]
        for i, question in enumerate(self.questions, start=1):
            prompt = question.prompt.replace("\n", "\n   ")
            lines.append(f"{i}. {prompt}")
            for j, option in enumerate(question.options):
                lines.append(f"  {_LETTERS[j]}) {option}")
            lines.append("")
        lines.append(_STATIC_NOTE)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"Quiz({self.title!r}, {len(self.questions)} questions)"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """Let Jupyter show the widgets, and static viewers the plain text."""
        text = self.to_text()
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if not bundle:
            return {"text/plain": text}
        bundle = dict(bundle)
        bundle["text/plain"] = text
        return bundle


def show_quiz(questions: Sequence[Question], title: str = "Quiz") -> Quiz:
    """Build a quiz from your questions and return it.

    Make the call the last line of a notebook cell and the quiz is displayed.

    Example:
        >>> show_quiz([q1, q2], title="Check yourself")
    """
    return Quiz(questions, title=title)
