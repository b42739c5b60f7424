"""POST /api/auth/token/: a token for a user name and password, behind the login lockout (core/lockout.py);
DELETE: its owner revokes it."""

from django.contrib.auth import authenticate, user_logged_in
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .errors import InvalidInput
from .lockout import lockout_response
from .tokens import expires_at, issue_token, revoke_token


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label="用户名", max_length=150)
    password = serializers.CharField(label="密码", max_length=128, trim_whitespace=False,
                                     style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(source="key", label="令牌")
    expires_at = serializers.SerializerMethodField(label="过期时间")

    def get_expires_at(self, token) -> str:
        return serializers.DateTimeField().to_representation(expires_at(token.created))


class TokenView(APIView):
    throttle_scope = "token"

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    @extend_schema(summary="获取令牌（用户名、密码；有效期内返回同一令牌）", request=TokenRequestSerializer,
                   responses={200: TokenSerializer}, auth=[])
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        http_request = request._request  # django-axes watches the Django request: its failures count, it locks
        user = authenticate(http_request, **serializer.validated_data)
        if user is None:
            if getattr(http_request, "axes_locked_out", False):
                return lockout_response(http_request)
            raise InvalidInput("用户名或密码不正确")
        user_logged_in.send(sender=type(user), request=http_request, user=user)  # last login, axes' access log
        return Response(TokenSerializer(issue_token(user)).data)

    @extend_schema(summary="注销令牌（本人）", request=None, responses={204: None})
    def delete(self, request):
        revoke_token(request.user)
        return Response(status=204)
