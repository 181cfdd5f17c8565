"""A whole diagnostic out to one JSON file and back in, losslessly (PRODUCT.md 6).

The file holds the participants' names beside their answers and their secret link tokens, so
that links keep working after a move: it is the one place outside the database where answers
meet names, so treat it like a database backup. Members are matched to existing users by
username. An open round keeps its publication state (what was last published, and when), so
that its results still move in steps of K after the move (PRODUCT.md 3), and the Value Codes
revealed in a live workshop stay closed to answers in their round (diagnostics.locks).
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from ttm import parsing
from valuecodes.models import label_fields, statement_fields

from .models import (
    GIVE,
    PULSE_SCORES,
    TAKE,
    AgreedTarget,
    Assignment,
    Diagnostic,
    DiagnosticMember,
    DiagnosticPerspectiveWording,
    DiagnosticValueCode,
    Estimate,
    LockedValueCode,
    Participant,
    Party,
    Publication,
    PublishedEstimate,
    PublishedPulse,
    PublishedRating,
    Pulse,
    Rating,
    Round,
    ThingThatMatters,
    TradeOffLink,
)

FORMAT = "ttm-diagnostic"
VERSION = 1


class TransferError(Exception):
    """The file cannot be imported; nothing was written."""


def _iso(value):
    return value.isoformat() if value else None


def export_diagnostic(diagnostic):
    """A JSON-serialisable dict of everything the diagnostic holds."""
    rounds = {r.pk: r.number for r in diagnostic.rounds.all()}
    value_codes = list(
        diagnostic.value_codes.order_by("position", "id").prefetch_related("wordings")
    )
    identifiers = {vc.pk: vc.identifier for vc in value_codes}
    participants = list(diagnostic.participants.select_related("party").order_by("id"))
    labels = {p.pk: p.label for p in participants}
    party_names = dict(diagnostic.parties.values_list("pk", "name"))
    ratings = Rating.objects.filter(round__diagnostic=diagnostic).order_by("id")
    things = diagnostic.things_that_matter.prefetch_related("parties", "value_codes")
    targets = (
        AgreedTarget.objects.filter(round__diagnostic=diagnostic)
        .prefetch_related("trade_off_links")
        .order_by("id")
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "diagnostic": {
            "name": diagnostic.name,
            "slug": diagnostic.slug,
            "purpose": diagnostic.purpose,
            "anonymity_threshold": diagnostic.anonymity_threshold,
            "share_individual_reports": diagnostic.share_individual_reports,
            "asks_estimates": diagnostic.asks_estimates,
            "asks_importance": diagnostic.asks_importance,
            "asks_stance": diagnostic.asks_stance,
            "asks_pulse": diagnostic.asks_pulse,
            "priority_basis": diagnostic.priority_basis,
            "level_labels": diagnostic.level_labels,
            "created_at": _iso(diagnostic.created_at),
        },
        "members": [
            {"username": m.user.get_username(), "role": m.role}
            for m in diagnostic.memberships.select_related("user").order_by("id")
        ],
        "parties": [
            {
                "name": p.name,
                "colour": p.colour,
                "position": p.position,
                "open_link_token": p.open_link_token,
                "open_link_enabled": p.open_link_enabled,
                "open_link_capacity": p.open_link_capacity,
            }
            for p in diagnostic.parties.order_by("position", "id")
        ],
        "value_codes": [
            {
                "identifier": vc.identifier,
                "section": vc.section,
                "description": vc.description,
                "help_text": vc.help_text,
                "statements": vc.statements,
                "position": vc.position,
                "weight": vc.weight,
                "wordings": [
                    {"perspective": w.perspective, **w.wording} for w in vc.wordings.all()
                ],
            }
            for vc in value_codes
        ],
        "participants": [
            {
                "label": p.label,
                "party": p.party.name,
                "email": p.email,
                "token": p.token,
                "invitation_token": p.invitation_token,
                "invitation_used_at": _iso(p.invitation_used_at),
                "respondent_code": p.respondent_code,
                "revoked_at": _iso(p.revoked_at),
                "invited_at": _iso(p.invited_at),
                "joined_through": p.joined_through,
                "created_at": _iso(p.created_at),
            }
            for p in participants
        ],
        "rounds": [
            {"number": r.number, "opened_at": _iso(r.opened_at), "closed_at": _iso(r.closed_at)}
            for r in diagnostic.rounds.order_by("number")
        ],
        "ratings": [
            {
                "round": rounds[r.round_id],
                "participant": labels[r.participant_id],
                "value_code": identifiers[r.value_code_id],
                **_answer_out(r),
            }
            for r in ratings
        ],
        "estimates": [
            {
                "round": rounds[e.round_id],
                "participant": labels[e.participant_id],
                "value_code": identifiers[e.value_code_id],
                "about": party_names[e.about_party_id],
                "level": e.level,
            }
            for e in Estimate.objects.filter(round__diagnostic=diagnostic).order_by("id")
        ],
        "pulses": [
            {
                "round": rounds[p.round_id],
                "participant": labels[p.participant_id],
                "about": party_names[p.about_party_id],
                "score": p.score,
            }
            for p in Pulse.objects.filter(round__diagnostic=diagnostic).order_by("id")
        ],
        "things_that_matter": [
            {
                "title": t.title,
                "description": t.description,
                "kind": t.kind,
                "direction": t.direction,
                "position": t.position,
                "parties": sorted(p.name for p in t.parties.all()),
                "value_codes": sorted(vc.identifier for vc in t.value_codes.all()),
            }
            for t in things.order_by("position", "id")
        ],
        "agreed_targets": [
            {
                "round": rounds[t.round_id],
                "value_code": identifiers[t.value_code_id],
                "level": t.level,
                "trade_off": t.trade_off,
                "owner": t.owner,
                "due_date": _iso(t.due_date),
                "trade_off_links": [
                    {
                        "value_code": identifiers[link.value_code_id],
                        "direction": link.direction,
                        "review_round": link.review_round,
                    }
                    for link in sorted(t.trade_off_links.all(), key=lambda link: link.pk)
                ],
            }
            for t in targets
        ],
        "locked_value_codes": [
            {
                "round": rounds[lock.round_id],
                "value_code": identifiers[lock.value_code_id],
                "participant": labels[lock.participant_id],
                "at": _iso(lock.locked_at),
            }
            for lock in LockedValueCode.objects.filter(round__diagnostic=diagnostic).order_by("id")
        ],
        "assignments": [
            {
                "party": a.party.name if a.party_id else None,
                "participant": labels[a.participant_id] if a.participant_id else None,
                "section": a.section,
                "value_code": identifiers[a.value_code_id] if a.value_code_id else None,
            }
            for a in diagnostic.assignments.select_related("party").order_by("id")
        ],
        **_publication_state(diagnostic, rounds, identifiers, labels),
    }


def _publication_state(diagnostic, rounds, identifiers, labels):
    """What the open round last published, and when (closed rounds show their ratings)."""
    parties = dict(diagnostic.parties.values_list("pk", "name"))
    publications = Publication.objects.filter(round__diagnostic=diagnostic).order_by("id")
    published = PublishedRating.objects.filter(round__diagnostic=diagnostic).order_by("id")
    return {
        "publications": [
            {"round": rounds[p.round_id], "party": parties[p.party_id], "at": _iso(p.published_at)}
            for p in publications
        ],
        "published_ratings": [
            {
                "round": rounds[r.round_id],
                "party": parties[r.party_id],
                "participant": labels.get(r.participant_id),  # None: removed since
                "value_code": identifiers[r.value_code_id],
                **_answer_out(r),
            }
            for r in published
        ],
        "published_estimates": [
            {
                "round": rounds[e.round_id],
                "party": parties[e.party_id],
                "participant": labels.get(e.participant_id),
                "value_code": identifiers[e.value_code_id],
                "about": parties[e.about_party_id],
                "level": e.level,
            }
            for e in PublishedEstimate.objects.filter(round__diagnostic=diagnostic).order_by("id")
        ],
        "published_pulses": [
            {
                "round": rounds[p.round_id],
                "party": parties[p.party_id],
                "participant": labels.get(p.participant_id),
                "about": parties[p.about_party_id],
                "score": p.score,
            }
            for p in PublishedPulse.objects.filter(round__diagnostic=diagnostic).order_by("id")
        ],
    }


def _datetime(value):
    return parse_datetime(value) if value else None


@transaction.atomic
def import_diagnostic(data):
    """Create the diagnostic described by an export; all or nothing. Returns (diagnostic, notes)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TransferError(
            "This is not a ttm diagnostic export (format must be 'ttm-diagnostic')."
        )
    if data.get("version") != VERSION:
        raise TransferError(f"Unsupported export version {data.get('version')!r}; expected 1.")
    try:
        return _create(data)
    except parsing.InvalidInput as invalid:
        raise TransferError(f"The file is malformed: {' '.join(invalid.messages)}") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise TransferError(
            f"The file is incomplete or malformed: {type(exc).__name__} {exc}"
        ) from exc


def _create(data):
    source = data["diagnostic"]
    if Diagnostic.objects.filter(slug=source["slug"]).exists():
        raise TransferError(f"A diagnostic with slug {source['slug']!r} already exists here.")
    labels = label_fields(source["level_labels"])
    diagnostic = Diagnostic.objects.create(
        name=source["name"],
        slug=source["slug"],
        purpose=source["purpose"],
        anonymity_threshold=source["anonymity_threshold"],
        share_individual_reports=source["share_individual_reports"],
        # Files written before mutual understanding existed ask none of its questions.
        asks_estimates=source.get("asks_estimates", False),
        asks_importance=source.get("asks_importance", False),
        asks_stance=source.get("asks_stance", False),
        asks_pulse=source.get("asks_pulse", False),
        priority_basis=source.get("priority_basis", "weight"),
        **labels,
    )
    if source.get("created_at"):
        Diagnostic.objects.filter(pk=diagnostic.pk).update(
            created_at=_datetime(source["created_at"])
        )
    notes = _add_members(diagnostic, data["members"])
    parties = {p["name"]: Party.objects.create(diagnostic=diagnostic, **p) for p in data["parties"]}
    value_codes = {}
    for vc in data["value_codes"]:
        statements = statement_fields(vc["statements"])
        value_codes[vc["identifier"]] = DiagnosticValueCode.objects.create(
            diagnostic=diagnostic,
            identifier=vc["identifier"],
            section=vc["section"],
            description=vc["description"],
            help_text=vc["help_text"],
            position=vc["position"],
            weight=vc["weight"],
            **statements,
        )
        DiagnosticPerspectiveWording.objects.bulk_create(
            DiagnosticPerspectiveWording(value_code=value_codes[vc["identifier"]], **wording)
            for wording in vc.get("wordings", [])
        )
    participants = {}
    answered = {r["participant"] for r in data["ratings"]}
    for p in data["participants"]:
        participant = Participant.objects.create(
            diagnostic=diagnostic,
            party=parties[p["party"]],
            label=p["label"],
            email=p["email"],
            revoked_at=_datetime(p["revoked_at"]),
            invited_at=_datetime(p["invited_at"]),
            joined_through=_joined_through(p),
            **_links(p, answered=p["label"] in answered),
        )
        if p.get("created_at"):
            Participant.objects.filter(pk=participant.pk).update(
                created_at=_datetime(p["created_at"])
            )
        participants[p["label"]] = participant
    rounds = {}
    for r in data["rounds"]:
        round_ = Round.objects.create(
            diagnostic=diagnostic, number=r["number"], closed_at=_datetime(r["closed_at"])
        )
        Round.objects.filter(pk=round_.pk).update(opened_at=_datetime(r["opened_at"]))
        rounds[r["number"]] = round_
    Rating.objects.bulk_create(
        Rating(
            round=rounds[r["round"]],
            participant=participants[r["participant"]],
            value_code=value_codes[r["value_code"]],
            **_answer_in(r),
        )
        for r in data["ratings"]
    )
    Estimate.objects.bulk_create(
        Estimate(
            round=rounds[e["round"]],
            participant=participants[e["participant"]],
            value_code=value_codes[e["value_code"]],
            about_party=_other_party(parties[e["about"]], participants[e["participant"]]),
            level=_level(e["level"]),
        )
        for e in data.get("estimates", [])
    )
    Pulse.objects.bulk_create(
        Pulse(
            round=rounds[p["round"]],
            participant=participants[p["participant"]],
            about_party=_other_party(
                parties[p["about"]], participants[p["participant"]], "gives a pulse about"
            ),
            score=_score(p["score"]),
        )
        for p in data.get("pulses", [])
    )
    for t in data["things_that_matter"]:
        thing = ThingThatMatters.objects.create(
            diagnostic=diagnostic,
            title=t["title"],
            description=t["description"],
            kind=t["kind"],
            direction=t["direction"],
            position=t["position"],
        )
        thing.parties.set(parties[name] for name in t["parties"])
        thing.value_codes.set(value_codes[identifier] for identifier in t["value_codes"])
    for t in data["agreed_targets"]:
        target = AgreedTarget.objects.create(
            round=rounds[t["round"]],
            value_code=value_codes[t["value_code"]],
            level=parsing.checked_level(t["level"]),
            trade_off=t["trade_off"],
            owner=t["owner"],
            due_date=parse_date(t["due_date"]) if t["due_date"] else None,
        )
        # Files written before trade-off links existed have none.
        TradeOffLink.objects.bulk_create(
            TradeOffLink(
                agreed_target=target,
                value_code=value_codes[link["value_code"]],
                direction=link["direction"],
                review_round=link["review_round"],
            )
            for link in t.get("trade_off_links", [])
        )
    # Files written before assignment existed have none: everybody rates everything.
    Assignment.objects.bulk_create(
        Assignment(
            diagnostic=diagnostic,
            party=parties[a["party"]] if a["party"] else None,
            participant=participants[a["participant"]] if a["participant"] else None,
            section=a["section"],
            value_code=value_codes[a["value_code"]] if a["value_code"] else None,
        )
        for a in data.get("assignments", [])
    )
    # Files written before answers locked per round have none (their workshops' reveals are not
    # in the file either).
    LockedValueCode.objects.bulk_create(
        LockedValueCode(
            round=rounds[lock["round"]],
            value_code=value_codes[lock["value_code"]],
            participant=participants[lock["participant"]],
            locked_at=_datetime(lock["at"]) or timezone.now(),
        )
        for lock in data.get("locked_value_codes", [])
    )
    _restore_publication_state(data, rounds, parties, participants, value_codes)
    return diagnostic, notes


def _restore_publication_state(data, rounds, parties, participants, value_codes):
    # Files written before publication existed have neither key: the open round then publishes
    # afresh on its first read.
    Publication.objects.bulk_create(
        Publication(
            round=rounds[p["round"]], party=parties[p["party"]], published_at=_datetime(p["at"])
        )
        for p in data.get("publications", [])
    )
    PublishedRating.objects.bulk_create(
        PublishedRating(
            round=rounds[r["round"]],
            party=parties[r["party"]],
            participant=participants[r["participant"]] if r["participant"] is not None else None,
            value_code=value_codes[r["value_code"]],
            **_answer_in(r),
        )
        for r in data.get("published_ratings", [])
    )
    PublishedEstimate.objects.bulk_create(
        PublishedEstimate(
            round=rounds[e["round"]],
            party=parties[e["party"]],
            participant=participants[e["participant"]] if e["participant"] is not None else None,
            value_code=value_codes[e["value_code"]],
            about_party=parties[e["about"]],
            level=e["level"],
        )
        for e in data.get("published_estimates", [])
    )
    PublishedPulse.objects.bulk_create(
        PublishedPulse(
            round=rounds[p["round"]],
            party=parties[p["party"]],
            participant=participants[p["participant"]] if p["participant"] is not None else None,
            about_party=parties[p["about"]],
            score=_score(p["score"]),
        )
        for p in data.get("published_pulses", [])
    )


def _other_party(party, participant, answer="estimates"):
    if party.pk == participant.party_id:
        raise ValueError(f"{participant.label!r} {answer} their own party")
    return party


def _answer_out(answer):
    """The answer fields of a rating or of its published copy, as the file holds them."""
    return {
        "current": answer.current_level,
        "target": answer.target_level,
        "current_answered": answer.current_answered,
        "target_answered": answer.target_answered,
        "comment": answer.comment,
        "importance": answer.importance_level,
        "importance_answered": answer.importance_answered,
        "stance": answer.stance,
    }


def _answer_in(row):
    """The answer fields of a rating or of its published copy from the file; files written
    before importance and give and take were asked have neither."""
    return {
        "current_level": _level(row["current"]),
        "target_level": _level(row["target"]),
        "current_answered": row["current_answered"],
        "target_answered": row["target_answered"],
        "comment": row["comment"],
        "importance_level": _level(row.get("importance")),
        "importance_answered": row.get("importance_answered", False),
        "stance": _stance(row.get("stance", "")),
    }


def _level(value):
    """A level from the file; None is "don't know" (or no answer)."""
    return None if value is None else parsing.checked_level(value)


def _stance(stance):
    if stance not in ("", GIVE, TAKE):
        raise ValueError(f"{stance!r} is not give, take or empty")
    return stance


def _score(score):
    if score is not None and (isinstance(score, bool) or score not in PULSE_SCORES):
        raise ValueError(f"{score!r} is not a pulse 0 to 10")
    return score


def _joined_through(participant):
    """How a participant came in; files written before it was recorded say "invited"."""
    value = participant.get("joined_through", Participant.INVITED)
    if value not in dict(Participant.JOINED_THROUGH):
        raise ValueError(f"unknown joined_through {value!r} for {participant['label']!r}")
    return value


def _links(participant, *, answered):
    """Link fields of an exported participant. Files written before invitation links existed
    hold one token, which facilitators could see: it becomes the invitation link (used, if the
    participant has answered) and a fresh personal link is made, as migration 0006 does."""
    if "invitation_token" not in participant:
        used_at = timezone.now() if answered else None
        return {"invitation_token": participant["token"], "invitation_used_at": used_at}
    return {
        "token": participant["token"],
        "invitation_token": participant["invitation_token"],
        "invitation_used_at": _datetime(participant["invitation_used_at"]),
        "respondent_code": participant["respondent_code"],
    }


def _add_members(diagnostic, members):
    users = get_user_model().objects.in_bulk(
        [m["username"] for m in members], field_name="username"
    )
    notes = []
    for member in members:
        user = users.get(member["username"])
        if user is None:
            notes.append(f"No user {member['username']!r} here: not added as {member['role']}.")
            continue
        DiagnosticMember.objects.create(diagnostic=diagnostic, user=user, role=member["role"])
    return notes


def default_filename(diagnostic):
    return f"{diagnostic.slug}-{datetime.date.today().isoformat()}.json"
