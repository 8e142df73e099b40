"""Logging filters. Imported while settings are read, before any app is ready: no models here."""

import logging
import re

_CALENDAR_SECRET = re.compile(r"/calendar/[^/\s\"'?]+\.ics")


class MaskCalendarSecret(logging.Filter):
    """Replaces the calendar feed's secret in any log line (request logs, "Not Found: ..."):
    the address is the feed's only credential."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/calendar/" in message:
            record.msg = _CALENDAR_SECRET.sub("/calendar/<secret>.ics", message)
            record.args = ()
        return True
