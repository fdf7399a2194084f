"""ASLL measures driven step by step, each step on the day given: in memory on
the aggregate (`Course`, for the projection's unit tests) or over the API
(`HttpCourse`, for the integration and end-to-end tests).

    course = Course(date(2025, 1, 6)).up_to_convention(date(2025, 3, 1))
    course.meet(date(2025, 3, 10)).end(date(2025, 9, 1))
    events = course.events                                  # every event so far

Both speak the same steps; every step returns the course, so they chain.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Self
from uuid import UUID, uuid4

from domain.department_settings import AssociationSettings
from domain.mesure import Mesure
from tests.helpers.api import acting_in, actor
from tests.helpers.dossiers import make_meta, make_settings

if TYPE_CHECKING:
    from starlette.testclient import TestClient

DEPARTMENT = "972"
COMMUNE = "97209"
WORKER = "Claire Joseph"
LANDLORD = "SIMAR"
# Two associations as the Loire's: AGASEF 30 households; ADSEA 42 28 households
# of which 4 suivis renforcés [seed 002].
ASSOCIATIONS = (
    AssociationSettings(code="agasef", name="AGASEF", monthly_capacity=30),
    AssociationSettings(
        code="adsea42", name="ADSEA 42", monthly_capacity=28, renforce_capacity=4
    ),
)
NAMES = {a.code: a.name for a in ASSOCIATIONS}
SETTINGS = make_settings(associations=ASSOCIATIONS)
AXES = ["gestion_budgetaire", "projet_logement"]


def convention(
    on: date,
    *,
    months: int = 6,
    orientation: str = "acces",
    worker: str = WORKER,
    starts_on: date | None = None,
) -> dict[str, Any]:
    """A convention's fields, signed on `on` by the association, the household
    and the prescriber; it runs from `starts_on` (default `on`)."""
    return {
        "orientation": orientation,
        "axes": AXES,
        "duration_months": months,
        "starts_on": starts_on or on,
        "worker": worker,
        "signed_by": ["association", "menage", "prescripteur"],
    }


class ToConvention:
    """The way to a convention, the same for both courses (each takes the steps
    `instruct`, `notify`, `diagnose` and `sign` its own way)."""

    requested_on: date

    def up_to_convention(
        self,
        starts_on: date,
        *,
        association: str = "agasef",
        renforce: bool = False,
        **signing: Any,
    ) -> Self:
        """Instructed, notified and diagnosed on the request's day, the convention
        signed on the day it starts."""
        on = self.requested_on
        course: Any = self  # a Course or an HttpCourse
        course.instruct(on).notify(on, association, renforce=renforce).diagnose(on)
        return course.sign(starts_on, **signing)  # type: ignore[no-any-return]


def requested(
    *, kind: str = "individuelle", department: str = DEPARTMENT, commune: str = COMMUNE
) -> dict[str, Any]:
    """What a prescriber's request of a measure says, but its household and the
    day its diagnostic was signed (each course writes them its own way)."""
    return {
        "kind": kind,
        "department": department,
        "commune": commune,
        "diagnostic_summary": "Dettes locatives, budget à reprendre.",
        "household_signed": True,
    }


class Course(ToConvention):
    """One measure on the aggregate; `events` holds everything it recorded."""

    def __init__(
        self, on: date, *, household_id: UUID | None = None, **request: Any
    ) -> None:
        """`request`: kind, department, commune (`requested`)."""
        self.association = ""
        self.mesure = Mesure.request(
            mesure_id=uuid4(),
            **requested(**request),
            household_id=household_id or uuid4(),
            diagnostic_signed_on=on,
            settings=SETTINGS,
            meta=make_meta("prescripteur", on),
        )
        self.events: list[Any] = list(self.mesure.collect_events())

    @property
    def id(self) -> UUID:
        return self.mesure.id

    @property
    def requested_on(self) -> date:  # type: ignore[override]
        return self.mesure.requested_on

    def _keep(self) -> Course:
        self.events += self.mesure.collect_events()
        return self

    def _by_association(self, on: date) -> Any:
        return make_meta("association", on, organisation=NAMES[self.association])

    def instruct(self, on: date, *, granted: bool = True) -> Course:
        motive = None if granted else "Pas de difficulté de logement."
        self.mesure.instruct(granted, motive, make_meta("commission_logement", on))
        return self._keep()

    def notify(
        self, on: date, association: str = "agasef", *, renforce: bool = False
    ) -> Course:
        self.association = association
        chosen = SETTINGS.association(association)
        assert chosen is not None
        self.mesure.notify(chosen, renforce, make_meta("commission_logement", on))
        return self._keep()

    def diagnose(self, on: date, *, reorient: bool = False) -> Course:
        self.mesure.diagnose(
            "reoriente" if reorient else "confirme",
            "Projet confirmé avec le ménage.",
            "Service social de secteur" if reorient else None,
            self._by_association(on),
        )
        return self._keep()

    def sign(self, on: date, **options: Any) -> Course:
        """The convention signed on `on` (options: `convention`'s)."""
        self.mesure.sign_convention(
            **convention(on, **options),
            settings=SETTINGS,
            meta=self._by_association(on),
        )
        return self._keep()

    def meet(self, on: date, *, held: bool = True) -> Course:
        meta = self._by_association(on)
        if held:
            self.mesure.hold_meeting("visite_a_domicile", meta)
        else:
            self.mesure.miss_meeting(True, meta)
        return self._keep()

    def ask_renewal(self, on: date, months: int = 3) -> Course:
        self.mesure.request_renewal(
            months, "Projet en cours.", SETTINGS, self._by_association(on)
        )
        return self._keep()

    def decide_renewal(self, on: date, *, granted: bool) -> Course:
        motive = None if granted else "Objectifs atteints."
        self.mesure.decide_renewal(
            granted, motive, SETTINGS, make_meta("commission_logement", on)
        )
        return self._keep()

    def end(self, on: date) -> Course:
        self.mesure.end(
            "Objectifs atteints.",
            ["travailleur_social", "menage"],
            "Mission Locale Centre",
            self._by_association(on),
        )
        return self._keep()

    def break_off(self, on: date) -> Course:
        self.mesure.break_off("Le ménage ne répond plus.", self._by_association(on))
        return self._keep()

    def head_lease(self, on: date) -> Course:
        self.mesure.sign_head_lease(LANDLORD, "BG-12", on, self._by_association(on))
        return self._keep()

    def sublease(self, on: date, starts_on: date | None = None) -> Course:
        self.mesure.sign_sublease(starts_on or on, self._by_association(on))
        return self._keep()

    def review_sublease(self, on: date) -> Course:
        self.mesure.review_sublease("Loyers payés.", self._by_association(on))
        return self._keep()

    def slide(self, on: date) -> Course:
        self.mesure.slide_lease(make_meta("bailleur", on, organisation=LANDLORD))
        return self._keep()

    def end_sublease(self, on: date) -> Course:
        self.mesure.end_sublease("Fin du projet.", self._by_association(on))
        return self._keep()


def interleave(*courses: Course) -> list[Any]:
    """The events of several measures as a store could hold them: each measure's
    in order, the measures taken in turns."""
    queues = [list(c.events) for c in courses]
    events = []
    while any(queues):
        for queue in queues:
            if queue:
                events.append(queue.pop(0))
    return events


# ---- over the API ------------------------------------------------------------

ORGANISATIONS = {
    "prescripteur": "Mission Locale Centre",
    "commission_logement": "CLU Loire",
    "bailleur": LANDLORD,
}


def headers(role: str, organisation: str | None = None) -> dict[str, str]:
    return actor(role, organisation=organisation or ORGANISATIONS.get(role, role))


def associations_body() -> list[dict[str, Any]]:
    return [a.model_dump(mode="json") for a in ASSOCIATIONS]


class HttpCourse(ToConvention):
    """One measure driven over the API: the same steps as `Course`; `position`
    is the store position of the last step (for `min_position`)."""

    def __init__(
        self,
        client: TestClient,
        on: date,
        *,
        household_id: UUID | None = None,
        **request: Any,
    ) -> None:
        """`request`: kind, department, commune (`requested`)."""
        self.client = client
        self.association = ""
        self.requested_on = on
        fields = requested(**request)
        self.place = (fields["department"], fields["commune"])  # its CLU/CLT's
        body = {
            **fields,
            "diagnostic_signed_on": on.isoformat(),
            "occurred_on": on.isoformat(),
        }
        if household_id is not None:
            body["household_id"] = str(household_id)
        answer = client.post("/v1/mesures", json=body, headers=headers("prescripteur"))
        assert answer.status_code == 201, answer.text
        self.id = UUID(answer.json()["id"])
        self.position: int = answer.json()["position"]

    def step(
        self, slug: str, on: date, body: dict[str, Any], role: str = "association"
    ) -> HttpCourse:
        organisation = NAMES.get(self.association) if role == "association" else None
        with acting_in(*self.place):
            credentials = headers(role, organisation)
        answer = self.client.post(
            f"/v1/mesures/{self.id}/{slug}",
            json={**body, "occurred_on": on.isoformat()},
            headers=credentials,
        )
        assert answer.status_code == 200, answer.text
        self.position = answer.json()["position"]
        return self

    def instruct(self, on: date, *, granted: bool = True) -> HttpCourse:
        body: dict[str, Any] = {"granted": granted}
        if not granted:
            body["motive"] = "Pas de difficulté de logement."
        return self.step("instruction", on, body, "commission_logement")

    def notify(
        self, on: date, association: str = "agasef", *, renforce: bool = False
    ) -> HttpCourse:
        self.association = association
        body = {"association": association, "renforce": renforce}
        return self.step("notification", on, body, "commission_logement")

    def diagnose(self, on: date, *, reorient: bool = False) -> HttpCourse:
        body: dict[str, Any] = {
            "outcome": "reoriente" if reorient else "confirme",
            "summary": "Projet confirmé avec le ménage.",
        }
        if reorient:
            body["reoriented_to"] = "Service social de secteur"
        return self.step("complementary-diagnosis", on, body)

    def sign(self, on: date, **options: Any) -> HttpCourse:
        """The convention signed on `on` (options: `convention`'s)."""
        body = convention(on, **options)
        return self.step(
            "convention", on, {**body, "starts_on": str(body["starts_on"])}
        )

    def meet(self, on: date, *, held: bool = True) -> HttpCourse:
        if held:
            return self.step("meeting", on, {"kind": "entretien"})
        return self.step("missed-meeting", on, {"relaunched": True})

    def ask_renewal(self, on: date, months: int = 3) -> HttpCourse:
        body = {"months": months, "reason": "Projet en cours."}
        return self.step("renewal-request", on, body)

    def decide_renewal(self, on: date, *, granted: bool) -> HttpCourse:
        body: dict[str, Any] = {"granted": granted}
        if not granted:
            body["motive"] = "Objectifs atteints."
        return self.step("renewal-decision", on, body, "commission_logement")

    def end(self, on: date) -> HttpCourse:
        body = {
            "bilan": "Objectifs atteints.",
            "signed_by": ["travailleur_social", "menage"],
            "relayed_to": "Mission Locale Centre",
        }
        return self.step("end", on, body)

    def break_off(self, on: date) -> HttpCourse:
        return self.step("rupture", on, {"motive": "Le ménage ne répond plus."})

    def head_lease(self, on: date) -> HttpCourse:
        body = {
            "landlord": LANDLORD,
            "dwelling_ref": "BG-12",
            "starts_on": on.isoformat(),
        }
        return self.step("head-lease", on, body)

    def sublease(self, on: date, starts_on: date | None = None) -> HttpCourse:
        body = {"starts_on": (starts_on or on).isoformat()}
        return self.step("sublease", on, body)

    def slide(self, on: date) -> HttpCourse:
        return self.step("lease-slide", on, {}, "bailleur")


def days(first: date, n: int) -> date:
    return first + timedelta(days=n)
