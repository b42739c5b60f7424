"""The unit pickers' search: units by name, short name or code, with their district (JSON for static/js/pickers.js)."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse

from dispatch.unit_search import SCOPES, district_name, picked_label, search_units, shared_names


@login_required
def unit_search_json(request):
    """?q=望京&scope=dispatch|whistle|street|any → the matching active units, exact hits first; ``value`` is what
    the picker writes into its input (the name, or「名称（区）」when the name is shared)."""
    scope = request.GET.get("scope", "dispatch")
    if scope not in SCOPES:
        return JsonResponse({"detail": f"scope 须为 {'、'.join(SCOPES)} 之一", "field": "scope"}, status=400)
    units = search_units(request.GET.get("q", ""), scope)
    shared = shared_names(units)
    return JsonResponse({"units": [
        {"id": u.pk, "code": u.code, "name": u.name, "short_name": u.short_name, "kind": u.get_kind_display(),
         "district": district_name(u), "district_id": u.parent_id if district_name(u) else None,
         "value": picked_label(u, u.name in shared)}
        for u in units
    ]})
