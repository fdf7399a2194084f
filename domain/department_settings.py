"""A department's settings (DOMAIN.md §6): data, never code. What an
administrator adopts, with its bounds: the procedure's delays and counts, the
ASLL channels, associations and work axes, the RDA's priority criteria, the
required documents, the resource ceilings, and where each value comes from.
Each version is adopted, with the day it takes effect, by the department's
aggregate (domain/department.py)."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from domain.text import SingleLine

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any, NoReturn


class ReadOnlyDict(dict):  # type: ignore[type-arg]
    """A dict nothing can change: the mappings of a settings version, so that
    the version, validated once, is shared by every command that reads it
    (commands/application.py) and none can alter what the others read."""

    def _refuse(self, *_args: Any, **_kwargs: Any) -> NoReturn:
        msg = "department settings are read-only"
        raise TypeError(msg)

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (dict(self),))

    def __deepcopy__(self, memo: dict[int, Any]) -> ReadOnlyDict:
        return type(self)(copy.deepcopy(dict(self), memo))


# Bounds of what an administrator may adopt: a name (document, criterion, role,
# axis, sector) and an amount in euros.
Name = Annotated[str, StringConstraints(min_length=1, max_length=200), SingleLine]
CEILING_MAX = Decimal(10_000_000)

SourceText = Annotated[str, Field(min_length=1, max_length=1000), SingleLine]


class Provenance(BaseModel):
    """Where a settings value comes from: the text that sets it and, when no
    text does (a reading, an estimate, a figure computed rather than read), the
    assumption it rests on. A finding judged by such a value says so."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: SourceText
    assumption: SourceText | None = None


class CeilingTable(BaseModel):
    """Yearly LLTS/PLAI resource ceilings (annual, in euros) by household category."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int = Field(ge=2000, le=2100)
    by_category: dict[int, Annotated[Decimal, Field(gt=0, le=CEILING_MAX)]] = Field(
        min_length=1,
        max_length=6,
        # JSON keys are strings: the schema names the six the validator takes.
        json_schema_extra={"propertyNames": {"enum": [str(c) for c in range(1, 7)]}},
    )
    source: SourceText
    # Set when the figures are not read in the text in force (computed, or
    # carried over from another scale): what they rest on.
    assumption: SourceText | None = None

    @field_validator("by_category")
    @classmethod
    def _categories_one_to_six(cls, value: dict[int, Decimal]) -> dict[int, Decimal]:
        if not value or any(k not in range(1, 7) or v <= 0 for k, v in value.items()):
            msg = "catégories 1 à 6 attendues, chacune d'un montant positif"
            raise ValueError(msg)
        return ReadOnlyDict(value)


# ASLL-CONTENU: the work axes of a measure [seed 004; seed 002 adds the last three].
ASLL_WORK_AXES = (
    "gestion_budgetaire",
    "acces_aux_droits_et_services_publics",
    "projet_logement",
    "appropriation_et_usage_du_logement",
    "mediation_voisinage",
    "mediation_dans_le_bail",
    "insertion_dans_le_quartier",
    "aide_a_la_recherche",
    "aide_a_l_installation",
    "apprentissage_du_statut_de_locataire",
)


# The code of an association (and of an ASLL channel) in a department's settings.
ASSOCIATION_PATTERN = r"^[a-z0-9_]{2,40}$"


class AssociationSettings(BaseModel):
    """An association running ASLL measures, with its capacity (ASLL-CAPACITE)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=ASSOCIATION_PATTERN)
    name: Name
    sectors: tuple[Name, ...] = Field(default=(), max_length=200)
    monthly_capacity: int = Field(ge=0, le=10000)  # households at once
    renforce_capacity: int = Field(
        default=0, ge=0, le=10000
    )  # of which suivis renforcés
    direct: bool = False  # instructs its own specific actions (ARIV, ARALIS)


class ChannelSettings(BaseModel):
    """ASLL-CANAL: a body that instructs, notifies and renews measures of some
    kinds, who acts for it (a role, and the organisations that sit in it; none
    listed: any organisation of that role in the department)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=ASSOCIATION_PATTERN)
    name: Name
    kinds: tuple[Literal["individuelle", "bail_glissant"], ...] = Field(min_length=1)
    role: Literal["commission_logement", "association"] = "commission_logement"
    members: tuple[Name, ...] = Field(default=(), max_length=50)


# The Loire's scheme (seed 002): individual measures to the CLU, baux glissants
# to the CLT. Only a default: each department sets its own channels.
LOIRE_CHANNELS = (
    ChannelSettings(code="clu", name="la CLU", kinds=("individuelle",)),
    ChannelSettings(code="clt", name="la CLT", kinds=("bail_glissant",)),
)


class DepartmentSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    dossiers_per_dwelling: int = Field(default=3, ge=1, le=20)
    liste_complementaire_validity_months: int = Field(default=6, ge=1, le=36)
    bilan_installation_deadline_months: int = Field(default=2, ge=1, le=12)
    # DALO-DELAI (CCH R441-15, R441-16-1): the commission de médiation decides
    # within these months of a complete appeal, the préfet offers a dwelling
    # within these months of its decision; 6 overseas (and, for the offer, where
    # an agglomeration exceeds 300,000 inhabitants), 3 elsewhere.
    dalo_mediation_months: int = Field(default=3, ge=1, le=12)
    dalo_offer_months: int = Field(default=3, ge=1, le=12)
    min_support_months_after_bilan: int = Field(default=6, ge=1, le=36)
    asll_min_months: int = Field(default=3, ge=1, le=24)
    asll_max_months: int = Field(default=6, ge=1, le=36)
    asll_renewals_allowed: int = Field(default=1, ge=0, le=10)
    # ASLL-DUREE: a re-intervention asked within this many months of the end of
    # the previous measure counts as a renewal of it. Assumption: the seeds
    # (002: "une ré-intervention peut être demandée ultérieurement") give no
    # figure; six months, one ordinary measure's length, is our reading.
    asll_reintervention_gap_months: int = Field(default=6, ge=0, le=36)
    meetings_per_month: int = Field(default=2, ge=0, le=10)
    # BG-GLISSEMENT: the periodic review of a sublet, with both parties (CCH
    # L442-8-3 leaves the period to the convention).
    bail_glissant_review_months: int = Field(default=6, ge=1, le=24)
    # RGPD-CONSERVATION: social-support data kept after the last contact (CNIL
    # 2023-095: two years).
    support_retention_months: int = Field(default=24, ge=1, le=120)
    prescriber_roles: tuple[Name, ...] = Field(default=("prescripteur",), max_length=20)
    asll_channels: tuple[ChannelSettings, ...] = Field(
        default=LOIRE_CHANNELS, max_length=20
    )
    # BILAN-SUITE: the support a bilan d'installation asked for starts (its
    # convention signed) within this many months of its request. Assumption:
    # seed 000 gives no delay; one month is our reading.
    bilan_support_start_months: int = Field(default=1, ge=1, le=12)
    asll_work_axes: tuple[Name, ...] = Field(default=ASLL_WORK_AXES, max_length=50)
    associations: tuple[AssociationSettings, ...] = Field(default=(), max_length=200)
    rda_priority_criteria: tuple[Name, ...] = Field(default=(), max_length=50)
    required_documents: tuple[Name, ...] = Field(min_length=1, max_length=50)
    resource_ceilings: tuple[CeilingTable, ...] = Field(default=(), max_length=50)
    max_taux_effort: Decimal = Field(default=Decimal("0.30"), gt=0, lt=1)
    min_reste_a_vivre_per_person: Decimal = Field(
        default=Decimal(300), ge=0, le=CEILING_MAX
    )
    # RGPD-CONSERVATION: how long social-appraisal data may outlive its need
    # (attribution without follow-up, or the follow-up's end) before erasure.
    social_data_retention_months: int = Field(default=1, ge=0, le=24)
    # SAISIE-TARDIVE: a step recorded more than this many days after it
    # happened is a finding of its own. Assumption: no text sets a delay; 30
    # days (a month) is our reading. None: not judged — the value of versions
    # adopted before the rule existed (SettingsAdopted v1, upcast).
    late_entry_days: int | None = Field(default=30, ge=1, le=3650)
    # The legal source of each value above, by field name, and the assumption
    # it rests on where no text sets it. Settings adopted before it existed
    # have none: their values are then of unknown provenance, not assumptions.
    provenance: dict[str, Provenance] = Field(
        default_factory=ReadOnlyDict, max_length=100
    )

    @field_validator("provenance")
    @classmethod
    def _provenance_of_settings(
        cls, value: dict[str, Provenance]
    ) -> dict[str, Provenance]:
        unknown = sorted(set(value) - (set(cls.model_fields) - {"provenance"}))
        if unknown:
            msg = f"provenance de réglages inconnus : {', '.join(unknown)}"
            raise ValueError(msg)
        return ReadOnlyDict(value)

    def assumptions(self, names: Iterable[str], day: date) -> tuple[str, ...]:
        """The assumptions, in French, under the values `names` as used on
        `day` (for the ceilings, the table of that year)."""
        found = []
        for name in names:
            entry = self.provenance.get(name)
            if entry is not None and entry.assumption:
                found.append(f"{name} : {entry.assumption}")
            if name == "resource_ceilings":
                table = self.ceiling_table(day.year)
                if table is not None and table.assumption:
                    found.append(f"plafonds {table.year} : {table.assumption}")
        return tuple(found)

    def channel(self, kind: str) -> ChannelSettings | None:
        return next((c for c in self.asll_channels if kind in c.kinds), None)

    def association(self, code: str) -> AssociationSettings | None:
        return next((a for a in self.associations if a.code == code), None)

    def ceiling_table(self, year: int) -> CeilingTable | None:
        return next((t for t in self.resource_ceilings if t.year == year), None)

    def ceiling(self, year: int, category: int) -> Decimal | None:
        table = self.ceiling_table(year)
        return None if table is None else table.by_category.get(category)
