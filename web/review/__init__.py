"""The review page: an interview's sentences with AI and expert values side by side, filters,
and the inline corrections (edit, override, revert, confirm).

Every write dispatches the command the REST API sends for it, with the authenticated user as
actor and the version the row was rendered with. A stale version is shown as a conflict — what
the other expert changed and a choice to re-apply or drop one's own change — never retried or
overwritten (docs/architecture.md, Corrections).

One set of templates (templates/web/review/) serves the whole page and its htmx fragments
(the list when the filters change, one row after a write, a row with its form open), so a
fragment is the page's markup.

    display    what a row shows: values, the open form, a conflict
    forms      the correction forms: their context, what a submitted one means, its errors
    listing    the filters, the page of rows, the filter bar
    responses  the row as an answer, after a bounded wait for the write (WAIT_LIMIT)
    conflicts  the 409 answer: changes not seen, and one's own change to re-apply
    views      the views and their URLs
"""

from web.review.views import urlpatterns

__all__ = ["urlpatterns"]
