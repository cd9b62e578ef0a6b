"""Logging in and finding one's way to an interview."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD


def test_a_reviewer_logs_in_and_sees_their_projects_and_interviews(page_for, world):
    page = page_for("rita")
    expect(page.get_by_role("link", name="ledgerline", exact=False)).to_be_visible()
    page.get_by_role("link", name=re.compile("Ledgerline", re.I)).first.click()
    row = page.get_by_role("row").filter(has_text="analyzed")
    expect(row).to_have_count(1)
    expect(row.get_by_role("progressbar").first).to_have_attribute("value", str(world["sentences"]))


def test_a_wrong_password_is_refused_with_a_message(browser, world):
    context = browser.new_context(base_url=world["url"])
    page = context.new_page()
    page.goto("/projects/")  # not logged in: sent to the login page
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/projects/"))
    page.get_by_label("Username").fill("rita")
    page.get_by_label("Password").fill(PASSWORD + "!")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("enter a correct username and password")
    context.close()


def test_an_outsider_cannot_open_a_project(page_for, world):
    from django.contrib.auth.models import User

    User.objects.create_user("otto", password=PASSWORD)
    page = page_for("otto")
    expect(page.get_by_text("not a member of any project")).to_be_visible()
    response = page.goto("/projects/ledgerline/")
    assert response.status == 404
