"""Shared OpenAPI bits: the project's error shape on every operation, one token scheme, an empty body.

The error shape is config/api_errors.py's: {"detail": ..., "code": ..., "errors"?: {field: [messages]}}.
"""

from drf_spectacular.drainage import set_override
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object

ERROR_SCHEMA = {
    "type": "object",
    "description": "出错时的统一格式（config/api_errors.py）",
    "properties": {
        "detail": {"type": "string", "description": "中文错误信息"},
        "code": {"type": "string", "description": "错误代码，如 not_found、forbidden、conflict、throttled、invalid"},
        "errors": {
            "type": "object",
            "description": "字段名 → 错误信息列表；列表或嵌套字段的错误按下标或子字段名再分一层",
            "additionalProperties": {},
        },
    },
    "required": ["detail", "code"],
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_DESCRIPTIONS = {
    "400": "输入有误：errors 逐字段说明",
    "403": "未登录，或无权执行此操作",
    "404": "记录不存在或不在您的权限范围内",
    "409": "当前状态不允许此操作（detail 说明原因）",
    "422": "幂等键已用于另一内容不同的请求",
    "429": "请求过于频繁，请稍后再试",
}

# A POST that takes no fields (e.g. sign): an optional empty object, so that the operation still declares its body.
EMPTY_BODY = {"application/json": {"type": "object", "description": "无需字段（其余字段忽略）"}}


def error_codes(method, operation):
    """The 4xx an operation can answer: any may be refused (403) or throttled (429); input may be wrong (400);
    a record in the path or query may be out of scope (404); a POST may be blocked by the order's state (409);
    an Idempotency-Key may be reused with another body (422)."""
    parameters = operation.get("parameters", [])
    takes_input = "requestBody" in operation or any(p["in"] == "query" for p in parameters)
    codes = ["403", "429"]
    if takes_input:
        codes.append("400")
    if any(p["in"] in ("path", "query") for p in parameters):
        codes.append("404")
    if method == "post":
        codes.append("409")
    if any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in parameters):
        codes.append("422")
    return sorted(codes)


def add_error_responses(result, generator, request, public):
    """Postprocessing hook: the shared Error component and its 4xx responses on every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code in error_codes(method, operation):
                operation["responses"].setdefault(code, {
                    "description": ERROR_DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": ERROR_REF}},
                })
    return result


class TokenScheme(OpenApiAuthenticationExtension):
    """DRF's token check and the project's faster subclass read the same header and the same tokens: one
    `tokenAuth` scheme for both (drf-spectacular would otherwise register two under one name)."""

    target_class = "rest_framework.authentication.TokenAuthentication"
    match_subclasses = True
    priority = 1
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        if self.target.keyword == "Token":  # the same scheme; a different keyword would be a real clash
            set_override(type(self.target), "suppress_collision_warning", True)
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix=self.target.keyword)

