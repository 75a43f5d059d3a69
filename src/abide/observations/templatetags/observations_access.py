"""What a template may ask of the observations' role rules (the navigation's links)."""

from django import template

from abide.accounts.access import AnyUser
from abide.observations.access import can_record_patrols, can_report_observations

register = template.Library()


@register.filter
def may_report(user: AnyUser) -> bool:
    return can_report_observations(user)


@register.filter
def may_record_patrols(user: AnyUser) -> bool:
    return can_record_patrols(user)
