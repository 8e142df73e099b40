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


def mask(path: str) -> str:
    return _CALENDAR_SECRET.sub("/calendar/<secret>.ics", path)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log shippers: the time, level, logger, message and the
    structured fields a record carries in `extra` (event, status, path, user, ...)."""

    _standard = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message"}

    def format(self, record: logging.LogRecord) -> str:
        import json

        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            {k: v for k, v in vars(record).items() if k not in self._standard and k != "request"}
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
