"""One error shape for the API: {"detail": "...", "errors": {field: [messages]}}; domain errors map to 4xx."""

import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError, InvalidInput
from core.throttling import retry_message


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"detail": exc.message, "code": exc.code}
        if exc.field or isinstance(exc, InvalidInput):  # the same shape as a serializer error, naming the field
            body["errors"] = {exc.field or "non_field_errors": [exc.message]}
        return Response(body, status=exc.http_status)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response({"detail": "输入有误", "errors": errors}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        return Response({"detail": str(exc) or "无权执行此操作"}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, Throttled):
        seconds = max(1, math.ceil(exc.wait or 1))
        return Response({"detail": retry_message(seconds), "code": "throttled"},
                        status=status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": str(seconds)})
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == 400 and isinstance(response.data, dict):
        if "detail" not in response.data:
            response.data = {"detail": "输入有误", "errors": response.data}
    return response


@csrf_exempt  # a POST to an unknown address is a 404, not a CSRF failure
def api_not_found(request, path=""):
    """Any unknown /api/ address: the JSON error shape, not an HTML page (a missing final slash is named)."""
    detail = "接口不存在"
    if not request.path.endswith("/"):
        try:
            resolve(request.path + "/")
            detail = "接口不存在：地址须以 / 结尾"
        except Resolver404:
            pass
    return JsonResponse({"detail": detail, "code": "not_found"}, status=404, json_dumps_params={"ensure_ascii": False})
