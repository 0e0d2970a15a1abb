"""Questions a lower area asks and higher areas answer (dependency inversion).

A lower area declares the question (`Question`); each higher area that has an answer registers
it in its `piccolo_app.py`, which Piccolo's registry (`api.piccolo_conf`) imports for every area
in every process before its first query, so every answer is in place whenever one is asked. The
lower area never imports the higher one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

Answer = Callable[[int], Awaitable[bool]]


class Question:
    """A yes/no question about one id (a person, a meeting), e.g. "has something to approve":
    yes when any registered answer says yes."""

    def __init__(self, question: str) -> None:
        self.question = question
        self._answers: list[Answer] = []

    def register(self, answer: Answer) -> Answer:
        if answer not in self._answers:
            self._answers.append(answer)
        return answer

    async def any(self, about: int) -> bool:
        for answer in self._answers:
            if await answer(about):
                return True
        return False
