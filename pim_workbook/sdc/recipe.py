"""A treatment as a replayable recipe: the columns it reads and its steps, as JSON.

A monthly sharing arrangement needs the same treatment on every new delivery of a dataset,
as sdcApp's exported script gives it. A :class:`Recipe` holds what the risk check was told
(quasi-identifiers, sensitive columns, weight, household id, what counts as missing, the
tabulation to watch) and the steps in order, with every parameter and seed, so that
:func:`replay` on the same file gives the same table byte for byte, and on next month's file
the same treatment. Recipes never hold values of the rows, only column names, parameters
and the category labels a recoding names.

The JSON Schema ships with the package (``recipe.schema.json``, :func:`recipe_schema`) for
other tools to validate a recipe before they run it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pim_workbook.i18n import _
from pim_workbook.sdc.treatments import Treatment

if TYPE_CHECKING:
    import pandas as pd

    from pim_workbook.sdc.loss import InformationLoss

__all__ = ["FORMAT", "Recipe", "Replayed", "load_recipe", "parse_recipe", "recipe_schema",
           "replay", "save_recipe", "shipped_schema"]

FORMAT: Literal["pim-workbook-sdc-recipe"] = "pim-workbook-sdc-recipe"
SCHEMA_FILE = "recipe.schema.json"
Column = Annotated[str, Field(min_length=1)]


class Recipe(BaseModel):
    """The treatment of one dataset, to replay on each new delivery."""

    model_config = ConfigDict(frozen=True, extra="forbid",
                              title="PIM workbook disclosure-control recipe")
    format: Literal["pim-workbook-sdc-recipe"] = FORMAT
    version: Literal[1] = 1
    quasi: list[Column] = Field(min_length=1, description="quasi-identifier columns")
    sensitive: list[Column] = []
    weight: Column | None = None
    household: Column | None = Field(default=None, description="household-id column")
    na_values: list[str] = Field(default=[], description="values read as missing besides "
                                 "empty fields")
    tabulate: list[Column] = Field(default=[], description="columns whose cross-tabulation "
                                   "the information loss compares before and after")
    steps: list[Treatment] = Field(description="the treatment steps, in order")


@dataclass(frozen=True)
class Replayed:
    """A table after a recipe: the sentence of each step and the table after each one,
    with the kind of change it made (for the information loss)."""

    table: pd.DataFrame
    sentences: list[str]
    stages: list[tuple[str, pd.DataFrame]]

    def loss(self, original: pd.DataFrame, tabulate: list[str] | None = None
             ) -> InformationLoss:
        """What the steps cost, against the table they started from."""
        from pim_workbook.sdc.loss import information_loss

        return information_loss(original, self.stages, tabulate=tabulate or None)


def replay(table: pd.DataFrame, steps: list[Treatment]) -> Replayed:
    """Run ``steps`` on ``table`` in order (the input is never modified)."""
    sentences, stages = [], []
    for step in steps:
        table, sentence = step.treat(table)
        sentences.append(sentence)
        stages.append((step.effect, table))
    return Replayed(table, sentences, stages)


def parse_recipe(data: bytes, shown: str) -> Recipe:
    """A recipe from the bytes of a file called ``shown``; one clear line when it is not
    one."""
    try:
        return Recipe.model_validate_json(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"])) or _("the file")
        raise ValueError(_("{file} is not a treatment recipe: {where}: {reason}")
                         .format(file=shown, where=where, reason=first["msg"])) from None


def load_recipe(path: str | Path) -> Recipe:
    """A recipe file; one clear line when it cannot be read or is not one."""
    try:
        data = Path(path).expanduser().read_bytes()
    except OSError as exc:
        raise ValueError(_("{file}: cannot read the recipe ({reason})")
                         .format(file=path, reason=exc.strerror or exc)) from None
    return parse_recipe(data, str(path))


def recipe_json(recipe: Recipe) -> str:
    """The recipe as it is saved and recorded: indented JSON, keys in a fixed order."""
    return json.dumps(recipe.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def save_recipe(recipe: Recipe, path: str | Path) -> Path:
    """Write ``recipe`` to ``path`` (UTF-8 JSON); returns the path."""
    target = Path(path).expanduser()
    target.write_text(recipe_json(recipe), encoding="utf-8")
    return target


def recipe_schema() -> dict[str, Any]:
    """The JSON Schema of a recipe, as the package ships it."""
    schema: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                              **Recipe.model_json_schema()}
    return schema


def shipped_schema() -> dict[str, Any]:
    """The JSON Schema file shipped next to this module."""
    shipped: dict[str, Any] = json.loads(
        files("pim_workbook.sdc").joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))
    return shipped
