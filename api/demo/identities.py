"""The demo's people, one per role: who they are, and the department or commune
they act in when their role is territorial. `logis token --demo` signs a token
for each; the web pages' development sign-in lists them."""

from __future__ import annotations

from api.demo.ccapex import CCAPEX_ACTORS
from api.demo.loire import LOIRE_ACTORS
from api.demo.plan import ACTORS, COMMUNE
from domain.shared import Actor

MARTINIQUE, LOIRE = "972", "42"

DEMO_IDENTITIES: tuple[tuple[Actor, str | None, str | None], ...] = (
    (ACTORS["admin"], None, None),
    (ACTORS["mairie"], None, COMMUNE),
    (ACTORS["ccas"], None, COMMUNE),
    (ACTORS["departement"], MARTINIQUE, None),
    (ACTORS["caf"], None, None),
    (ACTORS["prefecture"], MARTINIQUE, None),
    (ACTORS["deal"], MARTINIQUE, None),
    (ACTORS["als"], MARTINIQUE, None),  # territorial: it reads its department
    (ACTORS["simar"], None, None),
    (LOIRE_ACTORS["ccas"], None, None),  # prescripteur
    (LOIRE_ACTORS["clu"], LOIRE, None),
    (Actor("travailleur-social", "association", "AGASEF"), None, None),
    (CCAPEX_ACTORS["ccapex"], LOIRE, None),
    (Actor("auditrice", "auditeur", "Chambre régionale des comptes"), None, None),
)
