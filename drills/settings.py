"""Settings of `make drill`: ttm's production settings (DJANGO_DEBUG=0), served over plain HTTP.

Two differences, both about the drill's own transport and none about how ttm behaves when a
service fails: cookies without the Secure flag (there is no TLS on 127.0.0.1), and static files
not collected (collectstatic compresses for ~20 s; the drill never loads CSS or scripts).
"""

from ttm.settings import *  # noqa: F403
from ttm.settings import STORAGES

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
