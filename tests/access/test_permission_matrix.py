"""Every URL pattern of the project, as every role, with GET and POST, against a table.

The table is ttm/access.py written out: what each role gets from each page. A URL pattern that
is not in it fails `test_every_url_pattern_is_in_the_matrix`, so no page ships without someone
deciding who may open it.

Roles (columns):
- anon: nobody logged in, no link.
- p_this, p_other: a participant of this diagnostic, and one of another. No account: in token
  URLs each uses their own secret link (the personal link; the invitation link where a URL takes
  that), and their browser joined their own diagnostic's live workshop. Every other role uses a
  token nobody has.
- f_this: a facilitator member of this diagnostic (in the Facilitators group; owns the library).
- f_other: a facilitator who is not a member (in the group; facilitates the other diagnostic).
- s_this, s_other: a sponsor of this diagnostic, and one of another.
- super: a superuser.

Answers: 2xx; 3xx (a redirect, not to a login page); login (to the login page); admin (to the
admin's login page); or the status itself (400, 403, 404, 405). POSTs carry no data unless
POST_DATA gives some, so forms answer with their errors and buttons do their job.

The admin's model pages (add, change, changelist, delete, history of every registered model)
follow the row `admin:<model_page>` unless they have rows of their own, and their unnamed
`<object_id>/` redirects the row `admin/<model>/<object_id>/`: the admin asks is_staff, the same
for every model, and the model's admin may refuse a page to everyone.

One world is built once for the module; each request runs in a savepoint that is rolled back,
with the role's own cookies, so no request sees what another changed.
"""

import re
from copy import deepcopy
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from diagnostics.models import AgreedTarget, Diagnostic, ThingThatMatters, TradeOffLink
from reports.models import Report
from ttm.access import FACILITATORS_GROUP
from workshops import services as workshop_services
from workshops.models import CapturedThing, WorkshopAttendee

from ..factories import (
    DiagnosticFactory,
    DiagnosticValueCodeFactory,
    LibraryFactory,
    MemberFactory,
    ParticipantFactory,
    PartyFactory,
    RoundFactory,
    SectionFactory,
    UserFactory,
    ValueCodeFactory,
)

# The mark sets the test database up even when this module runs alone; each test's own
# transaction nests inside the module's (see `world`).
pytestmark = pytest.mark.django_db

ROLES = ["anon", "p_this", "p_other", "f_this", "f_other", "s_this", "s_other", "super"]

MATRIX = """
url                                verb anon    p_this  p_other f_this  f_other s_this  s_other super
# Anyone
home                               GET  2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx
home                               POST 2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx
healthz                            GET  2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx
healthz                            POST 405     405     405     405     405     405     405     405
login                              GET  2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx
login                              POST 2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx
logout                             GET  405     405     405     405     405     405     405     405
logout                             POST 3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx
# Diagnostics: the hub (membership decides)
diagnostics:list                   GET  login   login   login   2xx     2xx     2xx     2xx     2xx
diagnostics:list                   POST login   login   login   2xx     2xx     2xx     2xx     2xx
diagnostics:create                 GET  login   login   login   2xx     2xx     403     403     2xx
diagnostics:create                 POST login   login   login   2xx     2xx     403     403     2xx
diagnostics:detail                 GET  login   login   login   2xx     404     2xx     404     2xx
diagnostics:detail                 POST login   login   login   2xx     404     2xx     404     2xx
diagnostics:progress               GET  login   login   login   2xx     404     2xx     404     2xx
diagnostics:progress               POST login   login   login   2xx     404     2xx     404     2xx
diagnostics:edit                   GET  login   login   login   2xx     404     403     404     2xx
diagnostics:edit                   POST login   login   login   2xx     404     403     404     2xx
diagnostics:send_reminders         GET  login   login   login   405     405     405     405     405
diagnostics:send_reminders         POST login   login   login   3xx     404     403     404     3xx
diagnostics:rounds                 GET  login   login   login   2xx     404     403     404     2xx
diagnostics:rounds                 POST login   login   login   2xx     404     403     404     2xx
diagnostics:round_open             GET  login   login   login   405     405     405     405     405
diagnostics:round_open             POST login   login   login   3xx     404     403     404     3xx
diagnostics:round_close            GET  login   login   login   405     405     405     405     405
diagnostics:round_close            POST login   login   login   3xx     404     403     404     3xx
diagnostics:parties                GET  login   login   login   2xx     404     403     404     2xx
diagnostics:parties                POST login   login   login   2xx     404     403     404     2xx
diagnostics:party_edit             GET  login   login   login   2xx     404     403     404     2xx
diagnostics:party_edit             POST login   login   login   2xx     404     403     404     2xx
diagnostics:party_remove           GET  login   login   login   405     405     405     405     405
diagnostics:party_remove           POST login   login   login   3xx     404     403     404     3xx
diagnostics:party_open_link        GET  login   login   login   405     405     405     405     405
diagnostics:party_open_link        POST login   login   login   3xx     404     403     404     3xx
diagnostics:participants           GET  login   login   login   2xx     404     403     404     2xx
diagnostics:participants           POST login   login   login   2xx     404     403     404     2xx
diagnostics:participant_revoke     GET  login   login   login   405     405     405     405     405
diagnostics:participant_revoke     POST login   login   login   3xx     404     403     404     3xx
diagnostics:participant_reissue    GET  login   login   login   405     405     405     405     405
diagnostics:participant_reissue    POST login   login   login   3xx     404     403     404     3xx
diagnostics:participant_send       GET  login   login   login   405     405     405     405     405
diagnostics:participant_send       POST login   login   login   3xx     404     403     404     3xx
diagnostics:participant_edit       GET  login   login   login   2xx     404     403     404     2xx
diagnostics:participant_edit       POST login   login   login   2xx     404     403     404     2xx
diagnostics:participant_remove     GET  login   login   login   405     405     405     405     405
diagnostics:participant_remove     POST login   login   login   3xx     404     403     404     3xx
diagnostics:assignments            GET  login   login   login   2xx     404     403     404     2xx
diagnostics:assignments            POST login   login   login   405     405     405     405     405
diagnostics:assignment_party       GET  login   login   login   2xx     404     403     404     2xx
diagnostics:assignment_party       POST login   login   login   2xx     404     403     404     2xx
diagnostics:assignment_participant GET  login   login   login   2xx     404     403     404     2xx
diagnostics:assignment_participant POST login   login   login   2xx     404     403     404     2xx
diagnostics:things                 GET  login   login   login   2xx     404     403     404     2xx
diagnostics:things                 POST login   login   login   2xx     404     403     404     2xx
diagnostics:thing_edit             GET  login   login   login   2xx     404     403     404     2xx
diagnostics:thing_edit             POST login   login   login   2xx     404     403     404     2xx
diagnostics:thing_delete           GET  login   login   login   405     405     405     405     405
diagnostics:thing_delete           POST login   login   login   3xx     404     403     404     3xx
diagnostics:value_codes            GET  login   login   login   2xx     404     403     404     2xx
diagnostics:value_codes            POST login   login   login   2xx     404     403     404     2xx
diagnostics:value_code_edit        GET  login   login   login   2xx     404     403     404     2xx
diagnostics:value_code_edit        POST login   login   login   2xx     404     403     404     2xx
diagnostics:value_code_move        GET  login   login   login   405     405     405     405     405
diagnostics:value_code_move        POST login   login   login   3xx     404     403     404     3xx
diagnostics:value_code_remove      GET  login   login   login   405     405     405     405     405
diagnostics:value_code_remove      POST login   login   login   3xx     404     403     404     3xx
diagnostics:members                GET  login   login   login   2xx     404     403     404     2xx
diagnostics:members                POST login   login   login   2xx     404     403     404     2xx
diagnostics:member_remove          GET  login   login   login   405     405     405     405     405
diagnostics:member_remove          POST login   login   login   3xx     404     403     404     3xx
# Results
results:json                       GET  login   login   login   2xx     404     2xx     404     2xx
results:json                       POST login   login   login   2xx     404     2xx     404     2xx
results:csv                        GET  login   login   login   2xx     404     2xx     404     2xx
results:csv                        POST login   login   login   2xx     404     2xx     404     2xx
results:dashboard                  GET  login   login   login   2xx     404     2xx     404     2xx
results:dashboard                  POST login   login   login   2xx     404     2xx     404     2xx
results:understanding              GET  login   login   login   2xx     404     2xx     404     2xx
results:understanding              POST login   login   login   2xx     404     2xx     404     2xx
results:value_code_details         GET  login   login   login   2xx     404     2xx     404     2xx
results:value_code_details         POST login   login   login   2xx     404     2xx     404     2xx
results:board                      GET  login   login   login   2xx     404     403     404     2xx
results:board                      POST login   login   login   2xx     404     403     404     2xx
results:agreed_target              GET  login   login   login   2xx     404     403     404     2xx
results:agreed_target              POST login   login   login   2xx     404     403     404     2xx
results:trade_off_links            GET  login   login   login   405     405     405     405     405
results:trade_off_links            POST login   login   login   2xx     404     403     404     2xx
results:action_plan                GET  login   login   login   2xx     404     2xx     404     2xx
results:action_plan                POST login   login   login   2xx     404     2xx     404     2xx
results:action_plan_csv            GET  login   login   login   2xx     404     2xx     404     2xx
results:action_plan_csv            POST login   login   login   2xx     404     2xx     404     2xx
results:action_plan_xlsx           GET  login   login   login   2xx     404     2xx     404     2xx
results:action_plan_xlsx           POST login   login   login   2xx     404     2xx     404     2xx
# Libraries (the Facilitators group reads; the owner changes)
valuecodes:list                    GET  login   login   login   2xx     2xx     403     403     2xx
valuecodes:list                    POST login   login   login   405     405     403     403     405
valuecodes:create                  GET  login   login   login   2xx     2xx     403     403     2xx
valuecodes:create                  POST login   login   login   2xx     2xx     403     403     2xx
valuecodes:search                  GET  login   login   login   2xx     2xx     403     403     2xx
valuecodes:search                  POST login   login   login   405     405     403     403     405
valuecodes:import_new              GET  login   login   login   2xx     2xx     403     403     2xx
valuecodes:import_new              POST login   login   login   2xx     2xx     403     403     2xx
valuecodes:import_preview          GET  login   login   login   3xx     3xx     403     403     3xx
valuecodes:import_preview          POST login   login   login   3xx     3xx     403     403     3xx
valuecodes:detail                  GET  login   login   login   2xx     2xx     403     403     2xx
valuecodes:detail                  POST login   login   login   405     405     403     403     405
valuecodes:edit                    GET  login   login   login   2xx     403     403     403     2xx
valuecodes:edit                    POST login   login   login   2xx     403     403     403     2xx
valuecodes:duplicate               GET  login   login   login   2xx     2xx     403     403     2xx
valuecodes:duplicate               POST login   login   login   2xx     2xx     403     403     2xx
valuecodes:delete                  GET  login   login   login   2xx     403     403     403     2xx
valuecodes:delete                  POST login   login   login   3xx     403     403     403     3xx
valuecodes:import                  GET  login   login   login   2xx     403     403     403     2xx
valuecodes:import                  POST login   login   login   2xx     403     403     403     2xx
valuecodes:export                  GET  login   login   login   2xx     2xx     403     403     2xx
valuecodes:export                  POST login   login   login   405     405     403     403     405
valuecodes:section_create          GET  login   login   login   2xx     403     403     403     2xx
valuecodes:section_create          POST login   login   login   2xx     403     403     403     2xx
valuecodes:section_edit            GET  login   login   login   2xx     403     403     403     2xx
valuecodes:section_edit            POST login   login   login   2xx     403     403     403     2xx
valuecodes:section_move            GET  login   login   login   405     405     403     403     405
valuecodes:section_move            POST login   login   login   3xx     403     403     403     3xx
valuecodes:section_delete          GET  login   login   login   2xx     403     403     403     2xx
valuecodes:section_delete          POST login   login   login   3xx     403     403     403     3xx
valuecodes:value_code_create       GET  login   login   login   2xx     403     403     403     2xx
valuecodes:value_code_create       POST login   login   login   2xx     403     403     403     2xx
valuecodes:value_code_edit         GET  login   login   login   2xx     403     403     403     2xx
valuecodes:value_code_edit         POST login   login   login   2xx     403     403     403     2xx
valuecodes:value_code_move         GET  login   login   login   405     405     403     403     405
valuecodes:value_code_move         POST login   login   login   3xx     403     403     403     3xx
valuecodes:value_code_delete       GET  login   login   login   2xx     403     403     403     2xx
valuecodes:value_code_delete       POST login   login   login   3xx     403     403     403     3xx
# Participants' own links
individual:report                  GET  404     2xx     2xx     404     404     404     404     404
individual:report                  POST 404     2xx     2xx     404     404     404     404     404
# Facilitator files
# ratings.csv answers 409 until a round is closed: this world's only round is open
exports:ratings_csv                GET  login   login   login   409     404     403     404     409
exports:ratings_csv                POST login   login   login   405     405     405     405     405
exports:ratings_import             GET  login   login   login   2xx     404     403     404     2xx
exports:ratings_import             POST login   login   login   400     404     403     404     400
# Reports (facilitator and sponsor members)
reports:list                       GET  login   login   login   2xx     404     2xx     404     2xx
reports:list                       POST login   login   login   405     405     405     405     405
reports:request                    GET  login   login   login   405     405     405     405     405
reports:request                    POST login   login   login   3xx     404     3xx     404     3xx
reports:status                     GET  login   login   login   2xx     404     2xx     404     2xx
reports:status                     POST login   login   login   405     405     405     405     405
reports:retry                      GET  login   login   login   405     405     405     405     405
reports:retry                      POST login   login   login   3xx     404     3xx     404     3xx
reports:download                   GET  login   login   login   2xx     404     2xx     404     2xx
reports:download                   POST login   login   login   405     405     405     405     405
# Participants' links
participant:home                   GET  404     2xx     2xx     404     404     404     404     404
participant:home                   POST 404     3xx     3xx     404     404     404     404     404
participant:rate                   GET  404     2xx     2xx     404     404     404     404     404
participant:rate                   POST 404     3xx     3xx     404     404     404     404     404
participant:save                   GET  405     405     405     405     405     405     405     405
participant:save                   POST 404     3xx     404     404     404     404     404     404
participant:save_understanding     GET  405     405     405     405     405     405     405     405
participant:save_understanding     POST 404     400     404     404     404     404     404     404
participant:save_stance            GET  405     405     405     405     405     405     405     405
participant:save_stance            POST 404     400     404     404     404     404     404     404
participant:save_pulse             GET  405     405     405     405     405     405     405     405
participant:save_pulse             POST 404     3xx     3xx     404     404     404     404     404
participant:email_link             GET  405     405     405     405     405     405     405     405
participant:email_link             POST 404     3xx     3xx     404     404     404     404     404
participant:join                   GET  2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx
participant:join                   POST 2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx
# The live workshop: the presenter (facilitator members)
workshop_presenter:presenter       GET  login   login   login   2xx     404     403     404     2xx
workshop_presenter:presenter       POST login   login   login   2xx     404     403     404     2xx
workshop_presenter:start           GET  405     405     405     405     405     405     405     405
workshop_presenter:start           POST login   login   login   3xx     404     403     404     3xx
workshop_presenter:live            GET  login   login   login   2xx     404     403     404     2xx
workshop_presenter:live            POST login   login   login   2xx     404     403     404     2xx
workshop_presenter:control         GET  405     405     405     405     405     405     405     405
workshop_presenter:control         POST login   login   login   3xx     404     403     404     3xx
workshop_presenter:agreed_target   GET  405     405     405     405     405     405     405     405
workshop_presenter:agreed_target   POST login   login   login   3xx     404     403     404     3xx
workshop_presenter:keep            GET  405     405     405     405     405     405     405     405
workshop_presenter:keep            POST login   login   login   3xx     404     403     404     3xx
workshop_presenter:merge           GET  405     405     405     405     405     405     405     405
workshop_presenter:merge           POST login   login   login   3xx     404     403     404     3xx
workshop_presenter:room            GET  login   login   login   2xx     404     403     404     2xx
workshop_presenter:room            POST login   login   login   2xx     404     403     404     2xx
workshop_presenter:remove_attendee GET  405     405     405     405     405     405     405     405
workshop_presenter:remove_attendee POST login   login   login   3xx     404     403     404     3xx
# The live workshop: phones (the browser that joined)
workshop:join                      GET  2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx
workshop:join                      POST 2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx
workshop:phone                     GET  404     2xx     404     404     404     404     404     404
workshop:phone                     POST 404     2xx     404     404     404     404     404     404
workshop:phone_live                GET  404     2xx     404     404     404     404     404     404
workshop:phone_live                POST 404     2xx     404     404     404     404     404     404
workshop:rate                      GET  405     405     405     405     405     405     405     405
workshop:rate                      POST 404     2xx     404     404     404     404     404     404
workshop:capture                   GET  405     405     405     405     405     405     405     405
workshop:capture                   POST 404     3xx     404     404     404     404     404     404
workshop:upvote                    GET  405     405     405     405     405     405     405     405
workshop:upvote                    POST 404     3xx     404     404     404     404     404     404
workshop:join_session              GET  2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx
workshop:join_session              POST 2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx
# The Django admin (staff only; every model's pages follow the last two rows)
admin:index                        GET  admin   admin   admin   admin   admin   admin   admin   2xx
admin:index                        POST admin   admin   admin   admin   admin   admin   admin   2xx
admin:login                        GET  2xx     2xx     2xx     2xx     2xx     2xx     2xx     3xx
admin:login                        POST 2xx     2xx     2xx     2xx     2xx     2xx     2xx     2xx
admin:logout                       GET  3xx     3xx     3xx     3xx     3xx     3xx     3xx     405
admin:logout                       POST 3xx     3xx     3xx     3xx     3xx     3xx     3xx     3xx
admin:password_change              GET  admin   admin   admin   admin   admin   admin   admin   2xx
admin:password_change              POST admin   admin   admin   admin   admin   admin   admin   2xx
admin:password_change_done         GET  admin   admin   admin   admin   admin   admin   admin   2xx
admin:password_change_done         POST admin   admin   admin   admin   admin   admin   admin   405
admin:autocomplete                 GET  admin   admin   admin   admin   admin   admin   admin   403
admin:autocomplete                 POST admin   admin   admin   admin   admin   admin   admin   405
admin:jsi18n                       GET  admin   admin   admin   admin   admin   admin   admin   2xx
admin:jsi18n                       POST admin   admin   admin   admin   admin   admin   admin   405
admin:view_on_site                 GET  admin   admin   admin   admin   admin   admin   admin   3xx
admin:view_on_site                 POST admin   admin   admin   admin   admin   admin   admin   3xx
admin:app_list                     GET  admin   admin   admin   admin   admin   admin   admin   2xx
admin:app_list                     POST admin   admin   admin   admin   admin   admin   admin   2xx
admin/(?P<url>.*)$                 GET  admin   admin   admin   admin   admin   admin   admin   404
admin/(?P<url>.*)$                 POST admin   admin   admin   admin   admin   admin   admin   404
# Participants are never deleted in the admin (revoke or remove them on the Participants tab)
admin:diagnostics_participant_delete GET  admin   admin   admin   admin   admin   admin   admin   403
admin:diagnostics_participant_delete POST admin   admin   admin   admin   admin   admin   admin   403
# Rounds open and close only on the hub: no round is added in the admin, and a saved change
# page changes nothing (every field is read-only) and goes back to the list
admin:diagnostics_round_add        GET  admin   admin   admin   admin   admin   admin   admin   403
admin:diagnostics_round_add        POST admin   admin   admin   admin   admin   admin   admin   403
admin:diagnostics_round_change     GET  admin   admin   admin   admin   admin   admin   admin   2xx
admin:diagnostics_round_change     POST admin   admin   admin   admin   admin   admin   admin   3xx
admin:<model_page>                 GET  admin   admin   admin   admin   admin   admin   admin   2xx
admin:<model_page>                 POST admin   admin   admin   admin   admin   admin   admin   2xx
admin/<model>/<object_id>/         GET  admin   admin   admin   admin   admin   admin   admin   3xx
admin/<model>/<object_id>/         POST admin   admin   admin   admin   admin   admin   admin   3xx
"""

ADMIN_MODEL_PAGE = re.compile(
    r"^admin:[a-z]+_[a-z]+_(add|change|changelist|delete|history|password_change)$"
)
ADMIN_OBJECT_REDIRECT = re.compile(r"^admin/\w+/\w+/<path:object_id>/$")
NOBODYS_TOKEN = "no-such-token-00000000000000000000000000000"


def parse_matrix(text):
    """{(url, verb): {role: answer}} from the table; comment lines start with #."""
    lines = [line.split() for line in text.strip().splitlines() if not line.startswith("#")]
    header, rows = lines[0], lines[1:]
    assert header[2:] == ROLES, header
    table = {}
    for row in rows:
        assert len(row) == len(header), row
        assert (row[0], row[1]) not in table, f"{row[0]} {row[1]} is in the matrix twice"
        table[(row[0], row[1])] = dict(zip(ROLES, row[2:], strict=True))
    return table


TABLE = parse_matrix(MATRIX)


def url_patterns(patterns=None, prefix="", namespace=None):
    """(key, route) of every URL pattern, recursively: key is 'namespace:name', else the route."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, route, pattern.namespace or namespace)
        else:
            assert isinstance(pattern, URLPattern)
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name or route, route


def matrix_row(key):
    """The table's key for a URL pattern's key (the admin's model pages share two rows, unless
    a page has rows of its own)."""
    if (key, "GET") in TABLE:
        return key
    if ADMIN_MODEL_PAGE.match(key):
        return "admin:<model_page>"
    if ADMIN_OBJECT_REDIRECT.match(key):
        return "admin/<model>/<object_id>/"
    return key


PATTERNS = sorted(url_patterns())


# --- the world -------------------------------------------------------------------------------


def make_diagnostic(slug):
    """A diagnostic with two parties, two Value Codes, an open round, a participant (and a second
    one for revoking), a Thing That Matters, an agreed target with a trade-off link and a live workshop capturing two
    things, which the first participant's browser joined."""
    d = SimpleNamespace()
    d.diagnostic = DiagnosticFactory(slug=slug, share_individual_reports=True)
    d.party = PartyFactory(diagnostic=d.diagnostic, name="Council", open_link_enabled=True)
    PartyFactory(diagnostic=d.diagnostic, name="Contractor")
    d.value_code = DiagnosticValueCodeFactory(diagnostic=d.diagnostic)
    d.second_value_code = DiagnosticValueCodeFactory(diagnostic=d.diagnostic)
    d.round = RoundFactory(diagnostic=d.diagnostic, number=1)
    d.participant = ParticipantFactory(party=d.party)
    d.second = ParticipantFactory(party=d.party)
    d.thing = ThingThatMatters.objects.create(diagnostic=d.diagnostic, title="Pay on time")
    d.thing.value_codes.add(d.value_code)
    target = AgreedTarget.objects.create(round=d.round, value_code=d.value_code, level=4)
    TradeOffLink.objects.create(
        agreed_target=target, value_code=d.second_value_code, direction="down", review_round=2
    )
    d.session = workshop_services.start_session(diagnostic=d.diagnostic, capture_first=True)
    WorkshopAttendee.objects.create(session=d.session, participant=d.participant)
    d.capture = CapturedThing.objects.create(session=d.session, title="Fewer surprises")
    d.second_capture = CapturedThing.objects.create(session=d.session, title="No surprises")
    return d


def build_world():
    w = SimpleNamespace(this=make_diagnostic("this"), other=make_diagnostic("other"))
    group, _ = Group.objects.get_or_create(name=FACILITATORS_GROUP)
    w.users = {"super": UserFactory(username="matrix-super", is_superuser=True, is_staff=True)}
    for role, d, member_role in [
        ("f_this", w.this, "facilitator"),
        ("f_other", w.other, "facilitator"),
        ("s_this", w.this, "sponsor"),
        ("s_other", w.other, "sponsor"),
    ]:
        user = w.users[role] = UserFactory(username=f"matrix-{role}")
        if member_role == "facilitator":
            user.groups.add(group)
        MemberFactory(diagnostic=d.diagnostic, user=user, role=member_role)
    w.library = LibraryFactory(name="Matrix library", owner=w.users["f_this"])
    w.section = SectionFactory(library=w.library)
    w.library_code = ValueCodeFactory(section=w.section)
    w.report = Report.objects.create(
        diagnostic=w.this.diagnostic,
        round=w.this.round,
        status=Report.READY,
        file_path="reports/matrix.pdf",
        size=4,
    )
    w.clients = {role: Client() for role in ROLES}
    for role, user in w.users.items():
        w.clients[role].force_login(user)
    for role, d in [("p_this", w.this), ("p_other", w.other)]:
        session = w.clients[role].session
        session["workshop_attendance"] = {str(d.session.pk): d.participant.pk}
        session.save()
    w.cookies = {role: deepcopy(client.cookies) for role, client in w.clients.items()}
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _report_file(settings):
    """The ready report's file, under this test's MEDIA_ROOT."""
    path = Path(settings.MEDIA_ROOT) / "reports" / "matrix.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF")


# --- URLs and requests -----------------------------------------------------------------------


def token_of(w, role, kind="token"):
    """The role's own secret link (`token`, or `invitation_token`), or one nobody has."""
    participant = {"p_this": w.this.participant, "p_other": w.other.participant}.get(role)
    return getattr(participant, kind) if participant else NOBODYS_TOKEN


def url_arguments(w, role):
    """The arguments of every URL that takes more than a slug or a library: ids of this
    diagnostic (and its library), with the role's own secret link."""
    this, slug, token = w.this, w.this.diagnostic.slug, token_of(w, role)
    library, section, code = w.library.pk, w.section.pk, w.library_code.pk
    sponsor = this.diagnostic.memberships.get(role="sponsor").pk
    session = this.session.pk
    return {
        "diagnostics:round_close": [slug, this.round.number],
        "diagnostics:party_edit": [slug, this.party.pk],
        "diagnostics:party_remove": [slug, this.party.pk],
        "diagnostics:party_open_link": [slug, this.party.pk],
        "diagnostics:participant_revoke": [slug, this.second.pk],
        "diagnostics:participant_reissue": [slug, this.second.pk],
        "diagnostics:participant_send": [slug, this.second.pk],
        "diagnostics:participant_remove": [slug, this.second.pk],
        "diagnostics:participant_edit": [slug, this.second.pk],
        "diagnostics:assignment_party": [slug, this.party.pk],
        "diagnostics:assignment_participant": [slug, this.second.pk],
        "diagnostics:thing_edit": [slug, this.thing.pk],
        "diagnostics:thing_delete": [slug, this.thing.pk],
        "diagnostics:value_code_edit": [slug, this.value_code.pk],
        "diagnostics:value_code_move": [slug, this.value_code.pk],
        "diagnostics:value_code_remove": [slug, this.value_code.pk],
        "diagnostics:member_remove": [slug, sponsor],
        "results:agreed_target": [slug, this.round.number, this.value_code.pk],
        "results:trade_off_links": [slug, this.round.number, this.value_code.pk],
        "results:value_code_details": [slug, this.value_code.pk],
        "valuecodes:import_preview": ["no-such-preview"],
        "valuecodes:export": [library, "csv"],
        "valuecodes:section_edit": [library, section],
        "valuecodes:section_move": [library, section],
        "valuecodes:section_delete": [library, section],
        "valuecodes:value_code_edit": [library, code],
        "valuecodes:value_code_move": [library, code],
        "valuecodes:value_code_delete": [library, code],
        "reports:status": [slug, w.report.pk],
        "reports:retry": [slug, w.report.pk],
        "reports:download": [slug, w.report.pk],
        "individual:report": [token],
        "participant:home": [token],
        "participant:rate": [token],
        "participant:save": [token, this.value_code.pk],
        "participant:save_understanding": [token, this.value_code.pk],
        "participant:save_stance": [token, this.value_code.pk],
        "participant:save_pulse": [token],
        "participant:email_link": [token_of(w, role, "invitation_token")],
        "participant:join": [this.party.open_link_token],
        "workshop_presenter:live": [slug, session],
        "workshop_presenter:control": [slug, session],
        "workshop_presenter:agreed_target": [slug, session],
        "workshop_presenter:keep": [slug, session, this.capture.pk],
        "workshop_presenter:merge": [slug, session, this.capture.pk],
        "workshop_presenter:room": [slug, session],
        "workshop_presenter:remove_attendee": [slug, session, this.participant.pk],
        "workshop:phone": [session],
        "workshop:phone_live": [session],
        "workshop:rate": [session],
        "workshop:capture": [session],
        "workshop:upvote": [session, this.capture.pk],
        "workshop:join_session": [this.session.join_code],
    }


WITHOUT_ARGUMENTS = {
    "diagnostics:list",
    "diagnostics:create",
    "valuecodes:list",
    "valuecodes:create",
    "valuecodes:search",
    "valuecodes:import_new",
}


def url_for(key, route, w, role):
    if route.startswith("admin/"):
        return admin_url(route, w)
    arguments = url_arguments(w, role)
    if key in arguments:
        return reverse(key, args=arguments[key])
    if key in WITHOUT_ARGUMENTS or "<" not in route:
        return reverse(key)
    if key.startswith("valuecodes:"):
        return reverse(key, args=[w.library.pk])
    return reverse(key, args=[w.this.diagnostic.slug])


def admin_url(route, w):
    """The URL of an admin pattern, naming an object that exists."""
    if route.startswith("admin/r/"):
        content_type = ContentType.objects.get_for_model(Diagnostic)
        return f"/admin/r/{content_type.pk}/{w.this.diagnostic.pk}/"
    if "(?P<app_label>" in route:
        return "/admin/diagnostics/"
    if "(?P<url>" in route:
        return "/admin/no-such-page/"
    if "<path:object_id>" in route or "<id>" in route:
        _admin, app_label, model_name, *_rest = route.split("/")
        model = apps.get_model(app_label, model_name)
        pk = str(model.objects.order_by("pk").values_list("pk", flat=True).first())
        route = route.replace("<path:object_id>", pk).replace("<id>", pk)
    return "/" + route


def post_data(key, w):
    """What a POST carries: enough for the roles that may do it to do the real thing."""
    return {
        "reports:request": {"round": "1"},
        "valuecodes:section_move": {"direction": "up"},
        "valuecodes:value_code_move": {"direction": "up"},
        "participant:save": {"c": "3"},
        "workshop_presenter:start": {
            f"seats-{party.pk}": "6" for party in w.this.diagnostic.parties.all()
        },
        "workshop_presenter:control": {"action": "pause"},
        "workshop_presenter:agreed_target": {"level": "4"},
        "workshop_presenter:keep": {"value_codes": w.this.value_code.pk},
        "workshop_presenter:merge": {"into": w.this.second_capture.pk},
        "workshop:rate": {"current_level": "3"},
        "workshop:capture": {"title": "Clear invoices"},
    }.get(key, {})


def answer_class(response):
    code = response.status_code
    if code in (301, 302, 303):
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return "admin"
        if location.startswith(reverse("login")):
            return "login"
        return "3xx"
    return "2xx" if 200 <= code < 300 else str(code)


def answer(w, role, verb, url, data):
    """One request in a savepoint that is rolled back, with the role's own cookies."""
    client = w.clients[role]
    client.cookies = deepcopy(w.cookies[role])  # a logout must not log out the next request
    cache.clear()  # rate limits and live stamps start afresh
    with transaction.atomic():
        response = client.get(url) if verb == "GET" else client.post(url, data)
        transaction.set_rollback(True)
    return answer_class(response)


# --- the tests -------------------------------------------------------------------------------


def test_every_url_pattern_is_in_the_matrix():
    rows = {matrix_row(key) for key, _route in PATTERNS}
    in_table = {key for key, _verb in TABLE}
    missing = sorted(rows - in_table)
    assert not missing, f"Add these URL patterns to the permission matrix: {missing}"
    assert not in_table - rows, f"Rows that name no URL pattern: {sorted(in_table - rows)}"
    for row in rows:
        assert {(row, "GET"), (row, "POST")} <= set(TABLE), f"{row} needs a GET and a POST row"


@pytest.mark.parametrize("key,route", PATTERNS, ids=[key for key, _route in PATTERNS])
def test_each_role_gets_what_the_matrix_says(world, key, route):
    wrong = []
    for verb in ["GET", "POST"]:
        expected = TABLE[(matrix_row(key), verb)]
        for role in ROLES:
            url = url_for(key, route, world, role)
            got = answer(world, role, verb, url, post_data(key, world))
            if got != expected[role]:
                wrong.append(f"{verb} {url} as {role}: expected {expected[role]}, got {got}")
    assert not wrong, "\n".join(wrong)
