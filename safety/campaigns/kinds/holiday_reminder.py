"""A safety reminder before each holiday of the school calendar inside the campaign, with a photo as evidence."""
from __future__ import annotations

from ..models import TaskUnit
from . import Column, KindSpec, register

register(KindSpec(
    name="holiday_reminder", units=(TaskUnit.holiday,), photo_required=True,
    ledger_columns=(Column("参与人次", 10, lambda r: r.get("participants")),),
))
