"""Every text of the portal has a Portuguese translation, and the compiled catalogue is current."""

from __future__ import annotations

import re
import tokenize
from io import BytesIO
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "src" / "iclient_web"
CATALOGUE = WEB / "translations" / "pt" / "LC_MESSAGES"
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "lazy_gettext": None,
    "_l": None,
    "ngettext": (1, 2),
    "lazy_ngettext": (1, 2),
}


def _source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(WEB), METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_portal_text_has_a_portuguese_translation() -> None:
    with (CATALOGUE / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalogue
        if m.id and m.string and all(m.string if isinstance(m.string, tuple) else [m.string])
        if not m.fuzzy
    }
    missing = sorted(_source_messages() - translated)
    assert not missing, f"run `nox -s translations` and translate: {missing}"


def _plain(value: object) -> object:
    """A message id or string as a comparable value (plural forms come as lists)."""
    return tuple(value) if isinstance(value, list | tuple) else value


def test_the_compiled_catalogue_matches_the_po_file() -> None:
    with (CATALOGUE / "messages.po").open("rb") as handle:
        expected = read_po(handle)
    with (CATALOGUE / "messages.mo").open("rb") as handle:
        compiled = read_mo(handle)
    assert {_plain(m.id): _plain(m.string) for m in compiled if m.id} == {
        _plain(m.id): _plain(m.string) for m in expected if m.id and m.string and not m.fuzzy
    }
    buffer = BytesIO()
    write_mo(buffer, expected)  # the .po must compile
    assert buffer.getvalue()


def test_counted_texts_have_real_plural_forms() -> None:
    """``1 linha``, ``2 linhas``: never ``linha(s)``, in the catalogue or the portal's code."""
    with (CATALOGUE / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    texts = []
    for message in catalogue:
        for part in (message.id, message.string):
            texts += [part] if isinstance(part, str) else list(part or ())
    for pattern in ("**/*.html", "**/*.txt"):
        texts += [path.read_text() for path in (ROOT / "src").glob(pattern)]
    for path in (ROOT / "src").glob("**/*.py"):  # the strings in the code: messages, logs
        with path.open("rb") as handle:
            tokens = tokenize.tokenize(handle.readline)
            texts += [token.string for token in tokens if token.type == tokenize.STRING]
    slips = re.compile(r"(?<!http)(?<!smtp)(?<=[a-zà-ú])\((s|es|ões)\)")
    assert not [line for text in texts for line in text.splitlines() if slips.search(line)]
