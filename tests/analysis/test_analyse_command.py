import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from .helpers import sample_diagnostic

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("analyse", *args, stdout=out)
    return out.getvalue()


def test_analyse_prints_the_json_of_the_contract(sample_data):
    sample_diagnostic(sample_data)
    result = json.loads(run("sample"))
    assert result["parties"] == ["IT", "Marketing"]
    assert [vc["identifier"] for vc in result["value_codes"]] == [
        "Reliability",
        "Credibility",
        "Transparency",
        "Self-orientation",
        "Service level",
    ]
    assert result["priorities"][0] == "Self-orientation"


def test_analyse_csv_has_one_row_per_value_code_and_party(sample_data):
    sample_diagnostic(sample_data)
    rows = list(csv.DictReader(io.StringIO(run("sample", "--format", "csv"))))
    assert len(rows) == 5 * 2
    marketing_service = next(
        r for r in rows if r["identifier"] == "Service level" and r["party"] == "Marketing"
    )
    assert marketing_service["mean_current"] == ""
    assert marketing_service["suppressed_current"] == "True"
    assert marketing_service["n_current"] == "2"
    it_reliability = rows[0]
    assert (it_reliability["party"], it_reliability["mean_current"]) == ("IT", "3.4")
    assert [it_reliability[f"current_{n}"] for n in range(1, 6)] == ["0", "1", "1", "3", "0"]


def test_analyse_refuses_an_unknown_slug_or_round(sample_data):
    sample_diagnostic(sample_data)
    with pytest.raises(CommandError, match="No diagnostic"):
        run("nope")
    with pytest.raises(CommandError, match="no round 4"):
        run("sample", "--round", "4")
