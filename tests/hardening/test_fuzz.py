"""Table-driven fuzz: every URL pattern of ttm, as every role, gets unicode digits, NUL bytes,
huge strings and numbers, negative numbers, several values for one name and files where text
belongs, in every query parameter and form field the code reads. No response may be a 500.

The table stays compact (under two thousand requests): each fuzzing request sets every
parameter at once, each to another of the values, so a handful of requests carries many
values to every parameter; a role that a URL turns away at its door (login, 403, 404, 405,
410) is not fuzzed further there; and paths with an id too large for any column are probed
without parameters, by the facilitator and a participant.
"""

import re
from pathlib import Path

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .world import client_as

PROJECT = Path(__file__).resolve().parents[2]
APPS = ("diagnostics", "participation", "results", "hub", "valuecodes", "workshops", "reports")
APPS += ("ttm",)
ROLES = ("anonymous", "participant", "facilitator", "sponsor", "superuser")
# Django's admin is Django's own, tested there; every other URL of the project is fuzzed.
NOT_OURS = ("admin",)
HUGE_NUMBER = str(2**70)
VALUES = [
    "²",  # "²".isdigit() is True, yet int("²") raises
    "٣",  # Arabic-Indic three: int() reads it
    "a\x00b",
    "x" * 20_000,
    HUGE_NUMBER,
    "-1",
    "1.5",
    ["1", "²"],  # several values for one name
    "file",  # a file where text belongs (and text where a file belongs, in a GET)
    "",
]
# Fuzzing requests per (URL, method, role) that passes the door, and the first value's offset:
# the facilitator and the superuser, who reach every form, share the values out between them,
# so that every parameter of every URL meets every value; other roles get one request each.
ROUNDS = {"facilitator": range(0, 5), "superuser": range(5, 10)}
# Who tries paths whose ids are too large for any column: between them they pass every door.
HUGE_ID_ROLES = ("facilitator", "participant")
READS = re.compile(
    r"request\.(?:GET|POST)(?:\.get(?:list)?\(|\[)\s*[\"']([^\"']+)[\"']"
    r"|[\"']([^\"']+)[\"']\s+(?:not\s+)?in\s+request\.(?:GET|POST)"
)


def url_patterns(resolver=None, prefix="", namespace="", converters=None):
    """(route, url name, converters by kwarg) of every URL pattern, recursively."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        found = {**(converters or {}), **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            if route.startswith(NOT_OURS):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, route, inner, found)
        elif isinstance(entry, URLPattern):
            yield route, f"{namespace}{entry.name}", found


def parameters_read_by_the_code():
    """Every name the views read from request.GET/POST, and every field of our forms."""
    assert get_resolver().url_patterns  # importing every view imports every form
    names = set()
    for app in APPS:
        for path in (PROJECT / app).rglob("*.py"):
            for match in READS.finditer(path.read_text()):
                names.add(match[1] or match[2])
    for form in _subclasses(forms.BaseForm):
        if form.__module__.startswith(APPS):
            names.update(form.base_fields)
    return names


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def path_arguments(world):
    """Real ids, slugs and tokens, by URL name or namespace first, then by kwarg name."""
    library_code = world.library.value_codes.order_by("id").first()
    diagnostic = world.diagnostic
    by_kwarg = {
        "slug": diagnostic.slug,
        "number": 1,
        "token": world.participant.token,
        "value_code_id": world.value_code.pk,
        "code_id": world.value_code.pk,
        "party_id": world.participant.party_id,
        "participant_id": world.participant.pk,
        "thing_id": world.thing.pk,
        "member_id": diagnostic.memberships.get(user=world.sponsor).pk,
        "report_id": world.report.pk,
        "capture_pk": world.captures[1].pk,
        "code": world.session.join_code,
        "section_pk": library_code.section_id,
        "value_code_pk": library_code.pk,
        "file_type": "csv",
    }
    overrides = {
        "valuecodes:": {"pk": world.library.pk, "token": "not-a-preview"},
        "workshop:": {"pk": world.session.pk},
        "workshop_presenter:": {"pk": world.session.pk},
        "participant:join": {"token": world.participant.party.open_link_token},
    }
    return by_kwarg, overrides


def urls_to_fuzz(world):
    """(path, whether its ids are huge) for every pattern, and again with every id huge."""
    by_kwarg, overrides = path_arguments(world)
    table = []
    for _route, name, converters in url_patterns():
        kwargs = {}
        for kwarg in converters:
            chosen = {**by_kwarg}
            for key, values in overrides.items():
                if name == key or (key.endswith(":") and name.startswith(key)):
                    chosen |= values
            assert kwarg in chosen, f"no value for <{kwarg}> of {name}: add one to the table"
            kwargs[kwarg] = chosen[kwarg]
        table.append((reverse(name, kwargs=kwargs), False))
        ints = [k for k, c in converters.items() if type(c).__name__ == "IntConverter"]
        if ints:
            huge = kwargs | dict.fromkeys(ints, HUGE_NUMBER)
            table.append((reverse(name, kwargs=huge), True))
    return table


def fuzzed_data(names, offset, *, method):
    """Every parameter at once, the i-th name getting value number offset + i."""
    data = {}
    for index, name in enumerate(names):
        value = VALUES[(offset + index) % len(VALUES)]
        if value == "file":
            value = SimpleUploadedFile(f"{name}.xlsx", b"\x00\xff PK\x03\x04 =1+1,\xb2")
            value = value if method == "post" else "file"
        data[name] = value
    return data


def send(client, method, path, data):
    """One request whose writes are rolled back, and whose cookies are forgotten, so every
    request meets the same world as the same person (even after /logout/)."""
    cookies = {key: morsel.value for key, morsel in client.cookies.items()}
    with transaction.atomic():
        response = getattr(client, method)(path, data)
        transaction.set_rollback(True)
    client.cookies.clear()
    for key, value in cookies.items():
        client.cookies[key] = value
    return response


TURNED_AWAY = {301, 302, 403, 404, 405, 410}


@pytest.mark.django_db
def test_no_input_makes_any_url_answer_500(world):
    names = sorted(parameters_read_by_the_code())
    assert {"round", "value_code", "into", "action", "name", "table"} <= set(names)
    names += [f"{prefix}{world.value_code.pk}" for prefix in "ctm"]  # the whole rating sheet
    clients = {role: client_as(world, role) for role in ROLES}
    failures, sent = [], 0
    for row, (path, huge_id) in enumerate(urls_to_fuzz(world)):
        for role, client in clients.items():
            if huge_id and role not in HUGE_ID_ROLES:
                continue
            for method in ("get", "post"):
                probe = send(client, method, path, {})
                sent += 1
                if probe.status_code == 500:
                    failures.append((role, method.upper(), path, "without parameters"))
                if huge_id or probe.status_code in TURNED_AWAY:
                    continue
                for offset in ROUNDS.get(role, [row + ROLES.index(role)]):
                    data = fuzzed_data(names, offset, method=method)
                    response = send(client, method, path, data)
                    sent += 1
                    if response.status_code == 500:
                        failures.append((role, method.upper(), path, f"offset {offset}"))
    assert not failures, f"{len(failures)} of {sent} requests answered 500:\n" + "\n".join(
        map(str, failures[:40])
    )
