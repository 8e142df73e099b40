"""Names for the few queries written in SQL rather than built by the ORM.

Three queries run on every request of a hot path, where building and compiling a queryset
cost more than the rest of the answer: the API token with its user's profile
(athletes.authentication), the week API's head (plans.selectors.read_head) and the
dashboard's roster (plans.verdicts). Each names its tables and columns through `column` and the
models' `_meta.db_table`, so that a rename cannot leave it behind, names every column it
selects (on PostgreSQL a prepared statement, which a column added by a migration must not
reshape) and reads its rows by those names, never by position."""

from django.db.models import Field, Model


def column(model: type[Model], name: str) -> str:
    """The column of `model`'s field `name` ("pk": its primary key)."""
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    assert isinstance(field, Field) and field.column  # a column of the model's own table
    return field.column
