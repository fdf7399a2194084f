"""pydantic's refusals in French: its `msg` is English ("Field required",
"Input should be a valid integer"), so a person is told the problem by the
error's `type` and the values of its `ctx` instead, never by its text. Our own
validators already speak French: a ValueError keeps its text (without
pydantic's "Value error, " prefix), a custom error of domain/text.py its
message. Any other type gets a generic French sentence."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from domain.text import TEXT_ERRORS

Ctx = Mapping[str, Any]

UNKNOWN_FIELD = "champ inconnu, refusé"
# A string Python holds but UTF-8 cannot encode (a lone surrogate from a JSON
# escape).
UNENCODABLE = "texte non encodable en UTF-8 (substitut isolé)"
GENERIC = "valeur non valide"
DAY = "date attendue au format AAAA-MM-JJ"
MOMENT = "date et heure ISO 8601 attendues (p. ex. 2026-03-12T14:30:00-04:00)"
NUMBER = "nombre attendu"
WHOLE = "nombre entier attendu"
DECIMAL = "nombre décimal attendu (p. ex. 1250.50)"
LIST = "liste attendue"
OBJECT = "objet JSON attendu"
BOOLEAN = "booléen attendu (true ou false)"
UUID = "identifiant UUID attendu"
DURATION = "durée ISO 8601 attendue (p. ex. P3D)"
URL = "adresse URL non valide"
# Prefixes pydantic puts before the text of a validator's own exception.
OWN_TEXT_PREFIXES = ("Value error, ", "Assertion failed, ")


def _plural(n: Any, word: str) -> str:
    return f"{n} {word}{'s' if isinstance(n, int) and n > 1 else ''}"


def _counting(template: str, key: str, word: str) -> Callable[[Ctx], str]:
    """The message `template`, the bound ctx[key] counted in `word`s at its
    `{n}` ("au plus 2 chiffres"), other ctx values at their own names."""
    return lambda c: template.format_map({**c, "n": _plural(c[key], word)})


def _choices(ctx: Ctx) -> str:
    """pydantic's `expected` is "'a', 'b' or 'c'": its last "or" in French."""
    expected = str(ctx.get("expected", ""))
    head, sep, last = expected.rpartition(" or ")
    return f"{head} ou {last}" if sep else expected


FIXED: dict[str, str] = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": UNKNOWN_FIELD,
    "string_unicode": UNENCODABLE,
    "json_invalid": "JSON non valide",
    "json_type": "JSON attendu",
    "none_required": "valeur nulle attendue",
    "finite_number": "nombre fini attendu",
    "string_type": "texte attendu",
    "string_not_ascii": "caractères ASCII seuls attendus",
    "bool_type": BOOLEAN,
    "bool_parsing": BOOLEAN,
    "int_type": WHOLE,
    "int_parsing": WHOLE,
    "int_parsing_size": "nombre entier trop grand",
    "int_from_float": "nombre entier attendu, sans partie décimale",
    "float_type": NUMBER,
    "float_parsing": NUMBER,
    "decimal_type": DECIMAL,
    "decimal_parsing": DECIMAL,
    "model_type": OBJECT,
    "model_attributes_type": OBJECT,
    "dict_type": OBJECT,
    "mapping_type": OBJECT,
    "dataclass_type": OBJECT,
    "list_type": LIST,
    "tuple_type": LIST,
    "set_type": LIST,
    "frozen_set_type": LIST,
    "iterable_type": LIST,
    "set_item_not_hashable": "élément de liste non valide",
    "date_type": DAY,
    "date_parsing": DAY,
    "date_from_datetime_parsing": DAY,
    "date_from_datetime_inexact": f"{DAY}, sans heure",
    "date_past": "date passée attendue",
    "date_future": "date future attendue",
    "time_type": "heure attendue (HH:MM:SS)",
    "time_parsing": "heure attendue (HH:MM:SS)",
    "datetime_type": MOMENT,
    "datetime_parsing": MOMENT,
    "datetime_from_date_parsing": MOMENT,
    "datetime_object_invalid": MOMENT,
    "datetime_past": "moment passé attendu",
    "datetime_future": "moment futur attendu",
    "timezone_naive": "date et heure sans fuseau horaire attendues",
    "timezone_aware": "date et heure avec fuseau horaire attendues",
    "time_delta_type": DURATION,
    "time_delta_parsing": DURATION,
    "uuid_type": UUID,
    "uuid_parsing": UUID,
    "uuid_version": UUID,
    "url_type": URL,
    "url_parsing": URL,
    "url_syntax_violation": URL,
}
WITH_CTX: dict[str, Callable[[Ctx], str]] = {
    "greater_than": lambda c: f"nombre supérieur à {c['gt']} attendu",
    "greater_than_equal": lambda c: f"nombre supérieur ou égal à {c['ge']} attendu",
    "less_than": lambda c: f"nombre inférieur à {c['lt']} attendu",
    "less_than_equal": lambda c: f"nombre inférieur ou égal à {c['le']} attendu",
    "multiple_of": lambda c: f"multiple de {c['multiple_of']} attendu",
    "too_short": _counting(
        "au moins {n} attendu (reçu : {actual_length})", "min_length", "élément"
    ),
    "too_long": _counting(
        "au plus {n} attendu (reçu : {actual_length})", "max_length", "élément"
    ),
    "string_too_short": _counting(
        "texte trop court : au moins {n}", "min_length", "caractère"
    ),
    "string_too_long": _counting(
        "texte trop long : au plus {n}", "max_length", "caractère"
    ),
    "string_pattern_mismatch": lambda c: (
        f"format non valide (motif attendu : {c['pattern']})"
    ),
    "enum": lambda c: f"valeur non admise (au choix : {_choices(c)})",
    "literal_error": lambda c: f"valeur non admise (au choix : {_choices(c)})",
    "union_tag_invalid": lambda c: (
        f"valeur « {c['tag']} » non admise (au choix : {c['expected_tags']})"
    ),
    "union_tag_not_found": lambda c: f"champ {c['discriminator']} manquant",
    "decimal_max_digits": _counting("au plus {n} en tout", "max_digits", "chiffre"),
    "decimal_max_places": _counting("au plus {n}", "decimal_places", "décimale"),
    "decimal_whole_digits": _counting(
        "au plus {n} avant la virgule", "whole_digits", "chiffre"
    ),
    "timezone_offset": lambda c: f"décalage horaire {c['tz_expected']} attendu",
    "bytes_too_short": _counting("au moins {n}", "min_length", "octet"),
    "bytes_too_long": _counting("au plus {n}", "max_length", "octet"),
    "url_too_long": _counting(
        "adresse URL trop longue : au plus {n}", "max_length", "caractère"
    ),
}


def french_problem(error: Mapping[str, Any]) -> str:
    """One pydantic error (an item of `ValidationError.errors()`), in French."""
    kind = str(error.get("type", ""))
    if kind in FIXED:
        return FIXED[kind]
    if kind in WITH_CTX:
        try:
            return WITH_CTX[kind](error.get("ctx") or {})
        except KeyError:  # a ctx without the expected value: say less
            return GENERIC
    message = str(error.get("msg", ""))
    if kind in ("value_error", "assertion_error"):
        for prefix in OWN_TEXT_PREFIXES:
            message = message.removeprefix(prefix)
        return message or GENERIC
    if kind in TEXT_ERRORS:  # domain/text.py's own, French, errors
        return message
    return GENERIC


def field_of(error: Mapping[str, Any], default: str = "") -> str:
    """Where the error is: its location, dotted (`body.decisions.0.outcome`)."""
    return ".".join(str(part) for part in error.get("loc", ())) or default
