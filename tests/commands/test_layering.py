"""The write model stays plain Python: only the bus may reach Django
(docs/architecture.md, Layers)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLAIN_MODULES = [
    "commands.aggregates",
    "commands.errors",
    "commands.handlers",
    "commands.messages",
    "commands.repository",
    "commands.results",
]


@pytest.mark.parametrize("module", PLAIN_MODULES)
def test_it_imports_nothing_from_django(module):
    probe = (
        f"import sys, {module}; "
        "leaked = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')); "
        "print(leaked); sys.exit(1 if leaked else 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
