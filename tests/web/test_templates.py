"""Checks over every template the product ships, whatever page renders it."""

from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# The project's templates (Django's DIRS), and any an app still keeps of its own.
TEMPLATES = sorted(
    path
    for pattern in ("templates/**/*.html", "*/templates/**/*.html")
    for path in ROOT.glob(pattern)
    if ".venv" not in path.parts
)


def test_the_product_has_templates_to_check() -> None:
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_comment_ends_on_its_own_line(template: Path) -> None:
    # Django's {# #} comment is one line only: one spread over two is sent to the browser as
    # text, and one that mentions a tag (<style>, <script>) then swallows the rest of the page.
    for number, line in enumerate(template.read_text().splitlines(), start=1):
        start = line.rfind("{#")
        assert start == -1 or "#}" in line[start:], (
            f"{template.name}:{number}: a {{# comment must close on its line; "
            "use {% comment %} for more"
        )
