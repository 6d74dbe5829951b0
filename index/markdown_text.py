"""Markdown files read as plain prose: headings, emphasis, links, images, block quotes, rules and code fences reduced
to their text, a YAML front matter block dropped with its ``title:`` kept as the first line, and the title of a file
that opens with a heading."""

from __future__ import annotations

import re

# Every rule stops at the next delimiter of its kind, so no rule rescans the rest of the text from each
# opening mark: the whole conversion is linear in the size of the input.
_LINK_TARGET = r"\([^()]*(?:\([^()]*\)[^()]*)*\)"  # one level of parentheses, as in Wikipedia URLs
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*)$", re.MULTILINE)
_MD_RULES = [
    (re.compile(r"!\[[^\[\]]*\]" + _LINK_TARGET), ""),  # images
    (re.compile(r"\[([^\[\]]+)\]" + _LINK_TARGET), r"\1"),  # links keep their text
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE), ""),  # block quotes
    (re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.MULTILINE), ""),  # rules
    (re.compile(r"(\*\*|__)(?=\S)((?:(?!\1).)+?)(?<=\S)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),  # italics
    (re.compile(r"`([^`\n]+)`"), r"\1"),  # inline code
]
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.{0,4000}?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_FIELD = re.compile(r"^[A-Za-z_][\w-]*:(?:[ \t]|$)", re.MULTILINE)
_TITLE_FIELD = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.MULTILINE)


def markdown_to_text(markdown: str) -> str:
    """Markdown to plain prose: headings, emphasis, links, images and code fences reduced to their text; a YAML
    front matter block dropped, its ``title:`` kept as the first line (where a title is looked for)."""
    markdown = _front_matter_title(markdown)
    markdown = _drop_code_blocks(markdown)
    for pattern, replacement in _MD_RULES[:2]:
        markdown = pattern.sub(replacement, markdown)
    markdown = _HEADING.sub(_heading_text, markdown)
    for pattern, replacement in _MD_RULES[2:]:
        markdown = pattern.sub(replacement, markdown)
    return markdown


def heading_title(markdown: str, prose: str) -> str:
    """The title of a Markdown file that opens with a heading ("# Floods"), however short: marked as a heading, it
    is one ("Floods The council said that 37 parks…" was the title a one-word heading got); ``prose`` is the file
    as ``markdown_to_text`` gave it, whose first line is the heading's text. '' otherwise."""
    first = next((line.strip() for line in _front_matter_title(markdown).splitlines() if line.strip()), "")
    if not re.match(r"#{1,6}\s+\S", first):
        return ""
    return next((line for line in prose.splitlines() if line.strip()), "")


def _heading_text(match: re.Match[str]) -> str:
    return match.group(1).rstrip(" \t#")


def _drop_code_blocks(markdown: str) -> str:
    """Remove fenced code blocks (a line opening with ``` up to the next line that is only ```), in one pass."""
    lines = markdown.split("\n")
    closers = [i for i, line in enumerate(lines) if line.startswith("```") and not line[3:].strip(" \t")]
    kept: list[str] = []
    i, next_closer = 0, 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            while next_closer < len(closers) and closers[next_closer] <= i:
                next_closer += 1
            if next_closer < len(closers):
                kept.append("")
                i = closers[next_closer] + 1
                continue
        kept.append(line)
        i += 1
    return "\n".join(kept)


def _front_matter_title(markdown: str) -> str:
    """The text without its front matter ("---\ntitle: …\n---"), its title (unquoted) on the first line."""
    found = _FRONT_MATTER.match(markdown)
    if found is None or not _FIELD.search(found.group(1)):  # "---" rules around a section are no front matter
        return markdown
    title = _TITLE_FIELD.search(found.group(1))
    rest = markdown[found.end() :]
    return f"{title.group(1).strip(chr(34) + chr(39))}\n\n{rest}" if title else rest
