"""Questions a lower area asks and higher areas answer (dependency inversion).

A lower area declares the question (`UserCheck`); each higher area that has an answer registers
it in its `piccolo_app.py`, which Piccolo's registry (`api.piccolo_conf`) imports for every area
in every process before its first query, so every answer is in place whenever one is asked. The
lower area never imports the higher one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

UserPredicate = Callable[[int], Awaitable[bool]]


class UserCheck:
    """'Is any registered answer yes for this user?', e.g. "has something to approve"."""

    def __init__(self, question: str) -> None:
        self.question = question
        self._answers: list[UserPredicate] = []

    def register(self, answer: UserPredicate) -> UserPredicate:
        if answer not in self._answers:
            self._answers.append(answer)
        return answer

    async def any(self, user_id: int) -> bool:
        for answer in self._answers:
            if await answer(user_id):
                return True
        return False
