"""The grammar of ids: each kind of id has one pattern, used both when the workbook
gives an id and when it reads one from an imported file (ids become store paths, links and
file names).
"""

from __future__ import annotations

from typing import Annotated, TypeVar

from pydantic import (
    Field,
    StringConstraints,
)

STEP_IDS = ("E1", "E2", "E3", "E4")

# -- ids -----------------------------------------------------------------------------------
# Ids become parts of store paths, links and file names, so each kind has one pattern, used
# both when the workbook gives an id and when it reads one from an imported file.
ASSESSMENT_ID = r"^[a-z0-9][a-z0-9-]{2,31}$"
PARTY_ID = r"^[A-Z]$"  # parties get the letters A, B, C, ... in order
# Question, action, principle and category ids come from the framework content, whose schema
# fixes their form; a record only needs them to be plain names.
FRAMEWORK_ID = r"^[A-Za-z0-9_]+(?:[.-][A-Za-z0-9_]+)*$"
SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"  # what filenames.slug makes of a title
# Collections whose item ids the store assigns, with the prefix of those ids.
ITEM_PREFIX = {
    "stakeholders": "S",
    "systems": "Y",
    "flows": "F",
    "custom_actions": "C",
    "data_items": "D",
    "datasets": "DS",
    "incidents": "I",
    "arrangement/access": "X",
}


def item_id_pattern(collection: str) -> str:
    """The pattern of the ids the store gives a collection's items: its prefix and 1, 2, ..."""
    return rf"^{ITEM_PREFIX[collection]}[1-9][0-9]*$"


AssessmentId = Annotated[str, StringConstraints(pattern=ASSESSMENT_ID)]
PartyId = Annotated[str, StringConstraints(pattern=PARTY_ID)]
FrameworkId = Annotated[str, StringConstraints(pattern=FRAMEWORK_ID)]
StakeholderId = Annotated[str, StringConstraints(pattern=item_id_pattern("stakeholders"))]
SystemId = Annotated[str, StringConstraints(pattern=item_id_pattern("systems"))]
FlowId = Annotated[str, StringConstraints(pattern=item_id_pattern("flows"))]
CustomActionId = Annotated[str, StringConstraints(pattern=item_id_pattern("custom_actions"))]
DataItemId = Annotated[str, StringConstraints(pattern=item_id_pattern("data_items"))]
DatasetId = Annotated[str, StringConstraints(pattern=item_id_pattern("datasets"))]
IncidentId = Annotated[str, StringConstraints(pattern=item_id_pattern("incidents"))]
AccessId = Annotated[str, StringConstraints(pattern=item_id_pattern("arrangement/access"))]
# The shared file of a dataset, next to its datapackage.json: a slug of its title and .csv.
DataFileName = Annotated[str, StringConstraints(pattern=rf"^(?:{SLUG}\.csv)?$")]

_K = TypeVar("_K")
_V = TypeVar("_V")
# A collection keyed by ids: in the JSON Schema too, a key of another form is refused.
IdMap = Annotated[dict[_K, _V], Field(json_schema_extra={"additionalProperties": False})]

