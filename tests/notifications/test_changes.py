"""What changed between two snapshots of a week: pure, no database."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notifications.changes import ADDED, CHANGED, MOVED, REMOVED, diff

TUE = datetime(2026, 12, 8, 6, 0, tzinfo=UTC)


def entry(start: datetime = TUE, *, what: str = "Interval run", minutes: int = 60,
          detail: str = "", logged: bool = False) -> dict[str, Any]:  # fmt: skip
    return {
        "what": what, "start": start.isoformat(), "minutes": minutes, "detail": detail,
        "logged": logged,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("told", "now", "kinds"),
    [
        pytest.param({}, {}, [], id="an empty week stays empty"),
        pytest.param({"run:1": entry()}, {"run:1": entry()}, [], id="nothing changed"),
        pytest.param({}, {"run:1": entry()}, [ADDED], id="a run added"),
        pytest.param({"run:1": entry()}, {}, [REMOVED], id="a run removed"),
        pytest.param({"run:1": entry()}, {"run:1": entry(TUE + timedelta(minutes=15))}, [MOVED],
                     id="moved by a quarter hour"),
        pytest.param({"run:1": entry()}, {"run:1": entry(minutes=59)}, [CHANGED],
                     id="a minute shorter"),
        pytest.param({"lift:1": entry(detail="3 × 3 at 150 kg")},
                     {"lift:1": entry(detail="3 × 3 at 147.5 kg")}, [CHANGED],
                     id="a load changed"),
        pytest.param({"lift:1": entry(detail="3 × 3 at 150 kg")},
                     {"lift:1": entry(detail="3 × 3 at 147.5 kg", logged=True)}, [],
                     id="a logged session's targets are the athlete's business"),
        pytest.param({"lift:1": entry(logged=True)},
                     {"lift:1": entry(TUE + timedelta(hours=1), logged=True)}, [MOVED],
                     id="a logged session moved still counts"),
        pytest.param({"run:1": entry(minutes=50)},
                     {"run:1": entry(TUE + timedelta(days=1), minutes=40)}, [MOVED],
                     id="moved and changed: told as moved"),
        pytest.param({"run:1": entry()}, {"run:2": entry()}, [ADDED, REMOVED],
                     id="deleted and made again: another session"),
    ],
)  # fmt: skip
def test_cases(told: dict[str, Any], now: dict[str, Any], kinds: list[str]) -> None:
    assert sorted(change.kind for change in diff(told, now)) == sorted(kinds)


def test_in_the_order_of_the_week() -> None:
    later, earlier = entry(TUE + timedelta(days=2), what="Long run"), entry(what="Tempo run")
    found = diff({}, {"run:1": later, "run:2": earlier})
    assert [change.what for change in found] == ["Tempo run", "Long run"]
    moved = diff({"run:1": entry()}, {"run:1": entry(TUE + timedelta(hours=2))})
    assert (moved[0].was, moved[0].start) == (TUE, TUE + timedelta(hours=2))


entries = st.builds(
    entry,
    st.integers(0, 7 * 96).map(lambda q: TUE + timedelta(minutes=15 * q)),
    minutes=st.integers(1, 300),
    detail=st.sampled_from(["", "3 × 3 at 150 kg", "3 × 3 at 147.5 kg"]),
    logged=st.booleans(),
)
weeks = st.dictionaries(st.sampled_from([f"run:{n}" for n in range(6)]), entries, max_size=6)


@given(weeks, weeks)
def test_every_session_that_came_or_went_is_told_once(
    told: dict[str, Any], now: dict[str, Any]
) -> None:
    found = diff(told, now)
    assert diff(now, now) == []
    assert len([c for c in found if c.kind == ADDED]) == len(now.keys() - told.keys())
    assert len([c for c in found if c.kind == REMOVED]) == len(told.keys() - now.keys())
    assert len(found) <= len(told.keys() | now.keys())
    # Back again: the same sessions came and went the other way.
    back = diff(now, told)
    assert sorted(c.kind for c in back if c.kind in (MOVED, CHANGED)) == sorted(
        c.kind for c in found if c.kind in (MOVED, CHANGED)
    )
