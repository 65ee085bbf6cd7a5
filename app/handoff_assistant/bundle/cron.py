"""A cron expression as a systemd timer's ``OnCalendar=`` value, or None when the meaning would change."""
from __future__ import annotations

from typing import Optional

_MACROS = {"@hourly": "hourly", "@daily": "daily", "@midnight": "daily", "@weekly": "weekly",
           "@monthly": "monthly", "@yearly": "yearly", "@annually": "yearly"}
_DAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def cron_to_on_calendar(cron: str) -> Optional[str]:
    """A five-field cron expression as a systemd ``OnCalendar=`` value; None when it cannot be translated."""
    text = cron.strip()
    if text in _MACROS:
        return _MACROS[text]
    fields = text.split()
    if len(fields) != 5:
        return None
    minute, hour, dom, month, dow = fields
    try:
        days = _days(dow)
        parts = [_field(month, 1), _field(dom, 1), _field(hour, 0), _field(minute, 0)]
    except ValueError:
        return None
    if dom != "*" and dow != "*":
        return None  # cron means "either", systemd "both": refuse rather than change the meaning
    date = f"*-{parts[0]}-{parts[1]}"
    time = f"{parts[2]}:{parts[3]}:00"
    return f"{days} {date} {time}" if days else f"{date} {time}"


def _field(value: str, first: int) -> str:
    items = []
    for item in value.split(","):
        base, _, step = item.partition("/")
        if step and not step.isdigit():
            raise ValueError(item)
        if base == "*":
            text = f"{first}/{step}" if step else "*"
        elif "-" in base:
            low, high = base.split("-", 1)
            if not (low.isdigit() and high.isdigit()) or step:
                raise ValueError(item)
            text = f"{int(low):02d}..{int(high):02d}"
        elif base.isdigit():
            text = f"{int(base):02d}" + (f"/{step}" if step else "")
        else:
            raise ValueError(item)
        items.append(text)
    return ",".join(items)


def _days(value: str) -> str:
    if value == "*":
        return ""
    names = []
    for item in value.split(","):
        low, _, high = item.partition("-")
        if not low.isdigit() or (high and not high.isdigit()) or int(low) > 7 or (high and int(high) > 7):
            raise ValueError(item)
        names.append(f"{_DAYS[int(low)]}..{_DAYS[int(high)]}" if high else _DAYS[int(low)])
    return ",".join(names)
