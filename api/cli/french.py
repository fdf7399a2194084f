"""argparse in French: its usage line, help headings and errors, which the
standard library only gives in English. argparse looks its messages up through
the module's `_` and `ngettext` at call time; `speak_french()` replaces them
with this catalogue (an unknown message stays as it is)."""

from __future__ import annotations

import argparse

MESSAGES = {
    "usage: ": "usage : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : "
    "%(message)s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "ignored explicit argument %r": "valeur %r ignorée",
    "expected one argument": "une valeur attendue",
    "expected at most one argument": "au plus une valeur attendue",
    "expected at least one argument": "au moins une valeur attendue",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : "
    "%(option)s peut désigner %(matches)s",
    "unexpected option string: %s": "option inattendue : %s",
    "invalid %(type)s value: %(value)r": "valeur %(value)r invalide (%(type)s)",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : "
    "%(value)r (au choix : %(choices)s)",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "commande inconnue "
    "%(parser_name)r (au choix : %(choices)s)",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir "
    "« %(filename)s » : %(error)s",
}
PLURALS = {
    "expected %s argument": ("%s valeur attendue", "%s valeurs attendues"),
}


def french(message: str) -> str:
    return MESSAGES.get(message, message)


def french_plural(singular: str, plural: str, n: int) -> str:
    forms = PLURALS.get(singular)
    if forms is None:
        return singular if n == 1 else plural
    return forms[0] if n <= 1 else forms[1]


def speak_french() -> None:
    argparse._ = french  # type: ignore[attr-defined]
    argparse.ngettext = french_plural  # type: ignore[attr-defined]


# Positional arguments are named in usage lines and errors: in French.
PLACEHOLDERS = {
    "command": "COMMANDE",
    "action": "ACTION",
    "record_id": "ID",
    "commission_id": "ID",
    "name": "VUE",
}


def name_positionals(parser: argparse.ArgumentParser) -> None:
    """Every positional argument and sub-command choice gets a French name."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            action.metavar = action.metavar or PLACEHOLDERS.get(action.dest)
            for sub in action.choices.values():
                name_positionals(sub)
        elif not action.option_strings and action.metavar is None:
            action.metavar = PLACEHOLDERS.get(action.dest, action.dest.upper())
