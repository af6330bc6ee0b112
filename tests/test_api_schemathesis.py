"""Schemathesis generates requests from /api/v1/openapi.json (valid and invalid ones) and sends them to the
app, with no token, a read token and a read-write token: no answer may be a server error, use a status
or a content type the document does not give, or break the schema it promises. Bounded by MAX_EXAMPLES
per operation and token so that the run stays well under a minute."""
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from portal.extensions import db

from .factories import bearer, make_token

MAX_EXAMPLES = 8
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SETTINGS = settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])


@pytest.mark.parametrize("who", ["no token", "read", "read_write"])
def test_the_api_keeps_its_document(app, world, who):
    # The examples come faster than any person's program would (the limit itself: tests/test_api_actions.py).
    app.config.update(API_RATE_LIMIT="100000 per minute", API_ANONYMOUS_RATE_LIMIT="100000 per minute")
    secret = {"no token": None, "read": make_token(world.other_member, "read"),
              "read_write": make_token(world.member, "read_write")}[who]
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = bearer(secret) if secret else {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12

    for operation in operations:
        @given(case=operation.as_strategy())
        @SETTINGS
        def keeps_its_document(case):
            db.session.remove()  # each request sees what the previous ones committed
            case.call_and_validate(headers=headers, checks=CHECKS)

        keeps_its_document()
