"""Fixtures for the loader tests.

- `FIXTURES`: small hand-written files in the public formats (fictional people).
- `errors`: a list to pass as `on_error`; each test asserts what landed in it.
- `write`: writes a file under the test's tmp_path and returns its path.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from watchlists.loaders import RecordError

FIXTURES = Path(__file__).parent / "fixtures"

Write = Callable[[str, str | bytes], Path]


@pytest.fixture
def errors() -> list[RecordError]:
    return []


@pytest.fixture
def write(tmp_path: Path) -> Write:
    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write


def assert_private(errors: list[RecordError], *values: str) -> None:
    """No error message repeats a value that is personal data."""
    for error in errors:
        for value in values:
            assert value.casefold() not in str(error).casefold(), (value, str(error))
