from access.models import Membership, Role


def test_a_superuser_lists_and_searches_memberships(cast, client):
    client.force_login(cast.root)
    page = client.get("/admin/access/membership/", {"q": "reviewer"})
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [Membership.objects.get(user=cast.reviewer)]


def test_a_superuser_changes_a_role_in_the_admin(cast, client):
    client.force_login(cast.root)
    membership = Membership.objects.get(user=cast.viewer)
    page = client.post(
        f"/admin/access/membership/{membership.pk}/change/",
        {"user": cast.viewer.pk, "project": cast.acme.pk, "role": "reviewer"},
    )
    assert page.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.REVIEWER
