"""An LLTS programme's steps (DOMAIN.md §2, §10): its kinds, the typologies of its
dwellings, who is invited to its concertation, its stages and its dwellings'
statuses, and the roles that may record each step. The aggregate
(domain/programme.py) enforces them."""

from __future__ import annotations

KINDS = ("livraison", "vacance")
TYPOLOGIES = ("T1", "T2", "T3", "T4", "T5", "T6")

# CONC-QUOTA: who the landlord and the ALS invite to the concertation [seed 000].
CONCERTATION_PARTNERS = ("mairie", "ccas", "departement", "caf", "prefecture", "deal")

# Stages of the programme itself; the commissions are aggregates of their own.
ANNOUNCED = "annonce"
CONCERTED = "concertation_tenue"
STAGES = (ANNOUNCED, CONCERTED)
# Status of each dwelling.
TO_LET = "a_attribuer"
LET = "loue"
VACANT = "vacant"

STEP_ROLES: dict[str, frozenset[str]] = {
    "announce": frozenset({"bailleur"}),
    "hold_concertation": frozenset({"bailleur", "als"}),
    "let_dwelling": frozenset({"bailleur"}),
    "vacate_dwelling": frozenset({"bailleur"}),
    "propose_candidates": frozenset({"bailleur"}),
}
# DOMAIN.md §8: a dwelling is held by one household at a time (see rules.py).
ONE_HOUSEHOLD = "LOGEMENT-UNIQUE"
