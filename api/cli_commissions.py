"""`logis commissions show`, for people: a session's lists and decisions as
tables, households and the programme by name (the operator reads the whole
store, as the procès-verbal names them), codes by their French words."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from api.cli_output import console, print_table, rows, table
from api.minutes import FUNCTIONS, OUTCOMES

if TYPE_CHECKING:
    from collections.abc import Sequence

    from api.cli_history import Names
    from api.schemas import CommissionListPublic
    from projections.commissions import EntryRow

KIND_NAMES = {
    "pre_commission": "pré-commission",
    "commission_prefectorale": "commission préfectorale",
    "cal": "CAL",
}
STAGE_NAMES = {"convoquee": "convoquée", "en_seance": "en séance", "pv_clos": "PV clos"}
# The procès-verbal's words for each outcome, and the CAL-TROIS exceptions.
OUTCOME_NAMES = {
    **OUTCOMES,
    "dalo": "ménage DALO désigné par le préfet",
    "candidats_insuffisants": "candidats insuffisants",
}
# Long texts are cut with an ellipsis, one line a row; --format json has them whole.
CRITERIA_WIDTH, MOTIVE_WIDTH, AFTER_WIDTH = 32, 32, 40


def day(value: date | None) -> str:
    return "—" if value is None else f"{value:%d/%m/%Y}"


def spoken(code: str) -> str:
    """A department's criterion code as words: « menace d'expulsion sans
    relogement » for menace_d_expulsion_sans_relogement."""
    return code.replace("_d_", " d'").replace("_l_", " l'").replace("_", " ")


def print_commission(lists: CommissionListPublic, names: Names) -> int:
    out = console()
    c = lists.commission
    title = KIND_NAMES.get(c.kind, c.kind)
    out.print(
        f"{title[0].upper()}{title[1:]} du {day(c.held_on)} — commune {c.commune} "
        f"(département {c.department})"
    )
    out.print(f"Identifiant : {c.id}")
    if c.programme_id or c.landlord:
        programme = names(c.programme_id) if c.programme_id else "—"
        out.print(f"Programme : {programme} ; bailleur : {c.landlord or '—'}")
    chair = c.presided_by
    presidency = (
        f"{FUNCTIONS.get(chair['function'], chair['function'])} "
        f"({chair['organisation']})"
        if chair
        else "—"
    )
    closed = f" le {day(c.minutes_closed_on)}" if c.minutes_closed_on else ""
    out.print(
        f"État : {STAGE_NAMES.get(c.stage, c.stage)}{closed} ; présents : "
        f"{c.attendees} ; présidence : {presidency}"
    )
    if c.kind == "pre_commission":
        _entries("Pré-sélection", "n°", lists.preselection, names, outcome=True)
    if c.kind == "commission_prefectorale":
        _entries("Classement", "rang", lists.ranked, names)
        until = f" — valable jusqu'au {day(lists.list_valid_until)}"
        _entries(
            "Liste complémentaire",
            "n°",
            lists.liste_complementaire,
            names,
            suffix=until if lists.liste_complementaire else "",
        )
        _entries("Non retenus", "n°", lists.non_retenus, names)
    if c.kind == "cal":
        _dwellings(lists, names)
    return 0


def _entries(
    title: str,
    place: str,
    entries: Sequence[EntryRow],
    names: Names,
    *,
    outcome: bool = False,
    suffix: str = "",
) -> None:
    console().print()
    heading = f"{title} ({len(entries)}){suffix}"
    if not entries:
        print_table(heading, None, "  aucun dossier")
        return
    grid = table(
        (place, "right"),
        "dossier",
        "ménage",
        ("issue", "left") if outcome else ("critères RDA", "left", CRITERIA_WIDTH),
        ("motif", "left", MOTIVE_WIDTH),
        ("suite en CAL", "left", AFTER_WIDTH),
    )
    rows(
        grid,
        [
            (
                e.position,
                e.dossier_id,
                names.household(e.dossier_id),
                OUTCOME_NAMES.get(e.outcome, e.outcome)
                if outcome
                else ", ".join(spoken(c) for c in e.criteria),
                e.motive,
                f"{OUTCOME_NAMES.get(e.cal_decision, e.cal_decision)}"
                f"{f' ({e.cal_dwelling_ref})' if e.cal_dwelling_ref else ''}"
                if e.cal_decision
                else None,
            )
            for e in entries
        ],
    )
    print_table(heading, grid)


def _dwellings(lists: CommissionListPublic, names: Names) -> None:
    out = console()
    out.print()
    out.print("Décisions par logement")
    for dwelling in lists.dwellings:
        if not dwelling.examined:
            out.print(f"Logement {dwelling.ref} : pas encore examiné")
            continue
        exception = (
            f" ; moins de trois candidats : "
            f"{OUTCOME_NAMES.get(dwelling.exception, dwelling.exception)}"
            if dwelling.exception
            else ""
        )
        grid = rows(
            table(
                ("n°", "right"),
                "dossier",
                "ménage",
                "décision",
                ("motif", "left", 2 * MOTIVE_WIDTH),
            ),
            [
                (
                    e.position,
                    e.dossier_id,
                    names.household(e.dossier_id),
                    OUTCOME_NAMES.get(e.outcome, e.outcome),
                    e.motive,
                )
                for e in dwelling.candidates
            ],
        )
        print_table(
            f"Logement {dwelling.ref} — {len(dwelling.candidates)} "
            f"candidat(s){exception}",
            grid,
        )
