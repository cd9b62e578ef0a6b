"""Every page carries a Content-Security-Policy that our templates satisfy."""

import re

import pytest

from interview_analyzer.settings import BASE_DIR

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\shx-on|\sstyle\s*=|<style", re.I)


@pytest.mark.django_db
def test_pages_carry_a_policy_that_refuses_inline_script(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "object-src 'none'" in policy


def test_no_template_has_inline_script_handlers_or_styles():
    found = [
        f"{path.relative_to(BASE_DIR)}: {match.group(0)}"
        for path in (BASE_DIR / "templates").rglob("*.html")
        for match in INLINE.finditer(path.read_text(encoding="utf-8"))
        if "{#" not in path.read_text(encoding="utf-8")[max(0, match.start() - 80) : match.start()]
    ]
    assert found == []
