"""``{{ value|shown }}``: text from outside without its invisible direction and zero-width
controls (see ``abide.core.text``); a builtin of every template."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeData, mark_safe

from abide.core.text import controls_marked, without_controls

register = template.Library()


@register.filter(is_safe=True)
def shown(value: object) -> object:
    """The value as shown to readers; what is not text is returned as it is."""
    if value is None or not isinstance(value, str):
        return value
    cleaned = without_controls(value)
    return mark_safe(cleaned) if isinstance(value, SafeData) else cleaned


@register.filter(is_safe=True)
def shown_marked(value: object) -> object:
    """Like ``shown``, but each control becomes a visible U+FFFD, so offsets stay right."""
    if value is None or not isinstance(value, str):
        return value
    cleaned = controls_marked(value)
    return mark_safe(cleaned) if isinstance(value, SafeData) else cleaned
