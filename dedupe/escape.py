"""Making text from the input safe where it is shown: terminals, spreadsheets and Markdown.

Ids, sources and texts come from files dedupe did not write. Printed raw, a control character
can clear the screen, set the window title or plant a link (terminal escapes); a CSV cell can
run as a spreadsheet formula; a `|` or an HTML tag can break a Markdown table. Each function
here makes one text safe for one place and changes nothing that is already safe there. JSON
needs none of them: its encoder escapes what JSON must, and the report stays exact.
"""

from __future__ import annotations

import re

# Control characters (C0, DEL, C1), line and paragraph separators, and the invisible
# characters that reorder or hide text on screen (bidirectional controls, "Trojan Source").
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}

# OWASP's CSV injection rule: a cell starting with one of these is read as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

# The ASCII punctuation that makes inline markup, HTML, links, math or a cell's end inside a
# Markdown table cell (CommonMark lets any ASCII punctuation be escaped with a backslash).
_MARKDOWN = re.compile(r"[\\`*_\[\]<>&|~$]")
_BREAK = re.compile("\r\n|[\r\n\u2028\u2029]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """Return `text` with every control character shown as an escape (`\\n`, `\\x1b`,
    `\\u202e`) instead of acting on the terminal; other text is returned unchanged.

    Escaped: C0 and C1 control characters and DEL, line and paragraph separators, and the
    bidirectional formatting characters. A message made safe stays on one line.
    """
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_visible, text)


def csv_cell(value: str | int | float) -> str | int | float:
    """Return the value as a CSV cell a spreadsheet shows as text, never runs as a formula.

    A string starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
    `'` (OWASP's rule), unless it is a plain number such as `-3` or `+1.5e3`: numbers
    stay numbers. Other values are returned unchanged.
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def markdown_cell(text: str) -> str:
    """Return `text` as the content of a Markdown table cell that shows it as written.

    Markdown punctuation (`|`, `*`, `_`, `[`, `<`, `&`, backticks, ...) is escaped with a
    backslash, so no markup, HTML or link is made from it and no `|` ends the cell; line
    breaks become `<br>`; control characters are escaped as by `terminal_safe`.
    """
    escaped = _MARKDOWN.sub(r"\\\g<0>", text)
    return terminal_safe(_BREAK.sub("<br>", escaped))
