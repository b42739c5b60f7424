"""The API's one error shape, {"detail": "...", "code": "...", "errors"?: {field: [messages]}}, and where the API
begins (is_api_request): DRF's exceptions, the unknown-address catch-all, Django's error handlers and the login
lockout all answer with error_body()/json_error(). The shape is config/openapi.py's Error component."""

import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.exceptions import NotFound, ParseError, Throttled, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError, InvalidInput
from core.throttling import retry_message

API_PREFIX = "/api/"
INVALID = "输入有误"
FORBIDDEN = "无权执行此操作"
NO_SUCH_ADDRESS = "接口不存在"
NO_SUCH_RECORD = "记录不存在或不在您的权限范围内"
UNPARSABLE = "请求体无法解析：须为有效的 JSON"


def is_api_request(request):
    """Whether a request is the API's (answered in JSON) rather than a page's (answered in HTML)."""
    return request.path_info.startswith(API_PREFIX)


def error_body(detail, code, errors=None):
    body = {"detail": str(detail), "code": str(code)}
    if errors is not None:
        body["errors"] = errors
    return body


def json_error(detail, code, http_status, errors=None):
    """The error body outside DRF's views; Chinese written as is, as DRF writes it."""
    return JsonResponse(error_body(detail, code, errors), status=http_status,
                        json_dumps_params={"ensure_ascii": False})


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        errors = None
        if exc.field or isinstance(exc, InvalidInput):  # the same shape as a serializer error, naming the field
            errors = exc.field_errors or {"non_field_errors": [exc.message]}
        return Response(error_body(exc.message, exc.code, errors), status=exc.http_status)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(error_body(INVALID, "invalid", errors), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        return Response(error_body(str(exc) or FORBIDDEN, "forbidden"), status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, Throttled):
        seconds = max(1, math.ceil(exc.wait or 1))
        return Response(error_body(retry_message(seconds), "throttled"),
                        status=status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": str(seconds)})
    if isinstance(exc, Http404):  # get_object_or_404's message is English and names the model
        exc = NotFound(NO_SUCH_RECORD)
    elif isinstance(exc, ParseError):  # the parser's message is English
        exc = ParseError(UNPARSABLE)
    response = drf_exception_handler(exc, context)
    if response is None:  # not an API exception: a 500, answered by core.error_views.server_error
        return None
    if isinstance(exc, ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = error_body(INVALID, "invalid", errors)
    elif isinstance(response.data, dict) and "detail" in response.data:  # DRF's own (translated) message
        detail = response.data["detail"]
        response.data = error_body(detail, getattr(detail, "code", None) or exc.default_code)
    return response


@csrf_exempt  # a POST to an unknown address is a 404, not a CSRF failure
def api_not_found(request, path=""):
    """Any unknown /api/ address: the JSON error shape, not an HTML page (a missing final slash is named)."""
    detail = NO_SUCH_ADDRESS
    if not request.path_info.endswith("/"):
        try:
            resolve(request.path_info + "/")
            detail = f"{NO_SUCH_ADDRESS}：地址须以 / 结尾"
        except Resolver404:
            pass
    return json_error(detail, "not_found", 404)
