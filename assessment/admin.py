from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from assessment.clock.policies import activate_policy, create_draft
from assessment.monthly.rules import SNAPSHOT_FIELDS, check_rule
from core.errors import DomainError
from core.read_only_admin import ReadOnlyAdmin

from .models import AssessmentRule, Clock, HolidayOverride, Notification, Outbox, SlaLimit, SlaPolicy


class SlaLimitInline(admin.TabularInline):
    model = SlaLimit
    extra = 0

    def has_add_permission(self, request, obj=None):
        return obj is not None and obj.is_draft and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return obj is not None and obj.is_draft and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and obj.is_draft and super().has_delete_permission(request, obj)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    """Versions are created by copying (action) and become read-only once activated."""

    list_display = ("number", "label", "is_current", "effective_from", "warn_fraction", "cap_whistle_limits",
                    "created_by", "created_at")
    inlines = [SlaLimitInline]
    actions = ["copy_as_draft", "activate"]
    readonly_fields = ("number", "is_current", "effective_from", "created_by", "created_at")

    def has_add_permission(self, request):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a used version must stay; drafts are deleted one by one
        return actions

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.is_draft) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.is_draft) and super().has_delete_permission(request, obj)

    @admin.action(description="复制为新版本（草稿）")
    def copy_as_draft(self, request, queryset):
        for policy in queryset:
            draft = create_draft(request.user, source=policy)
            self.message_user(request, f"已创建草稿 v{draft.number}，修改时限后用“启用为当前版本”生效")

    @admin.action(description="启用为当前版本")
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "请只选择一个草稿版本", messages.ERROR)
            return
        try:
            policy = activate_policy(queryset.get())
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(request, f"v{policy.number} 已成为当前时限策略；已计算的时限不受影响")


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "is_working_day", "note")
    list_filter = ("is_working_day",)
    search_fields = ("note",)
    date_hierarchy = "date"


class AssessmentRuleForm(forms.ModelForm):
    class Meta:
        model = AssessmentRule
        fields = ["effective_from", *SNAPSHOT_FIELDS, "note"]

    def clean(self):
        cleaned = super().clean()
        try:
            check_rule(AssessmentRule(**{k: v for k, v in cleaned.items() if v is not None}))
        except DomainError as error:
            raise ValidationError(error.message) from None
        return cleaned


@admin.register(AssessmentRule)
class AssessmentRuleAdmin(admin.ModelAdmin):
    """Scoring rules by period; a month takes the latest rule starting on or before it (frozen months keep theirs)."""

    form = AssessmentRuleForm
    list_display = ("effective_from", "weight_response", "weight_resolution", "weight_satisfaction", "basic_credit",
                    "caller_denial_voids_contact", "note")


@admin.register(Clock)
class ClockAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "key", "unit", "started_at", "due_at", "warned_at", "breached_at", "stopped_at",
                    "paused_at", "policy_number")
    list_filter = ("key",)
    list_select_related = ("ticket", "unit")
    raw_id_fields = ("ticket", "whistle_target", "unit")
    date_hierarchy = "due_at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "kind", "ticket", "text", "read_at")
    list_filter = ("kind",)
    list_select_related = ("recipient", "ticket")
    search_fields = ("text",)
    raw_id_fields = ("recipient", "ticket")
    date_hierarchy = "created_at"


@admin.register(Outbox)
class OutboxAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "unit", "phone", "text", "sent_at")
    list_select_related = ("unit",)
    search_fields = ("text", "phone")
    raw_id_fields = ("unit",)
    date_hierarchy = "created_at"
