"""The week at the edges: the `isoweek` path converter (every address that names a week), the
form field of the dashboard's week and the schedule_week command. A week in an address is the
canonical ISO name only (`2026-W49`: upper-case W, two-digit week) in the years 2000-2099; any
other address names no week and does not exist: 404, JSON under /api/. A week typed into a form
or a query is a value the caller sent: 400 with the parser's words."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import NoReverseMatch, resolve, reverse

from plans.converters import IsoWeekConverter
from plans.domain.weeks import InvalidWeek, Week
from plans.forms import WeekForm
from tests.api.conftest import World, client_for

WEEK = Week.parse("2026-W49")

# Every URL name that takes a week, with the other arguments it takes.
NAMED = [
    ("plans:athlete_week", True),
    ("plans:apply_fix", True),
    ("plans:schedule_deadlift", True),
    ("plans:copy_runs", True),
    ("plans:publish", True),
    ("plans:save_note", True),
    ("workouts:run_add", True),
    ("workouts:deadlift_add", True),
    ("workouts:phone_week", False),
    ("api:week", True),
    ("api:schedule-deadlift", True),
    ("api:publish-week", True),
    ("api:apply-fix", True),
    ("api:schedule-roster", False),
]

BAD = [
    pytest.param("1999-W52", id="the week before the first of the range"),
    pytest.param("2100-W01", id="the week after the last of the range"),
    pytest.param("2025-W53", id="week 53 of a short year"),
    pytest.param("2026-W54", id="week 54"),
    pytest.param("2026-W00", id="week 0"),
    pytest.param("2026-w49", id="lower-case w"),
    pytest.param("2026-W1", id="no leading zero"),
    pytest.param("2026-W049", id="three digits"),
    pytest.param("2026-49", id="no W"),
    pytest.param("%202026-W49", id="a blank before it"),
    pytest.param("%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%96-W49", id="full-width digits"),
    pytest.param("abc", id="junk"),
    pytest.param("9999-W52", id="year 9999"),
]

GOOD = [
    pytest.param("2000-W01", id="the first week of the range"),
    pytest.param("2099-W53", id="the last week of the range"),
    pytest.param("2026-W53", id="week 53 of a long year"),
    pytest.param("2026-W49", id="an ordinary week"),
]


@pytest.fixture
def world(db):
    return World()


def args_for(world: World, takes_pk: bool, week) -> list:
    return [world.athlete.pk, week] if takes_pk else [week]


# ---------------------------------------------------------------------------- the converter


def test_the_converter_gives_a_week_and_refuses_with_value_error():
    converter = IsoWeekConverter()
    assert converter.to_python("2026-W49") == WEEK
    with pytest.raises(ValueError, match="no ISO week 54"):
        converter.to_python("2026-W54")
    with pytest.raises(InvalidWeek, match="between 2000 and 2099"):
        converter.to_python("2100-W01")


def test_the_converter_writes_a_week_or_its_name():
    converter = IsoWeekConverter()
    assert converter.to_url(WEEK) == "2026-W49"
    assert converter.to_url("2026-W49") == "2026-W49"


@pytest.mark.parametrize(("name", "takes_pk"), NAMED)
def test_reverse_and_resolve_round_trip_a_week(world, name, takes_pk):
    path = reverse(name, args=args_for(world, takes_pk, WEEK))
    assert "/2026-W49/" in path
    assert reverse(name, args=args_for(world, takes_pk, "2026-W49")) == path
    match = resolve(path)
    assert match.kwargs["week"] == WEEK
    assert isinstance(match.kwargs["week"], Week)


@pytest.mark.parametrize(("name", "takes_pk"), NAMED)
@pytest.mark.parametrize("week", ["abc", "2026-w49", date(2026, 11, 30)], ids=str)
def test_reverse_refuses_what_is_not_a_week_name(world, name, takes_pk, week):
    with pytest.raises(NoReverseMatch):
        reverse(name, args=args_for(world, takes_pk, week))


def test_the_last_week_links_to_the_week_after_which_is_no_page(world):
    # The page of 2099-W53 still renders its "next" link; the link answers 404.
    last = Week.parse("2099-W53")
    path = reverse("plans:athlete_week", args=[world.athlete.pk, last.next])
    assert path.endswith("/2100-W01/")
    client = Client()
    client.force_login(world.coach.user)
    assert client.get(path).status_code == 404


# ---------------------------------------------------------------------------- pages and API


@pytest.mark.parametrize("week", BAD)
def test_a_bad_week_in_an_address_is_404_on_pages_and_json_404_on_the_api(world, week):
    pk = world.athlete.pk
    coach = Client()
    coach.force_login(world.coach.user)
    phone = Client()
    phone.force_login(world.athlete.user)
    assert coach.get(f"/athletes/{pk}/week/{week}/").status_code == 404
    assert coach.post(f"/athletes/{pk}/week/{week}/publish/").status_code == 404
    assert coach.get(f"/athletes/{pk}/week/{week}/runs/add/").status_code == 404
    assert phone.get(f"/me/week/{week}/").status_code == 404
    api = client_for(world.coach.user)
    for response in (
        api.get(f"/api/v1/athletes/{pk}/weeks/{week}/"),
        api.post(f"/api/v1/athletes/{pk}/weeks/{week}/publish/", {}, format="json"),
        api.post(f"/api/v1/weeks/{week}/schedule-roster/", {}, format="json"),
    ):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "No such endpoint."}


@pytest.mark.parametrize("week", GOOD)
def test_a_good_week_in_an_address_is_a_page_and_an_api_answer(world, week):
    pk = world.athlete.pk
    coach = Client()
    coach.force_login(world.coach.user)
    assert coach.get(f"/athletes/{pk}/week/{week}/").status_code == 200
    assert coach.get(f"/athletes/{pk}/week/{week}/deadlift/add/").status_code == 200
    response = client_for(world.coach.user).get(f"/api/v1/athletes/{pk}/weeks/{week}/")
    assert response.status_code == 200
    assert response.json()["week"] == week


# ---------------------------------------------------------------------------- forms and query


def test_the_week_form_gives_a_week():
    form = WeekForm({"week": " 2026-W49 "})
    assert form.is_valid()
    assert form.cleaned_data["week"] == WEEK


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "This field is required."),
        ("2026-W54", "2026 has no ISO week 54."),
        ("2100-W01", "Give a week between 2000 and 2099."),
        ("abc", "'abc' is not an ISO week; write it like 2026-W49."),
    ],
)
def test_the_week_form_says_what_is_wrong(value, message):
    form = WeekForm({"week": value})
    assert not form.is_valid()
    assert form.errors["week"] == [message]


def test_the_week_form_shows_a_week_by_its_name():
    assert 'value="2026-W49"' in str(WeekForm(initial={"week": WEEK})["week"])


def test_a_bad_posted_week_is_400_with_the_parsers_words(world):
    coach = Client()
    coach.force_login(world.coach.user)
    for path in ("/dashboard/schedule/", "/dashboard/publish/"):
        response = coach.post(path, {"week": "2026-W54"})
        assert response.status_code == 400, path
        assert coach.post(path, {}).status_code == 400, path
    response = coach.get("/dashboard/", {"week": "2026-W54"})
    assert response.status_code == 400
    assert b"2026 has no ISO week 54." in response.content


def test_a_bad_week_in_the_violations_query_is_400_on_the_field(world):
    response = client_for(world.coach.user).get("/api/v1/violations/", {"week": "2026-W54"})
    assert response.status_code == 400
    assert response.json() == {"week": ["2026 has no ISO week 54."]}
    good = client_for(world.coach.user).get("/api/v1/violations/", {"week": "2026-W49"})
    assert good.status_code == 200


# ---------------------------------------------------------------------------- the command


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("2026-W54", "--week 2026-W54: 2026 has no ISO week 54."),
        ("abc", "--week abc: 'abc' is not an ISO week; write it like 2026-W49."),
        ("2100-W01", "--week 2100-W01: Give a week between 2000 and 2099."),
    ],
)
def test_the_command_names_a_bad_week(world, week, message):
    with pytest.raises(CommandError) as raised:
        call_command("schedule_week", week=week)
    assert str(raised.value) == message
