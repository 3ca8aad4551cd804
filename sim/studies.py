"""The kinds of test a scenario can schedule (``[[study]] kind``), and the diagnostic journey.

Why one catalogue: the engine records an event per test, the timeline gives each a row, and
the work-up at diagnosis runs every kind, so each kind's event, title and tables are said once.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["StudyKind", "STUDY_KINDS", "DEFAULT_KIND", "JOURNEY_EVENTS", "JOURNEY_ROW",
           "event_rows"]


@dataclass(frozen=True)
class StudyKind:
    kind: str  # the scenario's [[study]] kind
    event: str  # the event recorded on the study's day
    title: str  # plain-language name (timeline row, default event detail)
    tables: tuple[str, ...]  # export tables its rows go to


STUDY_KINDS: dict[str, StudyKind] = {
    k.kind: k for k in (
        StudyKind("ncs", "ncs_study", "nerve conduction study", ("ncs", "fwaves")),
        StudyKind("exam", "exam_study", "bedside examination", ("exam",)),
        StudyKind("emg", "emg_study", "needle EMG", ("emg",)),
        StudyKind("labs", "labs_study", "laboratory tests", ("labs",)),
    )
}
DEFAULT_KIND = "ncs"

# The patient's road to a diagnosis (sim.journey), in the order it happens, with the short
# label the timeline writes beside each; all three share one timeline row.
JOURNEY_EVENTS: dict[str, str] = {
    "first_symptom": "first symptom",
    "first_consultation": "first consultation",
    "diagnosis": "diagnosis",
}
JOURNEY_ROW = "diagnostic journey"


def event_rows() -> dict[str, str]:
    """Timeline row of every study and journey event."""
    return {**{k.event: k.title for k in STUDY_KINDS.values()},
            **dict.fromkeys(JOURNEY_EVENTS, JOURNEY_ROW)}
