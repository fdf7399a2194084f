"""The minutes as a printable page (api/templates/minutes.html)."""

from __future__ import annotations

from datetime import datetime

from api.documents import moment, render_html
from api.minutes.labels import FUNCTIONS, KIND_TITLES
from api.minutes.model import Minutes
from domain.places import commune_label
from domain.shared import fr_day


def minutes_html(minutes: Minutes, now: datetime) -> str:
    s = minutes.commission
    kind = KIND_TITLES[s.kind]
    provisional = minutes.closed_on is None
    place = f"commune {commune_label(s.commune)}, département {s.department}"
    facts = [
        ("Commission", kind),
        ("Séance du", fr_day(s.held_on)),
        ("Lieu", place),
    ]
    if minutes.programme is not None:
        p = minutes.programme
        where = commune_label(p.commune)
        facts.append(("Programme", f"{p.landlord} — {where} ({p.id})"))
    if s.landlord:
        facts.append(("Bailleur", s.landlord))
    if s.dwelling_refs:
        facts.append(("Logements examinés", ", ".join(s.dwelling_refs)))
    facts.append(
        (
            "Procès-verbal",
            "provisoire (non clos)"
            if provisional
            else f"clos le {fr_day(minutes.closed_on)}",
        )
    )
    facts.append(("Identifiant", str(s.id)))
    facts.append(("Édité le", moment(now, s.department)))
    title = f"Procès-verbal — {kind} du {fr_day(s.held_on)}"
    return render_html(
        "minutes.html",
        title=title,
        heading=f"Procès-verbal de séance — {kind}",
        short_title=f"procès-verbal du {fr_day(s.held_on)}"
        + (" (provisoire)" if provisional else ""),
        facts=facts,
        minutes=minutes,
        provisional=provisional,
        functions=FUNCTIONS,
        generated_at=now,
    )
