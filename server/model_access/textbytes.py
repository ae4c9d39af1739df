"""A text's ASCII bytes, encoded once for the several searches that read the same text.

RE2's Python wrapper encodes a `str` to UTF-8 on every call and maps each offset back, O(len) each
time. An ASCII text can be encoded once and searched as bytes, where byte and character offsets
agree. Each user keeps its own slot (the scanner's files and the diagnosis's pastes would evict each
other's), holding the last text by identity.
"""

from __future__ import annotations


class LastAscii:
    """`text` as bytes when it is ASCII, else None; the last text's answer is kept."""

    __slots__ = ("_last",)

    def __init__(self) -> None:
        self._last: tuple[str | None, bytes | None] = (None, None)

    def __call__(self, text: str) -> bytes | None:
        seen, data = self._last
        if seen is not text:
            data = text.encode("ascii") if text.isascii() else None
            self._last = (text, data)  # one tuple, replaced at once: safe between threads
        return data
