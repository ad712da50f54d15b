"""The start-up path (`prepare`, `name_form`) takes shortcuts for the common cases of a large
list; each gives exactly what the general rule gives, checked here against that rule."""

# ruff: noqa: RUF001  (look-alike letters are among the inputs)

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matchers import Identity
from matchers.identity import Document
from matchers.names import Token, _joined, name_form
from matchers.normalize import clean, fold_document, icao_words, latin_words, ocr_document
from matchers.score import Prepared, _alpha3, _date, prepare
from matchers.transliterate import _script_slow, script_of

# Text near the shortcuts' edges: ASCII with controls and apostrophes, the last Latin code
# points before U+0250 and the first after, look-alikes, full-width and compatibility forms.
_EDGES = "aZ09 ,<'`-.\t\x00\x1f\x7f\x85\u00a0éßøĳǅ\u024f\u0250\u02bc\u2019АаΑ박李ｆ１²"
edgy_text = st.text(alphabet=st.sampled_from(_EDGES), max_size=24) | st.text(max_size=24)


def _fold_document_rule(number: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKC", number).upper())


def _script_of_rule(text: str) -> str:
    counts: dict[str, int] = {}
    for ch in text:
        cp = ord(ch)
        if cp < 0x250 or not ch.isalpha():
            continue
        name = _script_slow(cp)
        counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else "Latin"


@given(edgy_text)
def test_document_numbers_fold_as_the_rule_says(number: str) -> None:
    assert fold_document(number) == _fold_document_rule(number)
    assert fold_document(fold_document(number)) == fold_document(number)  # ocr_folded's premise


def test_document_numbers_of_every_kind() -> None:
    for number in ["OR123456", "ob 024-3318", "ab12", "ＡＢ１２３", "ß1234", "---", "ǅ12345"]:
        assert fold_document(number) == _fold_document_rule(number)
    assert ocr_document("OB0243318") == ocr_document("0802433I8")


@given(edgy_text)
def test_the_script_of_a_text_is_counted_as_before(text: str) -> None:
    assert script_of(text) == _script_of_rule(text)


@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=30))
def test_ascii_is_cleaned_of_controls_and_spelt_alike_by_icao(text: str) -> None:
    spaced = "".join(" " if ord(ch) < 0x20 or ord(ch) == 0x7F else ch for ch in text)
    assert clean(text) == " ".join(spaced.split())
    assert icao_words(text) == latin_words(text)  # why _latin_readings skips it for ASCII


@pytest.mark.parametrize("size", [(1, 1), (1, 3), (2, 1), (4, 5)])
def test_joined_words_are_every_pair_of_their_first_spellings(size: tuple[int, int]) -> None:
    a = Token(tuple(f"a{i}" for i in range(size[0])), ("x",) * size[0], 0.5, False, False)
    b = Token(tuple(f"b{i}" for i in range(size[1])), ("x",) * size[1], 0.5, False, False)
    rule = tuple(dict.fromkeys(x + y for x in a.spellings[:3] for y in b.spellings[:3]))
    assert _joined(a, b) == rule


def test_a_comma_with_nothing_after_it_is_dropped() -> None:
    assert name_form("LAVILLA, ").tokens == name_form("LAVILLA").tokens
    assert name_form("Ruben LAVILLA,").tokens == name_form("Ruben LAVILLA").tokens
    assert [t.family for t in name_form("LAVILLA, Ruben").tokens] == [True, False]


def _prepare_rule(identity: Identity) -> Prepared:
    """`prepare` as written before its shortcuts."""
    docs = [_fold_document_rule(d.number) for d in identity.documents]
    ocr = str.maketrans("OQDILSBZG", "000115826")
    return Prepared(
        forms=tuple(dict.fromkeys(name_form(n) for n in identity.names)),
        dates=tuple(_date(d) for d in identity.birth_dates),
        raw_dates=tuple(identity.birth_dates),
        nationalities=frozenset(_alpha3(c) for c in identity.nationalities),
        sex=identity.sex if identity.sex in {"M", "F"} else None,
        documents=frozenset(d for d in docs if d),
        documents_ocr=frozenset(d.translate(ocr) for d in docs if len(d) >= 5),
    )


@pytest.mark.parametrize(
    "identity",
    [
        Identity(names=["Kim Min Jun"]),
        Identity(names=["Kim Min Jun", "김민준", "Kim Min Jun", "KIM<<MIN<JUN"]),
        Identity(
            names=["Nguyễn Văn An", "Ahmad Zia Rahimi"],
            birth_dates=["1980", "1980-02", "1980-02-29", "1980"],
            nationalities=["VN", "VNM", "D<<", "GBD"],
            sex="X",
        ),
        Identity(names=["A B"], sex="F", documents=[Document(number="ab12")]),
        Identity(names=["A B"], documents=[Document(number="---")]),
        Identity(names=["A B"], documents=[Document(number="ob 024-3318")]),
        Identity(
            names=["山田太郎"],
            sex="M",
            documents=[
                Document(number="OR123456"),
                Document(number="or-123456"),
                Document(number="ＡＢ１２３４５"),
                Document(number="--"),
            ],
        ),
    ],
)
def test_prepare_gives_what_the_rule_gives(identity: Identity) -> None:
    assert prepare(identity) == _prepare_rule(identity)
    assert prepare(identity) == prepare(identity)  # and again, from the caches
