import pytest

from reports.pdf import STATIC_BASE_URL, StaticOnlyFetcher


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.org/logo.png",
        "https://example.org/style.css",
        f"{STATIC_BASE_URL}../../etc/passwd",
        f"{STATIC_BASE_URL}css/../../ttm/settings.py",
        f"{STATIC_BASE_URL}%2e%2e/ttm/settings.py",
        f"{STATIC_BASE_URL}no-such-file.css",
    ],
)
def test_the_fetcher_refuses_anything_but_our_static_files_and_logs_it(url, caplog):
    with caplog.at_level("WARNING", logger="reports.pdf"), pytest.raises(ValueError):
        StaticOnlyFetcher().fetch(url)
    assert f"refused to fetch {url}" in caplog.text


def test_the_fetcher_serves_our_static_files_and_data_uris():
    css = StaticOnlyFetcher().fetch(f"{STATIC_BASE_URL}css/report.css")
    assert b"@page" in css.read() if hasattr(css, "read") else css
    data = StaticOnlyFetcher().fetch("data:text/plain,hello")
    assert data is not None
