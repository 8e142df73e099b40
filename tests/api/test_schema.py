"""The published contract: the OpenAPI schema validates, and generated requests against the
live API (schemathesis) get no server error, no undocumented status and no off-schema body."""

import io

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import WEEK, World

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
# Requests per operation and caller: about 40 operations x 2 callers x 8, some 600 requests.
EXAMPLES = 8


def test_the_schema_validates_as_openapi_3(db, tmp_path):
    out = io.StringIO()
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"),
        stdout=out, stderr=out,
    )  # fmt: skip
    text = (tmp_path / "s.yaml").read_text()
    assert text.startswith("openapi: 3.")
    assert "/api/v1/athletes/{id}/weeks/{week}/" in text


def test_the_docs_page_serves_its_assets_locally(client, db):
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()
    assert client.get("/api/schema/").status_code == 200


@pytest.fixture
def generous_throttles(settings):
    # The run is hundreds of requests a minute on purpose; throttling is tested elsewhere.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min"},
    }


@pytest.mark.django_db(transaction=True)
def test_schemathesis_against_the_live_api(live_server, generous_throttles):
    world = World()
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    failures: list[str] = []
    sent: list[int] = []
    for caller in ("coach", "athlete"):
        _, token = AuthToken.objects.create(getattr(world, caller).user)
        headers = {"Authorization": f"Token {token}"}
        for result in schema.get_all_operations():
            assert isinstance(result, Ok), result
            operation = result.ok()
            if operation.path.endswith("/auth/logout/"):
                continue  # it would revoke the token the run uses
            try:
                _exercise(operation, live_server.url, headers, sent, _real_ids(world, operation))
            except Exception as error:  # noqa: BLE001 - all failures reported together
                failures.append(f"{caller} {operation.label}: {error}")
    assert failures == [], "\n\n".join(failures)
    assert len(sent) >= 300


def _real_ids(world: World, operation) -> dict:
    """Path parameters naming the world's objects: random ids alone would mostly meet 404."""
    ids: dict[str, object] = {"week": WEEK}
    for prefix, pk in (
        ("/api/v1/athletes/", world.athlete.pk),
        ("/api/v1/run-sessions/", world.run.pk),
        ("/api/v1/lift-sessions/", world.lift.pk),
        ("/api/v1/templates/", world.template.pk),
        ("/api/v1/template-batches/", world.batch.pk),
        ("/api/v1/template-applications/", world.application.pk),
    ):
        if operation.path.startswith(prefix):
            ids["id"] = pk
    ids["set_pk"] = world.sets[1].pk
    return ids


def _exercise(operation, base_url, headers, sent, real_ids):
    @given(case=operation.as_strategy(), use_real_ids=st.booleans())
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case, use_real_ids):
        if use_real_ids and case.path_parameters:
            case.path_parameters = {
                name: real_ids.get(name, value) for name, value in case.path_parameters.items()
            }
        response = case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)
        sent.append(response.status_code)

    run()
