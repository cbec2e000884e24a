"""Checking a submission's answers against the checklist version it answered."""
from __future__ import annotations

from flask_babel import gettext as _

from ..checklists.models import ChecklistItem, ChecklistVersion, Grade, ItemKind
from ..errors import Invalid
from .models import Outcome


def _expected_outcome(item: ChecklistItem, result: dict) -> Outcome | None:
    """For readings and choices the answer itself decides pass or fail; None where the inspector decides."""
    value = result.get("value")
    if item.kind == ItemKind.number and isinstance(value, int | float) and not isinstance(value, bool):
        too_low = item.min_value is not None and value < item.min_value
        too_high = item.max_value is not None and value > item.max_value
        return Outcome.failed if too_low or too_high else Outcome.passed
    if item.kind == ItemKind.choice:
        choice = next((c for c in item.choices or [] if c["value"] == value), None)
        if choice is not None:
            return Outcome.failed if choice.get("fails") else Outcome.passed
    return None


def _check_one(item: ChecklistItem, result: dict) -> dict[str, list[str]]:
    """Problems with one answer, by field ("value" or "photos")."""
    outcome, value, photos = result["outcome"], result.get("value"), result.get("photos") or []
    if outcome == Outcome.not_applicable:
        return {}
    problems: dict[str, list[str]] = {}
    if item.kind == ItemKind.number and (not isinstance(value, int | float) or isinstance(value, bool)):
        problems.setdefault("value", []).append(_("A number is needed (%(unit)s).", unit=item.unit or "-"))
    if item.kind == ItemKind.choice and value not in {c["value"] for c in item.choices or []}:
        problems.setdefault("value", []).append(
            _("Choose one of: %(choices)s.", choices=", ".join(c["value"] for c in item.choices or [])))
    expected = _expected_outcome(item, result)
    if expected is not None and expected != outcome:
        problems.setdefault("outcome", []).append(
            _("The answer means %(expected)s, not %(given)s.", expected=expected.value, given=outcome.value))
    if item.kind == ItemKind.photo and not photos:
        problems.setdefault("photos", []).append(_("This item is answered with a photo."))
    elif outcome == Outcome.failed and item.photo_on_fail and not photos:
        problems.setdefault("photos", []).append(_("A failed item here needs a photo."))
    if result.get("fixed_on_spot"):
        problems.update(_check_fix(item, result))
    return problems


def _check_fix(item: ChecklistItem, result: dict) -> dict[str, list[str]]:
    """立行立改 is for a failed general item, proven by photos other than those of the problem."""
    if result["outcome"] != Outcome.failed:
        return {"fixed_on_spot": [_("Only a failed item can be fixed on the spot.")]}
    if item.fail_grade != Grade.general:
        return {"fixed_on_spot": [_("A major hazard cannot be fixed on the spot: it needs its 五落实 plan.")]}
    if set(result["fixed_on_spot"]["photos"]) & set(result.get("photos") or []):
        return {"fixed_on_spot.photos": [_("Show the result: not the photo of the problem.")]}
    return {}


def check_results(version: ChecklistVersion, results: list[dict]) -> None:
    """Every item answered exactly once (or marked not applicable), each answer fitting its item."""
    items = {item.id: item for item in version.items}
    problems: dict[str, list[str]] = {}
    seen: set[int] = set()
    for index, result in enumerate(results):
        item = items.get(result["item_id"])
        if item is None:
            problems[f"results.{index}.item_id"] = [_("Not an item of this checklist version.")]
        elif item.id in seen:
            problems[f"results.{index}.item_id"] = [_("Answered twice.")]
        else:
            seen.add(item.id)
            for field, found in _check_one(item, result).items():
                problems[f"results.{index}.{field}"] = found
    unanswered = [item.position for item in version.items if item.id not in seen]
    if unanswered:
        problems["results"] = [_("Items not answered: %(positions)s.", positions=", ".join(map(str, unanswered)))]
    if problems:
        raise Invalid(fields=problems)
