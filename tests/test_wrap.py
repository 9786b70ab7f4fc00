"""Wrapping by pixel width: words, CJK characters, long words, ellipsis."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hud.wrap import ELLIPSIS, Fitted, ellipsize, fit, is_cjk, tokens, wrap


def mono(text: str) -> int:
    """A fake font: 10 px per character (CJK 20 px), so expectations are easy to read."""
    return sum(20 if is_cjk(c) else 10 for c in text)


def test_breaks_at_word_boundaries() -> None:
    assert wrap("the quick brown fox jumps", 100, mono) == ["the quick", "brown fox", "jumps"]


def test_no_line_is_wider_than_the_width() -> None:
    text = "Gate B12. Leave by 09:20 to make it; check-in closes 09:35."
    for width in (60, 90, 150, 300):
        assert all(mono(line) <= width for line in wrap(text, width, mono))


def test_breaks_between_cjk_characters() -> None:
    assert wrap("我在靠窗的位置等你", 80, mono) == ["我在靠窗", "的位置等", "你"]


def test_closing_punctuation_never_starts_a_line() -> None:
    lines = wrap("到了吗？我在这里。", 80, mono)
    assert all(not line.startswith(("？", "。")) for line in lines)
    assert "".join(lines) == "到了吗？我在这里。"


def test_mixed_latin_and_cjk_keep_words_whole() -> None:
    lines = wrap("我在Blue Bottle等你", 120, mono)
    assert "Bottle" in "".join(lines) and all("Bott" not in line or "Bottle" in line for line in lines)


def test_tokens_split_cjk_but_not_words() -> None:
    assert tokens("hi 你好 there") == ["hi ", "你", "好 ", "there"]


def test_a_word_wider_than_the_line_is_split() -> None:
    assert wrap("abcdefghijkl", 50, mono) == ["abcde", "fghij", "kl"]


def test_ellipsis_past_max_lines() -> None:
    lines = wrap("one two three four five six seven", 80, mono, max_lines=2)
    assert len(lines) == 2
    assert lines[-1].endswith(ELLIPSIS) and mono(lines[-1]) <= 80


def test_no_ellipsis_when_it_fits() -> None:
    assert wrap("short", 100, mono, max_lines=1) == ["short"]
    assert ellipsize("short", 100, mono) == "short"


def test_newlines_are_kept() -> None:
    assert wrap("a\nb", 100, mono) == ["a", "b"]


def test_fit_says_whether_the_text_was_shortened() -> None:
    assert fit("short", 100, mono, max_lines=1) == Fitted(["short"], False)
    cut = fit("one two three four five six seven", 80, mono, max_lines=2)
    assert cut.shortened and len(cut.lines) == 2 and cut.lines[-1].endswith(ELLIPSIS)
    assert not fit("one two three four five six seven", 80, mono).shortened


# --- balanced wrapping ----------------------------------------------------------------------

def test_balanced_title_leaves_no_lonely_last_word() -> None:
    title = "CA1705 to Beijing boards 10:15"
    assert wrap(title, 250, mono) == ["CA1705 to Beijing boards", "10:15"]
    assert wrap(title, 250, mono, balance=True) == ["CA1705 to", "Beijing boards 10:15"] or \
        len(wrap(title, 250, mono, balance=True)[-1]) > len("10:15")


def test_balanced_keeps_cjk_rules() -> None:
    lines = wrap("到了吗？我在靠窗的位置等你。", 200, mono, balance=True)
    assert all(not line.startswith(("？", "。")) for line in lines)
    assert "".join(lines) == "到了吗？我在靠窗的位置等你。"
    assert len(lines) == len(wrap("到了吗？我在靠窗的位置等你。", 200, mono))


_WORDS = st.lists(st.one_of(st.text("abcdefghij", min_size=1, max_size=14), st.text("我在靠窗的位置等你。", min_size=1,
                                                                                       max_size=6)),
                  min_size=1, max_size=14)


@settings(max_examples=200, deadline=None)
@given(words=_WORDS, width=st.integers(20, 300))
def test_balanced_never_takes_more_lines_than_greedy(words: list[str], width: int) -> None:
    text = " ".join(words)
    greedy_lines, balanced_lines = wrap(text, width, mono), wrap(text, width, mono, balance=True)
    assert len(balanced_lines) <= len(greedy_lines)
    assert all(mono(line) <= width for line in balanced_lines if len(line) > 1)
    assert squeeze(balanced_lines) == squeeze(greedy_lines) == text.replace(" ", "")


@settings(max_examples=200, deadline=None)
@given(words=st.lists(st.text("abcdefghij", min_size=1, max_size=12), min_size=1, max_size=12),
       width=st.integers(20, 300))
def test_balanced_never_splits_a_word_that_fits_the_width(words: list[str], width: int) -> None:
    lines = wrap(" ".join(words), width, mono, balance=True)
    pieces = [piece for line in lines for piece in line.split(" ")]
    for piece in pieces:
        if piece not in words:  # only a word wider than the width may be split
            assert any(piece in w and mono(w) > width for w in words), (piece, words, width)


def squeeze(lines: list[str]) -> str:
    return "".join(lines).replace(" ", "")


def _tokens_by_character(text: str) -> list[str]:
    """`tokens` without its no-CJK shortcut: the character-by-character rule it must equal."""
    from hud.wrap import _CHUNK, _by_character

    return _by_character(_CHUNK.findall(text))


@settings(max_examples=300)
@given(st.text(alphabet="ab é!.)\n\t，。中文\u2e7f\u2e80\uff01", max_size=24))
def test_tokens_with_and_without_cjk_match_the_character_by_character_rule(text: str) -> None:
    assert tokens(text) == _tokens_by_character(text)
