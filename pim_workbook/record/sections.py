"""The sections a step of the assessment adds besides its questions and actions.

Step 2 carries the data items, the register, the arrangement, consent and the decision;
step 3 the incident log; step 4 the evaluation. Each is declared here once, with what
counts towards the step's progress; the page, the progress bar, the HTML and Markdown
templates and the Word report all read this declaration (each view renders a section by
its ``key``), so a new section is one entry here plus one renderer per view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pim_workbook.i18n import N_
from pim_workbook.record.model import Record


@dataclass(frozen=True)
class StepSection:
    """One section of a step: its key (the views' renderer), its title, its progress."""

    key: str
    title: str
    done: Callable[[Record], list[bool]]  # one entry per item that counts towards progress
    in_reports: bool = True  # a working tool (the risk workspace) is shown on the page only


def _data_items(r: Record) -> list[bool]:
    return [bool(r.data_items),
            bool(r.data_items) and all(d.sensitivity for d in r.data_items.values())]


def _arrangement(r: Record) -> list[bool]:
    arr = r.arrangement
    return [all([arr.form, arr.frequency, arr.channel, arr.aggregation]), bool(arr.access),
            bool(arr.red_lines), bool(arr.retention), bool(arr.time_frame),
            arr.next_review is not None]


def _consent_decision(r: Record) -> list[bool]:
    return [r.consent.basis is not None, r.decision.outcome is not None]


def _evaluation(r: Record) -> list[bool]:
    return [r.evaluation.evaluated_on is not None]


def _nothing(r: Record) -> list[bool]:
    return []


STEP_SECTIONS: dict[str, tuple[StepSection, ...]] = {
    "E2": (
        StepSection("data_items", N_("Data items"), _data_items),
        StepSection("register", N_("Register"), _nothing),
        StepSection("risk", N_("Disclosure risk"), _nothing, in_reports=False),
        StepSection("arrangement", N_("Arrangement"), _arrangement),
        StepSection("consent_decision", N_("Consent & decision"), _consent_decision),
    ),
    "E3": (StepSection("incidents", N_("Incidents"), _nothing),),
    "E4": (StepSection("evaluation", N_("Evaluation"), _evaluation),),
}


def sections_of(step_id: str, *, reports: bool = False) -> tuple[StepSection, ...]:
    """The sections of a step, in order (only those a report shows, with ``reports``)."""
    sections = STEP_SECTIONS.get(step_id, ())
    return tuple(s for s in sections if s.in_reports) if reports else sections


def section_keys() -> set[str]:
    """Every section key: each view has one renderer per key."""
    return {s.key for sections in STEP_SECTIONS.values() for s in sections}
