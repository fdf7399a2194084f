"""What a text field may hold, for every command and the department settings.

Text goes into events (legal evidence, kept for years) and from there into every
view: a character PostgreSQL cannot store (NUL), that UTF-8 cannot encode (a lone
surrogate) or that no person can see would stop the read side or hide what was
recorded. So each text field refuses:

- control characters (C0, DEL, C1): all of them on a single line; in free text
  (motives, summaries, findings) all but tab, line feed and carriage return;
- surrogates, which a JSON escape such as "\\ud800" can produce unpaired;
- non-characters (U+FFFE, U+FFFF, U+FDD0..U+FDEF and the last two of each plane);
- a value with nothing visible in it: only whitespace, format characters (zero
  widths, bidirectional marks, overrides and isolates), variation selectors or
  fillers. Bidirectional controls inside visible text stay allowed: names and
  addresses in Arabic or Hebrew beside Latin text may need them.

Accepted text is normalised to NFC, so that one name typed on two systems (a
precomposed "é", or "e" and a combining accent) is stored, compared and searched
as one; NFC is canonical equivalence, it never changes what the text says.
"""

from __future__ import annotations

import unicodedata

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

FREE_TEXT_CONTROLS = frozenset("\t\n\r")
# Letters by category that no font draws: Hangul fillers, the Braille blank is
# visible as a cell and stays allowed.
INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u034f")


def _noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _invisible(char: str) -> bool:
    code = ord(char)
    return (
        char.isspace()
        or unicodedata.category(char) in ("Cf", "Zs", "Zl", "Zp", "Cc")
        or char in INVISIBLE_LETTERS
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0100 <= code <= 0xE01EF
        or 0x180B <= code <= 0x180F  # Mongolian free variation selectors
    )


def _check(value: str, allowed_controls: frozenset[str]) -> str:
    for position, char in enumerate(value, start=1):
        category = unicodedata.category(char)
        if category == "Cc" and char not in allowed_controls:
            raise PydanticCustomError(
                "text_control_character",
                "caractère de contrôle interdit (U+{code}) en position {position}",
                {"code": f"{ord(char):04X}", "position": position},
            )
        if category == "Cs" or _noncharacter(ord(char)):
            raise PydanticCustomError(
                "text_invalid_character",
                "caractère non valide (U+{code}) en position {position}",
                {"code": f"{ord(char):04X}", "position": position},
            )
    if value and all(_invisible(char) for char in value):
        raise PydanticCustomError(
            "text_invisible",
            "le texte ne contient aucun caractère visible",
        )
    return unicodedata.normalize("NFC", value)


def check_line(value: str) -> str:
    """A single line: a name, a code, a reference, an organisation."""
    return _check(value, frozenset())


def check_free_text(value: str) -> str:
    """Free text over several lines: a motive, a summary, findings."""
    return _check(value, FREE_TEXT_CONTROLS)


SingleLine = AfterValidator(check_line)
MultiLine = AfterValidator(check_free_text)
TEXT_ERRORS = frozenset(
    ("text_control_character", "text_invalid_character", "text_invisible")
)


# Letters NFKD leaves whole, spelt as people type them without the key.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l"})


def folded(value: str) -> str:
    """`value` as a search compares it: its words without case or accents,
    each run of anything but letters and digits one space (« fort de france »
    for « Fort-de-France », « lamentin » for « LAMENTIN »). No SQL wildcard
    (`%`, `_`) is left in it."""
    letters = unicodedata.normalize("NFKD", value.lower().translate(_LIGATURES))
    bare = "".join(c for c in letters if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in bare).split())
