"""Chinese first, English complete: every string marked for translation in the code has its Chinese
text in the catalogs, and the compiled catalogs match their sources.

The extraction runs ``makemessages`` over a copy of the tracked sources, so the working tree is
never touched. It needs GNU gettext (xgettext, msgattrib, msgfmt), which Django's own
``makemessages`` needs as well."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import service_missing

ROOT = Path(__file__).resolve().parents[2]
GETTEXT_TOOLS = ("xgettext", "msgattrib", "msgfmt", "msgmerge")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def _gettext():
    if any(shutil.which(tool) is None for tool in GETTEXT_TOOLS):
        service_missing("GNU gettext is not installed (apt-get install gettext)")


def _catalogs(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def _msgids(po: Path, selection: str) -> list[str]:
    """The msgids msgattrib selects (``--untranslated`` or ``--only-fuzzy``), header left out."""
    out = subprocess.run(
        ["msgattrib", selection, "--no-obsolete", str(po)], capture_output=True, text=True, check=True
    ).stdout
    ids, current = [], None
    for line in out.splitlines():
        if line.startswith("msgid "):
            current = line[len("msgid ") :].strip('"')
        elif current is not None and line.startswith('"'):
            current += line.strip('"')
        elif current is not None:
            if current:
                ids.append(current)
            current = None
    return ids


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """A copy of the tracked sources with freshly extracted catalogs."""
    copy = tmp_path_factory.mktemp("i18n")
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(copy)], input=archive, check=True)
    # Uncommitted edits count too: overlay the working tree's tracked files.
    changed = subprocess.run(
        ["git", "diff", "--name-only", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for name in changed:
        source = ROOT / name
        if source.exists():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--ignore=.venv",
            "--ignore=tests",
            "--ignore=bench",
            "--ignore=artifacts",
        ],
        cwd=copy,
        capture_output=True,
        check=True,
    )
    return copy


def test_every_translatable_string_has_its_chinese_text(extracted):
    missing = {str(po.relative_to(extracted)): _msgids(po, "--untranslated") for po in _catalogs(extracted)}
    missing = {po: ids for po, ids in missing.items() if ids}
    assert not missing, f"strings without Chinese text (run makemessages and translate): {missing}"


def test_no_catalog_entry_is_left_fuzzy(extracted):
    fuzzy = {str(po.relative_to(ROOT)): _msgids(po, "--only-fuzzy") for po in _catalogs(ROOT)}
    assert not {po: ids for po, ids in fuzzy.items() if ids}


def test_compiled_catalogs_match_their_sources(tmp_path):
    stale = []
    for po in _catalogs(ROOT):
        compiled = tmp_path / "django.mo"
        subprocess.run(["msgfmt", "-o", str(compiled), str(po)], check=True)
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled.read_bytes():
            stale.append(str(mo.relative_to(ROOT)))
    assert not stale, f"recompile with msgfmt: {stale}"
