"""The record's choice lists, declared once: the model's fields, the pages' choices and the
command line's options all read them from here (``typing.get_args`` gives their values).

Kept apart from the record model so that the command line can offer them without loading
pydantic.
"""

from __future__ import annotations

from typing import Literal

PartyRole = Literal["provider", "recipient", "donor", "other"]
AnswerStatus = Literal["not_started", "discussing", "agreed", "not_applicable"]
ActionStatus = Literal["planned", "in_progress", "done", "not_applicable"]
PrincipleStatus = Literal["not_checked", "met", "partly_met", "not_met"]
Sensitivity = Literal["low", "moderate", "high"]
Importance = Literal["critical", "nice_to_have"]
Outcome = Literal["share", "share_with_conditions", "do_not_share"]
ConsentBasis = Literal[
    "informed_consent", "other_legal_basis", "not_personal_data", "not_obtained", "unknown"
]
Rating = Literal["yes", "partly", "no", "unknown"]
Sufficiency = Literal["more_than_sufficient", "sufficient", "less_than_sufficient", "unknown"]
Language = Literal["en", "fr", "es", "ar"]  # the interface's languages (pim_workbook.i18n)
AssessmentStatus = Literal["draft", "awaiting_signoff", "signed", "review_due", "archived"]
