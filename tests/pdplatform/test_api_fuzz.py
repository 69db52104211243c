"""schemathesis against the live test server: every API operation, as each role, answers within its
documented statuses, content types and response schemas, and never with a server error.

The demo data is seeded so that most requests reach real objects; schemathesis then generates requests
from the OpenAPI schema (valid ones, boundary values and invalid ones) with a fixed seed, so a failure
replays. The checks (https://schemathesis.readthedocs.io): no 5xx; every status, content type and header
documented; every response body valid against its schema; invalid input refused; an operation that says
it needs credentials refuses a request without them.

One check stays out, `positive_data_acceptance` ("a schema-valid request is accepted"): the schema cannot say
that an id must name an existing object the caller may see, or that a write must respect a rule, so valid-
looking requests rightly get 400 or 404 here (a pair id of another school, a post to a closed topic).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from tests.factories import api_secret_for

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "ignored_auth",
    ]
)
# The roles whose view of the API differs, by their demo accounts; "" is an anonymous caller.
ROLES = {
    "admin@demo.pdplatform.local": "examples,coverage,fuzzing,stateful",  # sees every operation's data
    "curator1@demo.pdplatform.local": "examples,fuzzing,stateful",
    "schooladmin1@demo.pdplatform.local": "examples,fuzzing,stateful",
    "teacher1@demo.pdplatform.local": "examples,fuzzing,stateful",
    "": "examples,fuzzing",
}
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
REPORTS = Path(os.environ.get("API_FUZZ_REPORTS", "/tmp/api-fuzz"))  # noqa: S108 - whole reports to read


@pytest.fixture
def demo_api(live_server, settings):
    settings.ALLOWED_HOSTS = ["*"]
    call_command("seed_demo", verbosity=0)
    return live_server.url


def _run(url: str, email: str, phases: str) -> subprocess.CompletedProcess:
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(Path(__file__).with_name("schemathesis.toml")),
        "run",
        f"{url}/api/schema/",
        "--checks",
        CHECKS,
        "--phases",
        phases,
        "--max-examples",
        "5",
        "--seed",
        "20261203",
        "--no-color",
        "--warnings",
        "off",
        "--request-timeout",
        "30",
    ]
    if email:
        secret = api_secret_for(User.objects.get(email=email))
        command += ["--header", f"Authorization: Token {secret}"]
    return subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)  # noqa: S603


def _digest(output: str) -> str:
    """The lines that say what failed and how to replay it (the whole report is in REPORTS)."""
    keep = ("___", "- ST", "    Invalid component", "    curl ", "    Received", "    Documented", "  ❌")
    return "\n".join(line[:400] for line in output.splitlines() if line.startswith(keep))


def test_every_api_operation_keeps_its_schema_for_every_role(demo_api):
    REPORTS.mkdir(parents=True, exist_ok=True)
    failed = {}
    for email, phases in ROLES.items():
        who = email or "anonymous"
        run = _run(demo_api, email, phases)
        (REPORTS / f"{who}.txt").write_text(run.stdout + run.stderr)
        if run.returncode != 0:
            failed[who] = _digest(run.stdout) or run.stderr[-3000:]
    assert failed == {}, "\n\n".join(f"=== {who} ===\n{out}" for who, out in failed.items())
