"""How long the foundation's one-page test PDF takes to render in-process."""

import time

from reports.pdf import html_to_pdf


def run():
    html = "<h1>ttm</h1>" + "<p>Warm-up and timing of WeasyPrint on one page.</p>" * 20
    html_to_pdf(html)  # warm up fonts and caches
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        html_to_pdf(html)
        timings.append(time.perf_counter() - started)
    return [f"one-page PDF: best {min(timings) * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms"]
