"""What every app's pages share: the role guard, and how a domain error lands on a page."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .errors import DomainError, NotFoundInScope
from .permissions import role_may


def show_error(request, error, form=None):
    """Where a domain error goes on every page: next to the form field it names (an order not found: next to the
    form's 工单编号 field; several wrong inputs each beside its own), else at the top of the page. Returns the
    error's HTTP status for the re-shown page."""
    field = error.field
    if isinstance(error, NotFoundInScope) and field is None:
        field = "ticket"
    named = error.field_errors or {field: [error.message]}
    if form is not None and all(name in form.fields for name in named):
        for name, field_messages in named.items():
            for message in field_messages:
                form.add_error(name, message)
    else:
        messages.error(request, error.message)
    return error.http_status


def domain_errors(view):
    """A domain error a page view lets through becomes a page with its message and its 4xx status."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return render(request, "error.html", {"message": error.message}, status=error.http_status)
    return wrapped


def role_required(action):
    """Page guard by the role table: a user whose role may not do `action` gets a 403 page in Chinese."""
    def decorator(view):
        @login_required
        def wrapped(request, *args, **kwargs):
            if not role_may(request.user, action):
                return render(request, "error.html", {"message": "您的岗位无权访问此页面"}, status=403)
            return view(request, *args, **kwargs)
        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped
    return decorator
