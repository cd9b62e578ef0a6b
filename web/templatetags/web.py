"""Small presentation helpers shared by the UI's templates."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def progress(done: int, total: int, label: str) -> str:
    """An accessible progress bar: `<progress>` with its numbers as text beside it."""
    total = max(total or 0, 0)
    done = min(max(done or 0, 0), total) if total else 0
    percent = round(100 * done / total) if total else 0
    return format_html(
        '<span class="progress"><progress max="{}" value="{}" aria-label="{} {}%">'
        "</progress> {}/{} {}</span>",
        total or 1,
        done,
        label,
        percent,
        done,
        total,
        label,
    )
