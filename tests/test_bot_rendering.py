"""Telegram HTML: escaping, links, message splitting (4096 limit, never inside a tag or entity)."""

from __future__ import annotations

from fake_telegram import parse_html, utf16_len

from bot.rendering import (
    MESSAGE_LIMIT,
    answer_blocks,
    article_line,
    pack,
    passage_html,
    progress_text,
    source_line,
)
from index import Answer, ArticleInfo, Citation, FigureEntry, PassageHit, Progress


def citation(n: int, quote: str, url: str = "https://example.org/a?x=1&y=2") -> Citation:
    return Citation(n, n, None, f"Title <{n}> & co", "Outlet", url, "2024-03-01", quote, 0, len(quote), 1.0)


def test_quotes_and_titles_are_escaped_and_links_kept() -> None:
    answer = Answer("q", False, "", [citation(1, 'He said "<b>stop</b>" & left.')], [], 1)
    (message,) = pack(answer_blocks(answer))
    assert '&lt;b&gt;stop&lt;/b&gt;" &amp; left. [1]</blockquote>' in message
    link = '<a href="https://example.org/a?x=1&amp;y=2">Title &lt;1&gt; &amp; co</a>'
    assert f"{link} — Outlet, 2024-03-01 · #1" in message
    assert 'He said "<b>stop</b>" & left.' in parse_html(message)


def test_only_web_links_are_linked() -> None:
    assert "<a " not in source_line(citation(1, "q", url="javascript:alert(1)"), 1)
    assert "<a " not in source_line(citation(1, "q", url=""), 1)


def test_long_answers_split_between_quotes_and_stay_valid() -> None:
    quotes = [citation(n % 5 + 1, f"Sentence {n} with ümlauts, emoji 🚀 and <tags> & more. " * 12) for n in range(20)]
    messages = pack(answer_blocks(Answer("q", False, "", quotes, [], 5)))
    assert len(messages) > 1
    for message in messages:
        plain = parse_html(message)  # raises on a broken tag or entity
        assert utf16_len(plain) <= MESSAGE_LIMIT
        assert message.count("<blockquote>") == message.count("</blockquote>")
    assert messages[-1].rstrip().endswith("· #5") and "<b>Sources</b>" in messages[-1]


def test_a_single_oversized_quote_is_split_safely() -> None:
    huge = "A very long quote &amp; more <b> text, " * 400
    messages = pack(answer_blocks(Answer("q", False, "", [citation(1, huge)], [], 1)))
    assert len(messages) >= 3
    for message in messages:
        assert utf16_len(parse_html(message)) <= MESSAGE_LIMIT
    joined = "".join(parse_html(m) for m in messages)
    assert joined.replace("\n", "").replace(" ", "").startswith(huge.replace(" ", "")[:500])


def test_passage_shows_the_quote_in_bold() -> None:
    text = "Before the quote. The quote <itself>. After it."
    info = ArticleInfo(3, None, "T", "Outlet", "2024-01-01", "", 1, "now", "default")
    hit = PassageHit(1, 3, None, "T", text, 0.0, 100, 100 + len(text))
    html = passage_html(hit, info, 118, 137)
    assert "Before the quote. <b>The quote &lt;itself&gt;.</b> After it." in html
    assert html.startswith("T — Outlet, 2024-01-01 · #3")


def test_link_markup_does_not_count_against_the_limit() -> None:
    info = ArticleInfo(1, None, "T" * 300, "Outlet", "2024-01-01", "https://example.org/" + "a" * 2000, 1, "", "")
    lines = [article_line(info)] * 10
    (message,) = pack(["\n".join(lines)])
    assert len(message) > MESSAGE_LIMIT and utf16_len(parse_html(message)) < MESSAGE_LIMIT
    assert "T" * 149 + "…" in message


def test_who_says_it_and_figures_side_by_side_are_shown() -> None:
    a = Citation(
        1,
        2,
        None,
        "T1",
        "Daily <Express>",
        "",
        "",
        "Russia claimed it lost 32 tanks.",
        0,
        31,
        1.0,
        ("32 tanks",),
        "Russia",
        "claimed",
    )
    b = Citation(
        2,
        1,
        None,
        "T2",
        "The Daily Beast",
        "",
        "",
        "We have probably 14 tanks left, the man says.",
        0,
        44,
        0.9,
        ("probably 14 tanks",),
        "the man",
        "",
    )
    figures = {
        "tank": [
            FigureEntry("32 tanks", 1, "Daily <Express>", "Russia", True),
            FigureEntry("probably 14 tanks", 2, "The Daily Beast", "the man", False),
        ]
    }
    (message,) = pack(answer_blocks(Answer("q", False, "", [a, b], [], 2, figures)))
    assert "<i>per Russia · hedged: “claimed”</i>" in message and "<i>per the man</i>" in message
    assert "<b>Figures side by side</b>\ntank: 32 tanks [1] (Russia, per Daily &lt;Express&gt;, hedged) · " in message
    parse_html(message)


def test_a_syndicated_quote_is_shown_once_with_every_source() -> None:
    quote = "The ministry said 41 drones were shot down."
    cites = [citation(1, quote), citation(2, quote)]
    (message,) = pack(answer_blocks(Answer("q", False, "", cites, [], 2)))
    assert message.count(quote) == 1 and f"{quote} [1][2]</blockquote>" in message
    assert "[1] <a " in message and "[2] <a " in message


def test_embedding_progress_shows_the_rate_and_the_time_left() -> None:
    assert progress_text(Progress("embedding", 0, 54)) == "Embedding 0/54 passages…"
    assert progress_text(Progress("embedding", 24, 54), seconds=8.0) == (
        "Embedding 24/54 passages (3.0 a second, about 10 s left)…"
    )
    assert "about 5 min left" in progress_text(Progress("embedding", 10, 1000), seconds=3.0)


def test_a_tentative_answer_says_so_in_the_chat_and_in_an_inline_result_it_sends() -> None:
    """The closest quotes are headed as such in a reply and in the message an inline result puts into a chat,
    within Telegram's limits however long the quote."""
    from bot.inline import INLINE_MESSAGE_LIMIT, inline_result
    from index import TENTATIVE

    answer = Answer("q", False, "", [citation(1, "A quote.")], [], 1, tentative=True)
    assert pack(answer_blocks(answer))[0].startswith(f"<i>{TENTATIVE}</i>")
    sent = inline_result(citation(1, "word " * 2000), tentative=True).input_message_content
    assert sent.message_text.startswith(f"<i>{TENTATIVE}</i>\n<blockquote>")
    assert utf16_len(parse_html(sent.message_text)) <= INLINE_MESSAGE_LIMIT
    plain = inline_result(citation(1, "A quote.")).input_message_content
    assert TENTATIVE not in plain.message_text
