"""Shared by the page views: where each role starts, and how a domain error lands on a page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from dispatch.choices import Role
from dispatch.errors import InvalidInput
from dispatch.permissions import role_may

ROLE_HOME = {
    Role.AGENT: "hotline:intake",
    Role.DISPATCHER: "hotline:dispatch_queue",
    Role.CALLBACK_AGENT: "hotline:callback_queue",
    Role.STREET_STAFF: "hotline:worklist",
    Role.STREET_LEADER: "hotline:worklist",
    Role.DEPARTMENT_STAFF: "hotline:worklist",
    Role.DISTRICT_SUPERVISOR: "hotline:deadlines",
    Role.CITY_LEADER: "assessment:rankings",
}


@login_required
def home(request):
    target = ROLE_HOME.get(request.user.role)
    if target:
        return redirect(target)
    return render(request, "home.html")


def put_error_on_form(form, error):
    """An InvalidInput naming one of the form's fields goes next to it; True if it did, else the caller says it
    at the top of the page."""
    if isinstance(error, InvalidInput) and error.field in form.fields:
        form.add_error(error.field, error.message)
        return True
    return False


def role_required(action):
    """Page guard by the role table: a user whose role may not do `action` gets a 403 page in Chinese."""
    def decorator(view):
        @login_required
        def wrapped(request, *args, **kwargs):
            if not role_may(request.user, action):
                return render(request, "hotline/error.html", {"message": "您的岗位无权访问此页面"}, status=403)
            return view(request, *args, **kwargs)
        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped
    return decorator
