"""Lists of people to invite, as facilitators paste or upload them: one person a line,
`Name <email>`, `Name, email` or just `Name`; or a CSV file with columns name,email."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from ttm.spreadsheets import MB, CsvLimits, FileRefused, read_csv, too_big

ANGLE = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^<>]*)>\s*$")
HEADER_NAMES = {"name", "label", "participant"}
MAX_LABEL = 120
MAX_PEOPLE = 2000  # in one submission: a large organisation's staff, not an attack's worth
MAX_PROBLEMS = 50
CSV_LIMITS = CsvLimits(bytes=1 * MB, rows=MAX_PEOPLE + 1, columns=20)


def parse_pasted(text):
    """[(line number, name, email)] from pasted text; blank lines are skipped."""
    people = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = ANGLE.match(line)
        if match:
            name, email = match["name"], match["email"]
        elif "," in line:
            name, _, email = line.rpartition(",")
        elif "\t" in line:
            name, _, email = line.rpartition("\t")
        else:
            name, email = line, ""
        people.append((number, name.strip().strip('"'), email.strip()))
    return people


def parse_csv(uploaded):
    """[(row number, name, email)] from a CSV upload (UTF-8, BOM accepted, header optional)."""
    raw = uploaded.read(CSV_LIMITS.bytes + 1)  # never more than the limit's worth
    try:
        if len(raw) > CSV_LIMITS.bytes:
            raise too_big(getattr(uploaded, "size", len(raw)), CSV_LIMITS.bytes)
        rows = read_csv(raw, CSV_LIMITS)
    except FileRefused as refused:
        raise ValidationError({"csv_file": str(refused)}) from None
    people = []
    for number, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].casefold() in HEADER_NAMES:
            continue
        people.append((number, cells[0], cells[1] if len(cells) > 1 else ""))
    return people


def check_people(people):
    """Validate [(line, name, email)] or [(name, email)]; return [(name, email)] or raise with
    every problem named by its line."""
    if len(people) > MAX_PEOPLE:
        raise ValidationError(
            {"people": f"Add at most {MAX_PEOPLE:,} people at a time; split the list."}
        )
    problems, cleaned, seen = [], [], {}
    for index, person in enumerate(people, start=1):
        line, name, email = person if len(person) == 3 else (index, *person)
        name, email = (name or "").strip(), (email or "").strip()
        if not name:
            problems.append(f"Line {line}: a name is missing.")
            continue
        if len(name) > MAX_LABEL:
            problems.append(f"Line {line}: the name is longer than {MAX_LABEL} characters.")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(f"Line {line}: {email} is not an e-mail address.")
        if name.casefold() in seen:
            problems.append(f"Line {line}: {name} is also on line {seen[name.casefold()]}.")
        seen.setdefault(name.casefold(), line)
        cleaned.append((name, email))
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        problems = [*problems[:MAX_PROBLEMS], f"… and {more} more problems."]
    if problems:
        raise ValidationError({"people": problems})
    if not cleaned:
        raise ValidationError({"people": "Add at least one person."})
    return cleaned
