"""The API's OpenAPI schema says every answer the API can give, errors included.

drf-spectacular documents an operation's success only; this postprocessing hook adds the
error answers every operation can give (400 for a body or parameter it refuses, 401 without a
valid token, 403 for a role that may not, 404 for an object outside the token's scope), so a
client (and the schemathesis fuzz test) can rely on the schema for every status code.
"""

ERRORS = {
    "FieldErrors": {
        "type": "object",
        "description": "Field name (or non_field_errors) to its messages.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    "Detail": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
}


def _answer(description: str, *components: str) -> dict:
    refs = [{"$ref": f"#/components/schemas/{c}"} for c in components]
    schema = refs[0] if len(refs) == 1 else {"anyOf": refs}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERRORS)
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            # A refused body or query parameter names the field; an unreadable body is a detail.
            responses.setdefault("400", _answer("Refused input", "FieldErrors", "Detail"))
            responses.setdefault("401", _answer("No valid token", "Detail"))
            responses.setdefault("403", _answer("Not allowed for this account", "Detail"))
            if "{" in path:
                responses.setdefault("404", _answer("Not found in your scope", "Detail"))
    return result
