"""CCAPEX referrals: signal a household, record each step, read it and its history."""

# No `from __future__ import annotations` here: the step endpoints are built in a
# loop, and FastAPI must see each body class itself, not its name.

from api.record_routes import as_it_stands, record_router
from api.schemas.saisines import SaisinePublic
from api.steps import names_household

router = record_router(
    "saisine",
    "saisines CCAPEX",
    ("Saisine introuvable", "Ordre de la saisine, date hors séance, version périmée"),
    create=dict(
        action="signal",
        name="signal_saisine",
        doc="""Signal a household at risk of expulsion to the department's CCAPEX.""",
        refusal="signalement à la CCAPEX",
        check=names_household,
    ),
    step_prefix="saisine",
    read=(SaisinePublic, "read_saisine", as_it_stands("The referral")),
    history=("the referral", "read_saisine_history"),
)
