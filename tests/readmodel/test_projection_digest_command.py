import io

import pytest
from django.core.management import CommandError, call_command

from readmodel.digest import relational_digest
from tests.readmodel.orm_rows import fixture_rows, save


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("projection_digest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
class TestProjectionDigestCommand:
    def test_it_prints_only_the_hex_digest(self):
        save(fixture_rows())

        out, err = run("relational")

        assert out == relational_digest() + "\n"
        assert len(out.strip()) == 64
        assert err == ""

    @pytest.mark.parametrize("flag", ["--verbose", "-v2"])
    def test_it_prints_row_counts_to_stderr_when_verbose(self, flag):
        save(fixture_rows())

        out, err = run("relational", flag)

        assert out == relational_digest() + "\n"
        assert err.splitlines() == ["rm_project: 2", "rm_interview: 3", "rm_sentence: 4"]

    def test_it_names_the_known_projections_for_an_unknown_one(self):
        with pytest.raises(CommandError, match=r"unknown projection 'graph' \(known: relational\)"):
            run("graph")
