"""A programme's three commission sessions, in memory: the pré-commission
preselects, the commission préfectorale ranks and lists, the CAL decides on the
households ranked or listed (public command methods only).

    events, sessions = procedure()        # sessions: "pre", "pref", "cal"
"""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from domain import commission_steps as c
from domain.commission import Commission
from domain.commission_values import CALExamination, PriorRanking, RankingEntry
from tests.helpers.commissions import (
    REFS,
    RETURN_SESSION_ON,
    convene_command,
    perform,
    rda_settings,
    session_meta,
)
from tests.helpers.dossiers import COMMUNE

RANKED = (uuid4(), uuid4(), uuid4())
LISTED = (uuid4(), uuid4())
SET_ASIDE = uuid4()
ECARTE = uuid4()
LIST_VALID_UNTIL = date(2025, 10, 22)  # the commission préfectorale + 6 months


def procedure() -> tuple[list[Commission.Event], dict[str, Commission]]:
    """A programme's three sessions, the CAL deciding on households the
    commission préfectorale ranked or listed, each session's events in order."""
    pre = convene_command(c.PRE_COMMISSION)(None)
    perform(pre, "record_attendance")
    meta = session_meta(c.PRE_COMMISSION)
    for dossier in RANKED:
        pre.preselect(dossier, "prioritaire", meta)
    for dossier in (*LISTED, SET_ASIDE):
        pre.preselect(dossier, "liste_complementaire", meta)
    pre.preselect(ECARTE, "ecarte", meta)
    perform(pre, "close_minutes")

    pref = convene_command(c.COMMISSION_PREFECTORALE)(None)
    perform(pref, "record_attendance")
    pref.rank(
        ranked=[
            RankingEntry(RANKED[0], ("dalo",)),
            RankingEntry(RANKED[1], ("sans_logement",), "Rez-de-chaussée adapté."),
            RankingEntry(RANKED[2], ("handicap",)),
        ],
        liste_complementaire=[
            RankingEntry(LISTED[0], ("insalubre",)),
            RankingEntry(LISTED[1]),
        ],
        non_retenus=[RankingEntry(SET_ASIDE, (), "Hors profil du programme.")],
        settings=rda_settings(),
        settings_version=1,
        meta=session_meta(c.COMMISSION_PREFECTORALE),
    )
    perform(pref, "close_minutes")

    def ranked(i: int) -> PriorRanking:
        return PriorRanking(pref.id, COMMUNE, "rang", i + 1)

    cal = convene_command(c.CAL)(None)
    perform(cal, "record_attendance")
    meta = session_meta(c.CAL)
    cal.examine_dwelling(
        REFS[0],
        [
            CALExamination(RANKED[0], ranked(0), "attribution"),
            CALExamination(RANKED[1], ranked(1), "non_attribution", motive="Taux."),
            CALExamination(
                LISTED[0],
                PriorRanking(
                    pref.id, COMMUNE, "liste_complementaire", 1, LIST_VALID_UNTIL
                ),
                c.ADJOURNMENT,
                motive="Pièce à vérifier.",
                return_session_on=RETURN_SESSION_ON,
            ),
        ],
        meta,
    )
    cal.examine_dwelling(
        REFS[1],
        [
            CALExamination(
                RANKED[2],
                ranked(2),
                "attribution",
                dalo_designated=True,
                dalo_recognised=True,
            )
        ],
        meta,
    )
    perform(cal, "close_minutes")
    sessions = {"pre": pre, "pref": pref, "cal": cal}
    events = [e for s in sessions.values() for e in s.collect_events()]
    return events, sessions
