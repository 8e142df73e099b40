"""Logging filters. Imported while settings are read, before any app is ready: no models here."""

import logging
import re


def _letters(word: str) -> str:
    # Each letter as itself or percent-encoded, as a raw request line may carry it.
    return "".join(f"(?:{letter}|%{ord(letter):02x})" for letter in word)


# Everything after "/calendar/" up to the end of the address, in any case, with repeated or
# encoded slashes, with or without ".ics" and a query string: whatever a client sent there
# may be a feed's secret, and a mistyped secret is still most of one. A feed's ".ics" stays,
# so the line still says what was asked for.
_SLASH = "(?:/|%2f)"
_CALENDAR_SECRET = re.compile(
    rf"{_SLASH}{_letters('calendar')}{_SLASH}+(?P<rest>[^\s\"'?]*)(?:\?[^\s\"']*)?",
    re.IGNORECASE,
)


def _masked(match: re.Match[str]) -> str:
    suffix = ".ics" if match["rest"].lower().endswith(".ics") else ""
    return f"/calendar/<secret>{suffix}"


# The same for an email's unsubscribe link: its signed token turns that user's emails off.
_UNSUBSCRIBE_TOKEN = re.compile(
    rf"{_SLASH}{_letters('unsubscribe')}{_SLASH}+[^\s\"'?]*(?:\?[^\s\"']*)?",
    re.IGNORECASE,
)


class MaskCalendarSecret(logging.Filter):
    """Replaces the calendar feed's secret and an unsubscribe link's token in any log line
    (request logs, "Not Found: ...", "Bad Request: ..."): each is a credential in an address."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg = masked
            record.args = ()
        return True


def mask(text: str) -> str:
    return _UNSUBSCRIBE_TOKEN.sub("/unsubscribe/<token>/", _CALENDAR_SECRET.sub(_masked, text))


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
