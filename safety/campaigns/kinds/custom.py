"""Anything else an office requires, per class or per school; participants are counted when given."""
from __future__ import annotations

from ..models import TaskUnit
from . import Column, KindSpec, register

register(KindSpec(
    name="custom", units=(TaskUnit.school_class, TaskUnit.school),
    ledger_columns=(Column("参与人次", 10, lambda r: r.get("participants")),),
))
