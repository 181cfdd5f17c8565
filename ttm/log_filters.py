"""Secret links out of logs: whoever reads a log must not be able to open a participant's page.

Masks the secret part of every URL that carries one: `/p/<token>/...` (personal and invitation
links, "my results"), `/join/<token>/` (a party's open link) and the workshop join code in
`/workshop/<code>/` or `?code=`. Used by Django's request logging (settings.LOGGING) and by
gunicorn's access log (ttm.gunicorn_logging).
"""

import logging
import re

MASK = "[secret]"
SECRET_IN_URL = re.compile(
    # The presenter's pages, /diagnostics/<slug>/workshop/<id>/..., carry no secret: matched
    # first, so that they are skipped whole.
    r"(?P<presenter>/diagnostics/[^/\s?#]+/workshop/)"
    r"|(?P<keep>/p/|/join/|/workshop/(?!s/)|[?&]code=)(?P<secret>[^/?#&\s\"'<>]+)"
)


def _mask(match):
    return match[0] if match["presenter"] else match["keep"] + MASK


def mask_secret_links(text):
    """`text` with the secret part of every secret-carrying URL in it replaced by [secret]."""
    return SECRET_IN_URL.sub(_mask, text)


class MaskSecretLinks(logging.Filter):
    """Rewrites a log record's message with secret links masked (the record's arguments are
    merged into its message, since they are where the path usually is)."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a malformed record is logging's problem to report, not ours
        masked = mask_secret_links(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
