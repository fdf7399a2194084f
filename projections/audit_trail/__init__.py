"""The audit trail: every event of every record (dossier, ASLL measure,
programme, commission session, CCAPEX referral) in the order it was recorded,
with who acted (subject, role, organisation), when it was recorded and when it
happened, its French label, its legal basis, the commission it belongs to and a
short factual summary of what it decided (`summaries`). Written by
`projection`; read through `queries`.

Summaries keep decisions, avis, motives, ranks and dates; never the text of a
social enquiry, a diagnostic, a bilan, findings or free notes (DOMAIN.md §9:
commissions get the summary avis, not the social enquiry).
"""

from projections.audit_trail.projection import AuditTrailProjection
from projections.audit_trail.queries import (
    AuditRecord,
    AuditRow,
    find_record,
    select_records,
    select_trail,
    trail_by,
)
from projections.audit_trail.summaries import SUMMARIES, day, summarise
from projections.audit_trail.tables import EVENTS, RECORDS, audit_topics

__all__ = [
    "EVENTS",
    "RECORDS",
    "SUMMARIES",
    "AuditRecord",
    "AuditRow",
    "AuditTrailProjection",
    "audit_topics",
    "day",
    "find_record",
    "select_records",
    "select_trail",
    "summarise",
    "trail_by",
]
