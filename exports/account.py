"""An athlete's whole account as one JSON document, and loading it into another Ironstride.

The rows are written field by field from each model's concrete fields, so a field added to a
model (units, autoregulation, preferences) travels without a change here. What does not travel:
- secrets: the password hash (the imported user sets a new password) and the calendar feed's
  token (the import makes a new one; an old subscription address must not work elsewhere);
- privileges (is_staff, is_superuser): they belong to the installation, not the person;
- the coach (the import names one with --coach) and what is derived or the coach's own: stored
  verdicts (recomputed), the revision counter, plan templates and their applications.

Rows refer to each other by the ids they had where they were exported ("plan": 12); the import
gives every row a new id and maps the references. FORMAT_VERSION goes up when a reader of an
older version could no longer read a file correctly (a field renamed or its meaning changed).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from athletes.models import Athlete, Coach
from plans.domain.format import decimal_label
from plans.domain.weeks import week_of
from plans.models import PlanStatus, WeeklyPlan
from workouts.models import LiftSession, LiftSet, RunFile, RunSession

FORMAT = "ironstride-account"
FORMAT_VERSION = 1

User = get_user_model()

# Fields left out of the file, by model (see the module's docstring).
_LEFT_OUT: dict[type[models.Model], frozenset[str]] = {
    User: frozenset({"id", "password", "is_staff", "is_superuser"}),
    Athlete: frozenset({"id", "user", "coach", "calendar_token"}),
}


@dataclass(frozen=True)
class Table:
    """One list in the file: its rows are the athlete's, each referring to the athlete (the
    field is left out of the file) and to rows of the tables before it (by their old id)."""

    key: str
    model: type[models.Model]
    order: tuple[str, ...]
    # The lookups from a row to its athlete and to the status of its week's plan.
    athlete: str = "athlete"
    plan_status: str = "plan__status"


# In the order they are written and read: a table refers only to the ones above it.
TABLES = (
    Table("plans", WeeklyPlan, ("week_start",), plan_status="status"),
    Table("run_sessions", RunSession, ("start", "pk")),
    Table("lift_sessions", LiftSession, ("start", "pk")),
    Table(
        "lift_sets",
        LiftSet,
        ("session__start", "session_id", "order"),
        athlete="session__athlete",
        plan_status="session__plan__status",
    ),
    Table("run_files", RunFile, ("started_at", "pk"), plan_status="run__plan__status"),
)


class BadAccountFile(ValueError):
    """A file this Ironstride will not load: the message says what and where."""


# ---------------------------------------------------------------------------- writing


def export_account(athlete: Athlete, *, published_only: bool, now: datetime) -> dict[str, Any]:
    """The athlete's account. published_only: the athlete's own download holds the weeks they
    may see (a draft week is the coach's work in progress); the coach's holds every week."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": now.isoformat(),
        "user": _dump(athlete.user),
        "athlete": _dump(athlete),
        "settings": {
            model._meta.label: _dump(row)
            for model in user_settings_models()
            if (row := model._default_manager.filter(**of_user(model, athlete.user)).first())
        },
        "coach": (
            {"username": athlete.coach.user.username, "name": str(athlete.coach)}
            if athlete.coach
            else None
        ),
    }
    for table in TABLES:
        rows = table.model._default_manager.filter(**{table.athlete: athlete})
        if published_only:
            rows = rows.filter(**{table.plan_status: PlanStatus.PUBLISHED})
        document[table.key] = [_dump(row, with_id=True) for row in rows.order_by(*table.order)]
    return document


def of_user(model: type[models.Model], user: Any) -> dict[str, Any]:
    """The lookup of a settings model's row of the user."""
    (field,) = [
        field
        for field in model._meta.concrete_fields
        if field.one_to_one and field.related_model is User
    ]
    return {field.attname: user.pk}


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The fields a row of this model carries in the file: its columns but the id, the left
    out ones and the reference to the athlete (the file's own)."""
    left_out = _LEFT_OUT.get(model, frozenset({"id"}))
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in left_out
        and not field.primary_key
        and not (field.is_relation and field.related_model in (Athlete, User))
    ]


def user_settings_models() -> list[type[models.Model]]:
    """Models that hold one row of a user's own settings: a one-to-one to the user (the email
    preferences, say), found rather than listed, so an app that adds one needs no change here.
    The coach's and athlete's profiles are not settings (the athlete is the file's subject;
    the coach is another person)."""
    return sorted(
        (
            relation.related_model
            for relation in User._meta.related_objects
            if relation.one_to_one and relation.related_model not in (Athlete, Coach)
        ),
        key=lambda model: model._meta.label,
    )


def _dump(row: models.Model, *, with_id: bool = False) -> dict[str, Any]:
    """with_id: a row others refer to by its id."""
    values: dict[str, Any] = {"id": row.pk} if with_id else {}
    for field in _fields(row.__class__):
        # A reference is the id of the row it points to, under the field's name.
        values[field.name] = _plain(getattr(row, field.attname))
    return values


def _plain(value: Any) -> Any:
    """A column's value as JSON: exact decimals and ISO dates as strings. A decimal without its
    trailing zeros ("2.5", "150"): the same number however many places a column stores."""
    if isinstance(value, Decimal):
        return decimal_label(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


# ---------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Imported:
    athlete: Athlete
    counts: dict[str, int]


def import_account(
    document: Any, *, coach: Coach | None = None, username: str | None = None
) -> Imported:
    """Loads an account file as a new user and athlete (new ids everywhere), in one
    transaction: a file that cannot be loaded whole writes nothing (BadAccountFile says why)."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BadAccountFile(f'This is not an Ironstride account file (no "format": "{FORMAT}").')
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BadAccountFile(f'The file\'s "version" is {version!r}, not a format version.')
    if version > FORMAT_VERSION:
        raise BadAccountFile(
            f"The file is format version {version}; this Ironstride reads version "
            f"{FORMAT_VERSION} and older. Upgrade this Ironstride first."
        )
    try:
        with transaction.atomic():
            return _load(document, coach=coach, username=username)
    except IntegrityError as error:
        # PostgreSQL's DETAIL comes on a line of its own.
        reason = " ".join(str(error).split())
        raise BadAccountFile(f"The database refused the data: {reason}.") from None


def _load(document: dict[str, Any], *, coach: Coach | None, username: str | None) -> Imported:
    user = _build(User, _object(document, "user"), "user")
    if username:
        user.username = username
    if User._default_manager.filter(username=user.username).exists():
        raise BadAccountFile(
            f"A user named '{user.username}' already exists here (imported before?). "
            "Import under another name with --username."
        )
    user.set_unusable_password()
    _clean(user, "user", exclude=["password"])
    user.save()
    athlete = _build(Athlete, _object(document, "athlete"), "athlete")
    athlete.user, athlete.coach = user, coach
    _clean(athlete, "athlete", exclude=["user", "coach", "calendar_token"])
    athlete.save()
    _load_settings(document.get("settings", {}), user)

    new_ids: dict[type[models.Model], dict[Any, Any]] = {}
    counts = {}
    for table in TABLES:
        rows = document.get(table.key, [])
        if not isinstance(rows, list):
            raise BadAccountFile(f'"{table.key}" must be a list.')
        built = [
            _row(table, values, f"{table.key}[{place}]", athlete, new_ids)
            for place, values in enumerate(rows)
        ]
        if table.model in (RunSession, LiftSession):
            _check_weeks(table, built, new_ids[WeeklyPlan], athlete)
        old_ids = [values.get("id") for values in rows]
        if len(set(old_ids)) != len(old_ids):
            raise BadAccountFile(f'Two rows of "{table.key}" have the same "id".')
        saved = table.model._default_manager.bulk_create(built)
        new_ids[table.model] = {old: row.pk for old, row in zip(old_ids, saved, strict=True)}
        counts[table.key] = len(saved)
    return Imported(athlete, counts)


def _load_settings(settings: Any, user: Any) -> None:
    if not isinstance(settings, dict):
        raise BadAccountFile('"settings" must be an object.')
    known = {model._meta.label: model for model in user_settings_models()}
    for label, values in settings.items():
        where = f"settings.{label}"
        if label not in known:
            raise BadAccountFile(
                f"{where}: no such settings here (a file from a newer Ironstride?)."
            )
        if not isinstance(values, dict):
            raise BadAccountFile(f"{where} must be an object.")
        row = _build(known[label], values, where)
        for name, value in of_user(known[label], user).items():
            setattr(row, name, value)
        _clean(
            row,
            where,
            exclude=[f.name for f in known[label]._meta.concrete_fields if f.is_relation],
        )
        row.save()


def _object(document: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = document.get(key)
    if not isinstance(value, dict):
        raise BadAccountFile(f'The file has no "{key}" object.')
    return value


def _build(model: type[models.Model], values: Mapping[str, Any], where: str) -> Any:
    fields = {field.name: field for field in _fields(model)}
    unknown = sorted(set(values) - set(fields) - {"id"})
    if unknown:
        raise BadAccountFile(
            f"{where}: no field {', '.join(unknown)} here (a file from a newer Ironstride?)."
        )
    row = model()
    for name, value in values.items():
        if name == "id":
            continue
        field = fields[name]
        try:
            setattr(row, field.attname, value if field.is_relation else field.to_python(value))
        except ValidationError as error:
            raise BadAccountFile(f"{where}.{name}: {' '.join(error.messages)}") from None
    return row


def _row(
    table: Table,
    values: Any,
    where: str,
    athlete: Athlete,
    new_ids: Mapping[type[models.Model], Mapping[Any, Any]],
) -> models.Model:
    if not isinstance(values, dict):
        raise BadAccountFile(f"{where} must be an object.")
    row = _build(table.model, values, where)
    references = []
    for field in _fields(table.model):
        if not field.is_relation:
            continue
        references.append(field.name)
        old = getattr(row, field.attname)
        target = new_ids.get(field.related_model, {})  # type: ignore[arg-type]
        if old is None and field.null:
            continue
        if not isinstance(old, int) or isinstance(old, bool) or old not in target:
            raise BadAccountFile(f"{where}.{field.name}: no row with id {old!r} in the file.")
        setattr(row, field.attname, target[old])
    for field in table.model._meta.concrete_fields:
        if field.is_relation and field.related_model is Athlete:
            setattr(row, field.attname, athlete.pk)
    _clean(row, where, exclude=references + ["athlete", "session", "run", "plan"])
    return row


def _clean(row: models.Model, where: str, *, exclude: Sequence[str]) -> None:
    """The model's own checks (choices, lengths, validators, clean()); the database's
    constraints check the rest when the rows are written."""
    try:
        row.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
        raise BadAccountFile(f"{where}: {problems}") from None


def _check_weeks(
    table: Table, sessions: Sequence[Any], plans: Mapping[Any, Any], athlete: Athlete
) -> None:
    """Every session belongs to the plan of the local week it starts in (Session.save keeps it
    so; bulk_create does not call save)."""
    mondays = dict(WeeklyPlan.objects.filter(pk__in=plans.values()).values_list("pk", "week_start"))
    for place, session in enumerate(sessions):
        if mondays[session.plan_id] != week_of(session.start, athlete.tz):
            raise BadAccountFile(
                f"{table.key}[{place}]: starts outside the week of its plan "
                f"(plan of {mondays[session.plan_id]})."
            )
