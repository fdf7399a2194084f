"""The commissions' tables, and the sections a dossier's entry is listed in."""

from __future__ import annotations

from projections.record_tables import record_table
from projections.rows import Table

COMMISSIONS = record_table(
    name="commissions",
    columns={
        "kind": "text",
        "department": "text",
        "commune": "text",
        "programme_id": "uuid",
        "landlord": "text",
        "held_on": "date",
        "convened_on": "date",
        "stage": "text",
        "attendees": "int",
        "attendance": "json",  # [{organisation, role, function}]
        "presided_by": "json",  # {organisation, role, function} or null
        "dwellings": "json",  # the refs a CAL examines
        "decisions": "int",  # dossiers decided on in the session
        "preselected": "int",
        "ranked": "int",
        "listed": "int",  # on the liste complémentaire
        "not_retained": "int",
        "cal_decisions": "int",
        "attributions": "int",
        "list_valid_until": "date",
        "minutes_closed_on": "date",
    },
    indexes=(("department", "commune", "held_on"), ("programme_id",)),
)
ENTRIES = Table(
    name="entries",
    columns={
        "commission_id": "uuid",
        "dossier_id": "uuid",
        "section": "text",  # SECTIONS
        "position": "int",  # rank, place on the list, or order in its section
        "event_version": "int",  # the commission's version that decided it
        "seq": "int",  # its order within that decision
        "criteria": "json",  # RDA criteria met, in the RDA's order
        "motive": "text",
        "outcome": "text",  # what was decided: pre-selection, ranking, CAL decision
        "dwelling_ref": "text",  # CAL: the dwelling examined
        "valid_until": "date",  # liste complémentaire: its last day
        "commune": "text",
        "held_on": "date",
        "details": "json",  # CAL: rank, condition, return session, prior ranking…
        "cal_id": "uuid",  # ranked or listed: the CAL that examined it since
        "cal_decision": "text",
        "cal_dwelling_ref": "text",
    },
    key=("commission_id", "dossier_id"),
    # A motive and a decision's details are about the dossier's household.
    personal={"motive": "dossier_id", "details": "dossier_id"},
    indexes=(("commune", "section"), ("dossier_id",)),
)
DWELLINGS = Table(
    name="dwellings",
    columns={
        "commission_id": "uuid",
        "ref": "text",
        "examined": "bool",
        "candidates": "int",
        "attributions": "int",
        "exception": "text",  # CAL-TROIS: dalo, candidats_insuffisants
        "exception_motive": "text",
    },
    key=("commission_id", "ref"),
)

PRESELECTION = "preselection"
RANG = "rang"
LISTE_COMPLEMENTAIRE = "liste_complementaire"
NON_RETENU = "non_retenu"
CAL = "cal"
SECTIONS = (PRESELECTION, RANG, LISTE_COMPLEMENTAIRE, NON_RETENU, CAL)
