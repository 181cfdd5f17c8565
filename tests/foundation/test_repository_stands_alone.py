"""A user who clones ttm has nothing beside it: no tracked file may reach outside the repository."""

import re
import subprocess
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
VENDORED = ("static/", "tests/accessibility/axe.min.js")
# A parent folder written as a path, an absolute path into this machine's workspace, or the
# sibling folder that developers have and users do not.
OUTSIDE = re.compile(
    r"""(?:^|[\s"'`(=])\.\./"""  # ../ at the start of a path
    r"""|parent\.parent\.parent|parents\[[3-9]\]"""
    r"""|\.parent\s*/\s*["']shared|/work/|\bshared/data\b|\bshared/PRODUCT"""
)
# Test inputs that must look like escapes: the report fetcher refuses them.
ALLOWED = ("tests/reports/test_fetcher.py:", "tests/foundation/test_repository_stands_alone.py:")


def tracked_files():
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=PROJECT_DIR, capture_output=True, check=True
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [name for name in listed.split("\0") if name and not name.startswith(VENDORED)]


def lines_reaching_outside(name):
    try:
        text = (PROJECT_DIR / name).read_text(encoding="utf-8")
    except (UnicodeDecodeError, FileNotFoundError):
        return []
    return [
        f"{name}:{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), start=1)
        if OUTSIDE.search(line)
    ]


def test_no_tracked_file_refers_to_a_path_outside_the_repository():
    found = [hit for name in tracked_files() for hit in lines_reaching_outside(name)]
    found = [hit for hit in found if not hit.startswith(ALLOWED)]
    assert found == []


SIBLING = "../" + "shared"  # written in two parts, so this file does not trip the check itself


def test_the_check_catches_a_sibling_folder():
    assert OUTSIDE.search(f'SHARED = Path("{SIBLING}/data")')
    assert OUTSIDE.search("PROJECT_DIR.parent / 'shar" + "ed' / 'data'") is not None
    assert OUTSIDE.search(f"cp {SIBLING}/data/sample.csv tests/") is not None
    assert OUTSIDE.search('return static("css/ttm.css")') is None
