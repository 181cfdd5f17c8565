"""The capture round: phones submit Things That Matter, upvote, the facilitator merges and keeps."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from diagnostics.models import Participant, ThingThatMatters
from workshops import services
from workshops.models import CapturedThing, Upvote

from ..factories import DiagnosticValueCodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def capturing(session):
    return services.start_capture(session=session)


def upvote(client, session, captured):
    url = reverse("workshop:upvote", args=[session.pk, captured.pk])
    return client.post(url, HTTP_HX_REQUEST="true")


def test_a_phone_submits_a_thing_that_matters(capturing, council, phone_factory):
    phone = phone_factory(capturing, council, "Alex")
    url = reverse("workshop:capture", args=[capturing.pk])
    response = phone.post(url, {"title": "Invoices paid on time", "detail": "within 30 days"})
    assert response.status_code == 302
    captured = CapturedThing.objects.get()
    assert (captured.title, captured.detail) == ("Invoices paid on time", "within 30 days")
    assert captured.participant == Participant.objects.get(label__startswith="Alex #")
    assert b"Invoices paid on time" in phone.get(response["Location"]).content


def test_a_capture_without_a_title_is_refused(capturing, council, phone_factory):
    phone = phone_factory(capturing, council, "Alex")
    url = reverse("workshop:capture", args=[capturing.pk])
    response = phone.post(url, {"title": "  "}, HTTP_HX_REQUEST="true")
    assert b"Please give a title" in response.content
    assert not CapturedThing.objects.exists()


def test_nothing_is_captured_outside_the_capture_round(session, council, phone_factory):
    phone = phone_factory(session, council, "Alex")
    url = reverse("workshop:capture", args=[session.pk])
    phone.post(url, {"title": "Too late"}, HTTP_HX_REQUEST="true")
    assert not CapturedThing.objects.exists()


def test_one_upvote_per_participant(capturing, council, contractor, phone_factory):
    alex, kim = (
        phone_factory(capturing, council, "Alex"),
        phone_factory(capturing, contractor, "Kim"),
    )
    captured = CapturedThing.objects.create(session=capturing, title="Fewer surprises")
    upvote(alex, capturing, captured)
    response = upvote(alex, capturing, captured)
    assert b"You upvoted this" in response.content
    upvote(kim, capturing, captured)
    assert Upvote.objects.filter(captured_thing=captured).count() == 2


def test_merging_moves_upvotes_without_counting_anyone_twice(capturing, council, contractor):
    alex = services.join_with_name(session=capturing, party=council, name="Alex")
    kim = services.join_with_name(session=capturing, party=contractor, name="Kim")
    original = services.capture(session=capturing, participant=alex, title="Pay on time")
    duplicate = services.capture(session=capturing, participant=kim, title="Prompt payment")
    services.upvote(session=capturing, participant=alex, captured_thing=original)
    services.upvote(session=capturing, participant=alex, captured_thing=duplicate)
    services.upvote(session=capturing, participant=kim, captured_thing=duplicate)
    services.merge(session=capturing, captured_thing=duplicate, into=original)
    voters = original.upvotes.values_list("participant__label", flat=True)
    assert {label.split(" #")[0] for label in voters} == {"Alex", "Kim"}
    duplicate.refresh_from_db()
    assert duplicate.merged_into == original
    with pytest.raises(ValidationError):
        services.upvote(session=capturing, participant=kim, captured_thing=duplicate)


def test_keeping_creates_a_thing_that_matters_once(capturing, council, contractor, value_codes):
    alex = services.join_with_name(session=capturing, party=council, name="Alex")
    kim = services.join_with_name(session=capturing, party=contractor, name="Kim")
    captured = services.capture(
        session=capturing, participant=alex, title="Pay on time", detail="30 days"
    )
    services.upvote(session=capturing, participant=kim, captured_thing=captured)
    kept = {"session": capturing, "captured_thing": captured, "value_codes": value_codes[:1]}
    thing = services.keep(**kept)
    assert services.keep(**kept) == thing
    assert ThingThatMatters.objects.count() == 1
    assert (thing.title, thing.description, thing.diagnostic_id) == (
        "Pay on time",
        "30 days",
        capturing.diagnostic_id,
    )
    assert set(thing.parties.all()) == {council, contractor}
    assert list(thing.value_codes.all()) == value_codes[:1]


def test_keeping_needs_a_value_code_of_the_diagnostic_as_the_service_says(capturing, council):
    alex = services.join_with_name(session=capturing, party=council, name="Alex")
    captured = services.capture(session=capturing, participant=alex, title="Pay on time")
    foreign = DiagnosticValueCodeFactory()
    for value_codes in [[], [foreign]]:
        with pytest.raises(ValidationError) as refused:
            services.keep(session=capturing, captured_thing=captured, value_codes=value_codes)
        assert "value_codes" in refused.value.message_dict
    captured.refresh_from_db()
    assert not captured.kept and not ThingThatMatters.objects.exists()


def test_the_presenter_merges_and_keeps_from_the_screen(capturing, facilitator_client, value_codes):
    first = CapturedThing.objects.create(session=capturing, title="Pay on time")
    second = CapturedThing.objects.create(session=capturing, title="Prompt payment")
    slug = capturing.diagnostic.slug
    url = reverse("workshop_presenter:merge", args=[slug, capturing.pk, second.pk])
    facilitator_client.post(url, {"into": first.pk})
    url = reverse("workshop_presenter:keep", args=[slug, capturing.pk, first.pk])
    response = facilitator_client.post(url, {"value_codes": value_codes[1].pk}, follow=True)
    assert b"Kept as a Thing That Matters: Pay on time" in response.content
    thing = ThingThatMatters.objects.get()
    assert thing.title == "Pay on time" and list(thing.value_codes.all()) == [value_codes[1]]
    assert CapturedThing.objects.get(pk=second.pk).merged_into_id == first.pk


def test_the_presenter_offers_the_value_codes_and_shows_the_services_refusal(
    capturing, facilitator_client, value_codes
):
    captured = CapturedThing.objects.create(session=capturing, title="Pay on time")
    slug = capturing.diagnostic.slug
    page = facilitator_client.get(reverse("workshop_presenter:presenter", args=[slug]))
    assert f'<option value="{value_codes[0].pk}">'.encode() in page.content
    url = reverse("workshop_presenter:keep", args=[slug, capturing.pk, captured.pk])
    hostile = ["abc", "٣", "99999999999999999999", DiagnosticValueCodeFactory().pk]
    for chosen in [{}, *({"value_codes": value} for value in hostile)]:
        response = facilitator_client.post(url, chosen, follow=True)
        assert response.status_code == 200
        assert b"Map it to at least one Value Code." in response.content
    assert not ThingThatMatters.objects.exists()


def test_the_capture_list_costs_the_same_queries_however_many_things(
    capturing, council, django_assert_max_num_queries
):
    from workshops import selectors

    alex = services.join_with_name(session=capturing, party=council, name="Alex")
    for number in range(12):
        captured = services.capture(session=capturing, participant=alex, title=f"Thing {number}")
        services.upvote(session=capturing, participant=alex, captured_thing=captured)
    with django_assert_max_num_queries(1):
        listed = selectors.captures(capturing, alex)
    assert len(listed) == 12 and all(c.upvoted_by_me and c.upvote_count == 1 for c in listed)
