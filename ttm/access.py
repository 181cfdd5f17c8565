"""Who may do what. Every rule about roles and membership lives here: views, templates
(through ttm.context_processors) and the workshop app ask this module, and nothing else decides.

Accounts (people who log in)
- The **Facilitators group** means: may create libraries and diagnostics, and may read and
  duplicate every library. It gives no right over any diagnostic.
- A library's **owner** may edit and delete it. A library owned by nobody (the starter library,
  libraries loaded from the command line) is shared: facilitators read and duplicate it only.
- **Membership** of a diagnostic decides everything about that diagnostic, whatever groups the
  account is in:
  - a *facilitator member* runs it: every hub tab (participants and their links, parties,
    rounds, Things That Matter, Value Codes, members), the live workshop, ratings export and
    import, agreed targets, results and reports;
  - a *sponsor member* reads its overview (counts, never names), its dashboard with the JSON and
    CSV behind it, and its reports (request, follow, download, try again); anything else of it
    is refused (403);
  - anyone else gets a 404 for everything of it, as if it did not exist (PRODUCT.md 2).
- **Superusers** may do everything: they run every diagnostic and own every library.
- Members are added from the **colleagues** of whoever adds them (the accounts that already
  share a diagnostic with them; every account, for a superuser), so that the Members form never
  tells whether an account exists. An administrator shares a first diagnostic with a new account.

Participants (no account) are not users: a personal link's secret token is the participant,
reaching that participant's own pages and nothing of anyone else's answers; in a live workshop
a browser acts only for the participant it joined as, in that workshop. One rule decides what
a participant may still do, participation.services.check_active (a revoked or removed person
may do nothing), and workshops.selectors.attendee_for applies it to a workshop's phones.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

FACILITATORS_GROUP = "Facilitators"
FACILITATOR = "facilitator"
SPONSOR = "sponsor"

# What each kind of page of a diagnostic asks of the user's role in it.
RUN = frozenset({FACILITATOR})
READ = frozenset({FACILITATOR, SPONSOR})


# --- accounts ----------------------------------------------------------------------------------


def is_facilitator(user):
    """In the Facilitators group (or a superuser): may create libraries and diagnostics."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_ttm_is_facilitator"):
        user._ttm_is_facilitator = (
            user.is_superuser or user.groups.filter(name=FACILITATORS_GROUP).exists()
        )
    return user._ttm_is_facilitator


def facilitator_required(view):
    """Members of the Facilitators group only; anyone else logged in gets 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_facilitator(request.user):
            raise PermissionDenied("Only facilitators can do this.")
        return view(request, *args, **kwargs)

    return wrapper


# --- libraries ---------------------------------------------------------------------------------


def may_edit_library(user, library):
    """Its owner (while a facilitator) and superusers; a library owned by nobody is read-only."""
    if user.is_superuser:
        return True
    return library.owner_id is not None and library.owner_id == user.pk and is_facilitator(user)


def check_may_edit_library(user, library):
    if not may_edit_library(user, library):
        raise PermissionDenied("Only the owner of this library can change it; duplicate it.")


# --- diagnostics -------------------------------------------------------------------------------


def role_in(user, diagnostic):
    """FACILITATOR, SPONSOR or None: the user's role in the diagnostic (superusers facilitate)."""
    if not user.is_authenticated:
        return None
    cached = getattr(diagnostic, "_access_roles", {})
    if user.pk not in cached:
        if user.is_superuser:
            cached[user.pk] = FACILITATOR
        else:
            member = diagnostic.memberships.filter(user=user).only("role").first()
            cached[user.pk] = member.role if member else None
        diagnostic._access_roles = cached
    return cached[user.pk]


def runs(user, diagnostic):
    """A facilitator member (or a superuser): may change anything of the diagnostic."""
    return role_in(user, diagnostic) in RUN


def check_role(role, allowed):
    """Refuse a page of a diagnostic unless `role` is in `allowed` (RUN or READ): 404 for
    non-members (None), as if the diagnostic did not exist; 403 for a member whose role is not
    enough. diagnostics.selectors.diagnostic_for applies it to the diagnostic a URL names."""
    if role is None:
        raise Http404("No such diagnostic")
    if role not in allowed:
        raise PermissionDenied("Only the facilitators of this diagnostic can do this.")
