"""course_utils.quiz: the widget callbacks, driven headlessly, and the plain-text fallback."""

from __future__ import annotations

import pytest

from course_utils.quiz import Question, Quiz, show_quiz

QUESTIONS = [
    Question("What is ReLU(-3)?", ["-3", "0", "3"], answer=1,
             explanation="ReLU turns negative inputs into 0."),
    Question("Which set do you tune on?", ["test", "validation"], answer=1,
             explanation="Tune on validation; test once."),
]


def test_right_answer_gives_correct_and_the_explanation() -> None:
    quiz = show_quiz(QUESTIONS, title="Q")
    quiz.choices[0].index = 1
    quiz.buttons[0].click()
    assert "Correct!" in quiz.feedback[0].value
    assert "ReLU turns negative inputs into 0." in quiz.feedback[0].value
    assert quiz.score == 1


def test_wrong_answer_does_not_reveal_the_answer() -> None:
    quiz = Quiz(QUESTIONS)
    assert quiz.check(0, 2) is False
    assert "Not quite." in quiz.feedback[0].value
    assert "ReLU turns negative" not in quiz.feedback[0].value
    assert quiz.score == 0


def test_check_without_a_choice_asks_for_one() -> None:
    quiz = Quiz(QUESTIONS)
    quiz.buttons[1].click()
    assert "Choose an answer first." in quiz.feedback[1].value


def test_changing_the_choice_clears_old_feedback_and_score_follows_last_check() -> None:
    quiz = Quiz(QUESTIONS)
    assert quiz.check(1, 1) is True and quiz.score == 1
    quiz.choices[1].index = 0
    assert quiz.feedback[1].value == ""
    assert quiz.check(1, 0) is False and quiz.score == 0


def test_text_fallback_lists_questions_without_answers() -> None:
    text = str(Quiz(QUESTIONS, title="Lesson quiz"))
    assert text.startswith("Lesson quiz")
    assert "1. What is ReLU(-3)?" in text and "  b) 0" in text and "  b) validation" in text
    assert "Correct" not in text and "turns negative" not in text


def test_mimebundle_has_widget_view_and_text() -> None:
    bundle = Quiz(QUESTIONS)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("Quiz")


def test_html_in_questions_is_escaped() -> None:
    quiz = Quiz([Question("Is <b>x</b> & y > 0?", ["yes", "no"], answer=0, explanation="<i>")])
    quiz.check(0, 0)
    assert "&lt;i&gt;" in quiz.feedback[0].value


@pytest.mark.parametrize("kwargs, message", [
    ({"options": ["only one"], "answer": 0}, "2"),
    ({"options": ["a", "b"], "answer": 2}, "answer"),
])
def test_bad_questions_are_clear_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Question("?", explanation="", **kwargs)


def test_show_quiz_returns_a_quiz_with_unanswered_widgets() -> None:
    quiz = show_quiz(QUESTIONS, title="T")
    assert isinstance(quiz, Quiz) and quiz.questions == tuple(QUESTIONS)
    assert [c.value for c in quiz.choices] == [None, None]
    assert [b.description for b in quiz.buttons] == ["Check", "Check"]
    assert "Run this notebook in Jupyter" in str(quiz).splitlines()[-1]


def test_mimebundle_falls_back_to_text_without_a_widget_view(monkeypatch) -> None:
    quiz = Quiz(QUESTIONS)
    monkeypatch.setattr(quiz.widget, "_repr_mimebundle_", lambda **kwargs: None)
    assert quiz._repr_mimebundle_() == {"text/plain": str(quiz)}
