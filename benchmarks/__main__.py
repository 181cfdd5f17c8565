"""`make bench`: runs every benchmark module in this package and prints its report.

Each module exposes `run() -> list[str]` (lines of its report). Benchmarks that need PostgreSQL
say so and are skipped when DATABASE_URL is not a PostgreSQL URL.
"""

import importlib
import os
import pkgutil
import sys
import time

import django


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ttm.settings")
    django.setup()
    import benchmarks

    only = sys.argv[1:]
    names = [
        m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")
    ]
    for name in sorted(names):
        if only and not any(word in name for word in only):
            continue
        module = importlib.import_module(f"benchmarks.{name}")
        started = time.perf_counter()
        print(f"== {name}")
        for line in module.run():
            print(f"   {line}")
        print(f"   ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
