from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from .choices import DivisionKind, RequestType, Responsible, Role, Tier, UnitKind


class Unit(models.Model):
    """One node of the org directory: the center, a district, a street/township, a department or enterprise."""

    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类别", max_length=20, choices=UnitKind.choices, db_index=True)
    division_kind = models.CharField(
        "区划类别", max_length=10, choices=DivisionKind.choices, blank=True, default=""
    )
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    short_name = models.CharField("简称", max_length=50, blank=True, default="")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["code"]
        indexes = [models.Index(fields=["kind", "parent"])]

    def __str__(self):
        return self.name

    @property
    def is_dispatchable_street(self):
        return self.kind == UnitKind.STREET and self.is_active

    @property
    def district(self):
        """The district a street belongs to (itself for a district), else None."""
        if self.kind == UnitKind.DISTRICT:
            return self
        if self.kind in (UnitKind.STREET, UnitKind.ZONE) and self.parent_id:
            return self.parent
        return None


class User(AbstractUser):
    """Every staff user belongs to one unit and has one role."""

    role = models.CharField("角色", max_length=30, choices=Role.choices, default=Role.AGENT)
    unit = models.ForeignKey(
        Unit, verbose_name="所属单位", null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    phone = models.CharField("电话", max_length=20, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return f"{self.get_full_name() or self.username}（{self.get_role_display()}）"


class CatalogVersion(models.Model):
    """A version of the dispatch catalog; exactly one is current. Tickets keep the item (and so the version)."""

    number = models.PositiveIntegerField("版本号", unique=True)
    label = models.CharField("说明", max_length=200, blank=True, default="")
    is_current = models.BooleanField("当前版本", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "派单目录版本"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_catalog")
        ]

    def __str__(self):
        return f"v{self.number} {self.label}".strip()


class CatalogItem(models.Model):
    """A node of the three-level dispatch catalog; leaves (level 3) carry the dispatch rules."""

    version = models.ForeignKey(CatalogVersion, on_delete=models.CASCADE, related_name="items")
    code = models.CharField("编码", max_length=20)
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("级别")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    keywords = models.CharField("关键词", max_length=500, blank=True, default="")
    responsible = models.CharField(
        "承办方式", max_length=10, choices=Responsible.choices, blank=True, default=""
    )
    responsible_unit = models.ForeignKey(
        Unit, verbose_name="指定承办单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    default_tier = models.CharField("默认响应级别", max_length=4, choices=Tier.choices, blank=True, default="")
    default_request_type = models.CharField(
        "默认诉求类型", max_length=20, choices=RequestType.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = verbose_name_plural = "派单目录条目"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="catalog_code_per_version")]
        indexes = [models.Index(fields=["version", "level"])]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_leaf(self):
        return self.level == 3

    def path_names(self):
        """'一级 / 二级 / 三级' for display."""
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return " / ".join(reversed(names))


class AddressAlias(models.Model):
    """Admin-maintained alias: a community, landmark or short form that resolves to a street."""

    alias = models.CharField("别名/地标/社区", max_length=100, unique=True)
    street = models.ForeignKey(
        Unit, verbose_name="街乡镇", on_delete=models.CASCADE, related_name="aliases",
        limit_choices_to={"kind": UnitKind.STREET},
    )
    note = models.CharField("备注", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "地址别名"

    def __str__(self):
        return f"{self.alias} → {self.street}"
