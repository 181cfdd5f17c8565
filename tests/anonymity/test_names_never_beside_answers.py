"""Every surface that holds answers, searched for a participant's name and e-mail address, as
a facilitator, a sponsor or a superuser would try it (PRODUCT.md 3): none is found. Only the
raw ratings export holds individual answers, under respondent codes."""

import csv
import io
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import DiagnosticMember, Participant, Rating
from reports import rendering
from reports.models import Report
from workshops import services as workshops

from ..analysis.helpers import realistic_diagnostic
from ..factories import MemberFactory, UserFactory
from ..reports.helpers import pdf_text

pytestmark = pytest.mark.django_db

NAME = "Yolanda Quixote"
MAILBOX = "mailbox.example"


@pytest.fixture
def diagnostic():
    """Three parties of 4, 3 and 3 people, every one named and e-mailed distinctively, with a
    comment of their own; individual reports on."""
    diagnostic = realistic_diagnostic(value_codes=6, people=(4, 3, 3), rounds=1, slug="names")
    diagnostic.share_individual_reports = True
    diagnostic.save()
    for n, person in enumerate(diagnostic.participants.order_by("pk"), start=1):
        person.label, person.email = f"{NAME} {n}", f"yq{n}@{MAILBOX}"
        person.save()
        Rating.objects.filter(participant=person).update(comment=f"Remark number {n} here")
    return diagnostic


@pytest.fixture
def facilitator_client(client, diagnostic):
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    return client


def sponsor_client(client, diagnostic):
    sponsor = MemberFactory(
        diagnostic=diagnostic, user=UserFactory(), role=DiagnosticMember.SPONSOR
    ).user
    client.force_login(sponsor)
    return client


def body(response):
    assert response.status_code == 200
    content = response.streaming_content if response.streaming else [response.content]
    return b"".join(content).decode()


def assert_anonymous(text):
    assert NAME not in text and MAILBOX not in text
    for person in Participant.objects.all():
        assert person.token not in text and person.invitation_token not in text


def test_the_raw_ratings_export_names_respondents_by_code_only(facilitator_client, diagnostic):
    diagnostic.rounds.update(closed_at=timezone.now())  # open rounds are not exported row by row
    url = reverse("exports:ratings_csv", args=[diagnostic.slug])
    text = body(facilitator_client.get(url))
    assert_anonymous(text)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "respondent"
    codes = {row[0] for row in rows[1:]}
    assert codes == set(diagnostic.participants.values_list("respondent_code", flat=True))
    assert len(rows) - 1 == Rating.objects.count()  # every rating kept


def test_the_results_json_csv_and_dashboard_show_no_name(client, facilitator_client, diagnostic):
    slug = diagnostic.slug
    urls = [
        reverse("results:json", args=[slug]),
        reverse("results:csv", args=[slug]),
        reverse("results:dashboard", args=[slug]),
    ]
    pages = [body(facilitator_client.get(url)) for url in urls]
    assert "Remark number 1 here" in pages[2]  # comments are there, without names
    for text in pages:
        assert_anonymous(text)
        assert not re.search(r"R-[A-Z2-9]{4}\b", text)  # nor a respondent code
    sponsor = sponsor_client(client, diagnostic)
    for url in urls:
        assert_anonymous(body(sponsor.get(url)))


def test_the_analyse_command_shows_no_name(diagnostic):
    outputs = {}
    for output_format in ("json", "csv"):
        out = StringIO()
        call_command("analyse", diagnostic.slug, "--format", output_format, stdout=out)
        outputs[output_format] = out.getvalue()
        assert_anonymous(outputs[output_format])
    assert json.loads(outputs["json"])["value_codes"]


def test_the_business_case_pdf_shows_no_name(facilitator_client, diagnostic):
    report = Report.objects.create(diagnostic=diagnostic, round=diagnostic.rounds.get())
    rendering.render(report)
    url = reverse("reports:download", args=[diagnostic.slug, report.pk])
    response = facilitator_client.get(url)
    pdf = b"".join(response.streaming_content)
    text = pdf_text(pdf)
    assert diagnostic.name in text
    assert_anonymous(text)


def test_the_individual_report_shows_only_ones_own_answers(client, diagnostic):
    person = diagnostic.participants.order_by("pk").first()
    text = body(client.get(reverse("individual:report", args=[person.token])))
    assert "Your answers" in text
    assert_anonymous(text.replace(person.token, ""))


def test_the_workshop_screens_show_no_name(facilitator_client, diagnostic):
    session = workshops.start_session(diagnostic=diagnostic)
    for person in diagnostic.participants.all():
        workshops.attend(session=session, participant=person)
    workshops.set_revealed(session=session, revealed=True)
    presenter = reverse("workshop_presenter:presenter", args=[diagnostic.slug])
    text = body(facilitator_client.get(presenter))
    assert "Results for" in text  # the reveal is on screen
    assert_anonymous(text)


def test_the_hub_shows_names_but_never_a_respondent_code(facilitator_client, diagnostic):
    codes = set(diagnostic.participants.values_list("respondent_code", flat=True))
    for name in ("participants", "detail", "progress"):
        text = body(facilitator_client.get(reverse(f"diagnostics:{name}", args=[diagnostic.slug])))
        assert not codes & set(re.findall(r"R-[A-Z2-9]{4}", text))
        assert "Remark number" not in text


def test_the_django_admin_never_puts_answers_or_codes_beside_names(client, diagnostic):
    """Superusers included: the admin lists people, never their ratings or codes."""
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    person = diagnostic.participants.order_by("pk").first()
    pages = [
        reverse("admin:diagnostics_participant_changelist"),
        reverse("admin:diagnostics_participant_change", args=[person.pk]),
        reverse("admin:diagnostics_diagnostic_change", args=[diagnostic.pk]),
        reverse("admin:diagnostics_diagnostic_delete", args=[diagnostic.pk]),
    ]
    codes = set(diagnostic.participants.values_list("respondent_code", flat=True))
    for url in pages:
        text = body(client.get(url))
        assert "Remark number" not in text
        assert not codes & set(re.findall(r"R-[A-Z2-9]{4}", text))
        assert person.token not in text and person.invitation_token not in text
    assert client.get("/admin/diagnostics/rating/").status_code == 404
    delete_person = reverse("admin:diagnostics_participant_delete", args=[person.pk])
    assert client.get(delete_person).status_code == 403  # it would list their ratings
    delete_diagnostic = body(client.get(pages[-1]))
    assert NAME not in delete_diagnostic and "Remark number" not in delete_diagnostic
