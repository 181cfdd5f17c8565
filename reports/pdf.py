"""PDF rendering helpers: a URL fetcher that only serves our static files, and atomic writes."""

import gc
import logging
import os
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

logger = logging.getLogger(__name__)
STATIC_BASE_URL = "file:///ttm-static/"


class StaticOnlyFetcher(URLFetcher):
    """Serves data: URIs and the app's own static files; refuses (and logs) everything else.

    Templates link assets relative to STATIC_BASE_URL, a file: URL that points at no real
    directory: the path after it is looked up with the staticfiles finders, so no other file
    on the machine and no network address can ever be read while rendering user content.
    """

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = self.static_path(url)
        if path is None:
            logger.warning("PDF renderer refused to fetch %s", url)
            raise ValueError(f"Refused to fetch {url}: only the app's static files are allowed")
        return super().fetch(path.as_uri(), headers)

    @staticmethod
    def static_path(url):
        if not url.startswith(STATIC_BASE_URL):
            return None
        relative = unquote(urlsplit(url).path).removeprefix("/ttm-static/")
        if not relative or ".." in Path(relative).parts:
            return None
        found = finders.find(relative)
        return Path(found) if found else None


@contextmanager
def gc_paused():
    """Hold the cyclic garbage collector while WeasyPrint lays out a document.

    Its hundreds of thousands of boxes and styles would trigger full collections over and
    over, each walking all of them; a render spends a fifth of its time there. Memory grows
    by a few MB during the render (measured by `make bench`), reclaimed by the next collection.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_fonts = threading.local()


def font_configuration():
    """One FontConfiguration per thread, kept for the life of the worker process.

    A fresh one per render would build a new Pango font map, open the same fonts again and
    lose the shaping caches: about 2% of a render. Pango objects are not thread-safe, hence
    one per thread (runserver renders in request threads when tasks run eagerly). Reports
    declare no @font-face, so nothing document-specific accumulates in it.
    """
    if not hasattr(_fonts, "configuration"):
        _fonts.configuration = FontConfiguration()
    return _fonts.configuration


def html_to_pdf(html):
    with gc_paused():
        document = HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=StaticOnlyFetcher())
        return document.write_pdf(font_config=font_configuration())


def write_atomically(relative_path, content):
    """Write bytes under MEDIA_ROOT via a temporary file and a rename: readers never see half."""
    target = Path(settings.MEDIA_ROOT) / relative_path
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
