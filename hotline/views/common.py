"""Where each role starts."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from dispatch.choices import Role

ROLE_HOME = {
    Role.AGENT: "hotline:intake",
    Role.DISPATCHER: "hotline:dispatch_queue",
    Role.CALLBACK_AGENT: "hotline:callback_queue",
    Role.STREET_STAFF: "hotline:worklist",
    Role.STREET_LEADER: "hotline:worklist",
    Role.DEPARTMENT_STAFF: "hotline:worklist",
    Role.DISTRICT_SUPERVISOR: "hotline:deadlines",
    Role.CITY_LEADER: "assessment:rankings",
    Role.AUDITOR: "hotline:caller_reveals",
}


@login_required
def home(request):
    target = ROLE_HOME.get(request.user.role)
    if target:
        return redirect(target)
    return render(request, "home.html")
