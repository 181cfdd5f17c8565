"""Lists of people to invite, as facilitators paste or upload them: one person a line,
`Name <email>`, `Name, email` or just `Name`; or a CSV file with columns name,email."""

import csv
import io
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

ANGLE = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^<>]*)>\s*$")
HEADER_NAMES = {"name", "label", "participant"}
MAX_LABEL = 120


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
    try:
        text = uploaded.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError({"csv_file": "The file is not UTF-8 text."}) from exc
    people = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
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
    if problems:
        raise ValidationError({"people": problems})
    if not cleaned:
        raise ValidationError({"people": "Add at least one person."})
    return cleaned
