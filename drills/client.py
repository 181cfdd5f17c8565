"""A small browser for the drill: cookies, CSRF, redirects followed, a timeout on every request."""

import http.cookiejar
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field


@dataclass
class Page:
    status: int
    url: str
    text: str
    seconds: float
    headers: dict = field(default_factory=dict)

    def json(self):
        return json.loads(self.text)

    def __str__(self):
        return f"{self.status} {self.url} in {self.seconds:.2f} s"


class Browser:
    def __init__(self, base_url, timeout=20):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _cookie(self, name):
        return next((c.value for c in self.cookies if c.name == name), "")

    def request(self, path, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = dict(headers or {})
        if body is not None:
            headers["X-CSRFToken"] = self._cookie("csrftoken")
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers)
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                status, url, raw = response.status, response.url, response.read()
                found = dict(response.headers)
        except urllib.error.HTTPError as error:
            status, url, raw, found = error.code, error.url, error.read(), dict(error.headers)
        text = raw.decode("utf-8", errors="replace")
        return Page(
            status, url.removeprefix(self.base_url), text, time.monotonic() - started, found
        )

    def get(self, path, **headers):
        return self.request(path, headers=headers)

    def post(self, path, data, **headers):
        return self.request(path, data=data, headers=headers)

    def log_in(self, username, password):
        self.get("/login/")  # the CSRF cookie
        page = self.post("/login/", {"username": username, "password": password})
        if not self._cookie("sessionid"):
            raise RuntimeError(f"could not log in as {username}: {page}")
        return page
