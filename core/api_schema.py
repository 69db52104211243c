"""The API schema's error answers, documented once for every operation (SPECTACULAR_SETTINGS'
POSTPROCESSING_HOOKS).

Every operation can answer with an error, and the schema says which ones and in what shape, so a client
(and the schemathesis run in CI, tests/pdplatform/test_api_schema_fuzz.py) finds no undocumented status:

- 400 on every write (a body to validate, a rule the write breaks) and on reads with query parameters;
- 401 everywhere: a missing, unknown or forged token (`WWW-Authenticate: Token`);
- 403 everywhere: signed in, but the role or the scope does not allow it;
- 404 where the path or a write's body names an object (outside the caller's scope it does not exist) and
  on paginated lists (a page past the end);
- 429 everywhere: the request budget or a write limit (core/api_limits.py, core/ratelimit.py), with
  `Retry-After`.

An optional query parameter may be empty (`allowEmptyValue`): across the API an empty value means "not
given", as an HTML form's empty field sends it.

The one error shape (core/api_errors.py): `detail` is a message (DRF's 401/403/404) or a list of messages (a
broken rule, a limit), and a field's validation errors sit under the field's name as a list of messages.
"""

from django.utils.translation import gettext_lazy as _

ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "One shape for every error: `detail` is a message or a list of messages; a field's validation "
        "errors are listed under the field's name (nested objects for nested fields)."
    ),
    "properties": {
        "detail": {
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
        },
    },
    "additionalProperties": {
        "oneOf": [
            {"type": "string"},
            {"type": "array", "items": {}},
            {"type": "object"},
        ]
    },
}

ERROR_RESPONSES = {
    "400": _("The request does not pass validation: the messages say what to change."),
    "401": _("No valid credentials: send `Authorization: Token <key>` or sign in."),
    "403": _("Signed in, but this role or scope does not allow it."),
    "404": _("No such object among those the caller may see, or a page past the end."),
    "429": _("Too many requests: wait the seconds of `Retry-After`."),
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}


def _needs(code: str, path: str, method: str, operation: dict) -> bool:
    if code == "400":  # a write can break a rule even without a body; a read, only by its parameters
        return method != "get" or any(p.get("in") == "query" for p in operation.get("parameters", []))
    if code == "404":
        paginated = any(p.get("name") == "page" for p in operation.get("parameters", []))
        return "{" in path or paginated or method != "get"  # a write may name an object by its id
    return True


def error_responses_hook(result, generator, request, public):
    """Add the Error component and the error answers every operation can give (those it documents itself,
    like a 400 with its own schema, are kept)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True  # `?date_to=` from an empty form field: not given
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                if code in responses or not _needs(code, path, method, operation):
                    continue
                responses[code] = {"description": str(description), "content": reference}
                if code == "429":
                    responses[code]["headers"] = RETRY_AFTER
    return result
