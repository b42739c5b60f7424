from django import template

register = template.Library()


@register.filter
def pct(value):
    """A rate in percent, or a dash when there is nothing to divide by."""
    return "—" if value is None else f"{value}%"
