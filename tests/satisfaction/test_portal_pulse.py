"""A stakeholder gives a pulse through their portal link, with no account."""

from rapport.comms import services as comms
from rapport.satisfaction.models import Pulse


def _url(token, about=None):
    return f"/portal/{token}/pulse/" + (f"?about={about}" if about else "")


def test_a_stakeholder_rates_a_call_through_their_portal_link_without_an_account(
    client, kim_portal, call_with_kim
):
    _, token = kim_portal
    home = client.get(f"/portal/{token}/")
    assert b"Tell us how satisfied you are" in home.content
    page = client.get(_url(token))
    assert page.status_code == 200 and b"Training plan" in page.content
    about = f"interaction-{call_with_kim.pk}"
    response = client.post(_url(token, about), {"score": "2", "comment": "Too rushed"})
    assert response.status_code == 302
    pulse = Pulse.objects.get()
    assert (pulse.score, pulse.comment, pulse.source) == (2, "Too rushed", "portal")
    assert pulse.interaction == call_with_kim and pulse.recorded_by is None


def test_a_second_answer_about_the_same_call_replaces_the_first(client, kim_portal, call_with_kim):
    _, token = kim_portal
    about = f"interaction-{call_with_kim.pk}"
    client.post(_url(token, about), {"score": "2"})
    response = client.post(_url(token, about), {"score": "4"}, follow=True)
    assert b"your earlier answer is replaced" in response.content
    assert list(Pulse.objects.values_list("score", flat=True)) == [4]


def test_a_missing_score_is_refused_and_nothing_is_saved(client, kim_portal, call_with_kim):
    _, token = kim_portal
    response = client.post(_url(token, f"interaction-{call_with_kim.pk}"), {"score": "9"})
    assert response.status_code == 200 and b"Select a valid choice" in response.content
    assert not Pulse.objects.exists()


def test_someone_elses_call_cannot_be_rated(client, world, kim_portal, people):
    from django.utils import timezone

    from rapport.relations import services as relations

    _, token = kim_portal
    other = relations.interaction_record(
        actor=world.manager,
        project=world.alpha,
        stakeholder=people[1],
        kind="call",
        date=timezone.localdate(),
        subject="Pat's call",
    )
    assert client.get(_url(token)).content.count(b"Pat's call") == 0
    response = client.post(_url(token, f"interaction-{other.pk}"), {"score": "5"})
    assert response.status_code == 404 and not Pulse.objects.exists()


def test_a_made_up_or_revoked_link_is_404(client, world, kim_portal):
    link, token = kim_portal
    assert client.get(_url("rpl_made-up")).status_code == 404
    comms.portal_link_revoke(actor=world.manager, link=link)
    assert client.get(_url(token)).status_code == 404


def test_a_password_protected_link_asks_for_its_password_first(client, kim_portal):
    link, token = kim_portal
    comms.portal_password_set(link=link, password="correct horse battery", set_by=None)
    response = client.get(_url(token))
    assert response.status_code == 302 and response["Location"].endswith("/unlock/")


def test_the_team_opening_the_link_cannot_answer_for_the_stakeholder(
    client_for, world, kim_portal, call_with_kim
):
    _, token = kim_portal
    client = client_for(world.manager)
    response = client.post(_url(token, f"interaction-{call_with_kim.pk}"), {"score": "5"})
    assert b"cannot answer for them" in response.content
    assert not Pulse.objects.exists()
