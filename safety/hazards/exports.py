"""How hazards are named on paper (the ledger, notices, reports): in Chinese, whatever the reader's language."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app

GRADE_ZH = {"general": "一般隐患", "major": "重大隐患"}
STATUS_ZH = {"reported": "已上报", "assigned": "已交办", "rectifying": "整改中", "awaiting_verification": "待验收",
             "closed": "已销号", "dismissed": "已核销（非隐患）"}
SOURCE_ZH = {"inspection": "日常巡查", "direct": "直接上报", "public": "群众举报", "drill": "应急演练"}
LEVEL_ZH = {0: "学校", 1: "区县", 2: "市级"}


def _local(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).strftime("%Y-%m-%d %H:%M")
