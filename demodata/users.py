"""Demo users, one or more per role, on real units of the directory."""

from dispatch.choices import Role
from dispatch.directory import CENTER_CODE
from dispatch.models import Unit, User

DEMO_PASSWORD = "Demo-12345"

# username, role, unit code, display name
DEMO_USERS = [
    ("agent", Role.AGENT, CENTER_CODE, "话务员小王"),
    ("dispatcher", Role.DISPATCHER, CENTER_CODE, "派单员小李"),
    ("callback", Role.CALLBACK_AGENT, CENTER_CODE, "回访员小赵"),
    ("wangjing", Role.STREET_STAFF, "110105026", "望京街道专班小刘"),
    ("wangjing_leader", Role.STREET_LEADER, "110105026", "望京街道主任"),
    ("heating", Role.DEPARTMENT_STAFF, "E002", "热力集团客服小孙"),
    ("chengguan", Role.DEPARTMENT_STAFF, "D002", "城管执法局小周"),
    ("chaoyang", Role.DISTRICT_SUPERVISOR, "110105", "朝阳区督办员"),
    ("leader", Role.CITY_LEADER, CENTER_CODE, "市领导"),
    ("admin", Role.ADMIN, CENTER_CODE, "系统管理员"),
    ("auditor", Role.AUDITOR, CENTER_CODE, "审计员"),
]


def seed_demo_users():
    users = []
    for username, role, unit_code, display_name in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"role": role, "unit": Unit.objects.get(code=unit_code), "first_name": display_name},
        )
        if created:
            user.is_staff = user.is_superuser = role == Role.ADMIN
            user.set_password(DEMO_PASSWORD)
            user.save()
        users.append(user)
    return users
