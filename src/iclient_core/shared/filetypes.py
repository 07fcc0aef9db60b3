"""Which files the portal accepts, told by their leading bytes, and safe names for them.

The allow-list is deliberately short: what businesses send their clients (PDF invoices and
contracts, scans as PNG or JPEG, Word/Excel and OpenDocument files, plain text and CSV).
A file is recognised by its content, not its name: an HTML page renamed ``.pdf`` is refused,
and so is a name whose extension belongs to another allowed type.
"""

from __future__ import annotations

import re
import unicodedata

import attrs

HEAD_SIZE = 64 * 1024
"""How many leading bytes :func:`sniff` looks at (enough for the entry names of an office
file's ZIP container)."""


@attrs.frozen
class FileType:
    """An allowed type: its MIME type and the file name extensions that go with it."""

    content_type: str
    extensions: tuple[str, ...]
    label: str

    @property
    def extension(self) -> str:
        """The usual extension, with its dot."""
        return self.extensions[0]


PDF = FileType("application/pdf", (".pdf",), "PDF")
PNG = FileType("image/png", (".png",), "PNG")
JPEG = FileType("image/jpeg", (".jpg", ".jpeg"), "JPEG")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), "Word"
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), "Excel"
)
ODT = FileType("application/vnd.oasis.opendocument.text", (".odt",), "OpenDocument")
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", (".ods",), "OpenDocument")
TEXT = FileType("text/plain", (".txt",), "Text")
CSV = FileType("text/csv", (".csv",), "CSV")

ALLOWED: tuple[FileType, ...] = (PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS, TEXT, CSV)
"""Every type the portal stores and serves."""

ALLOWED_CONTENT_TYPES: frozenset[str] = frozenset(t.content_type for t in ALLOWED)
"""The only Content-Types a download may carry (anything else: application/octet-stream)."""

_BY_EXTENSION = {ext: t for t in ALLOWED for ext in t.extensions}

_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
}

# Tags that make a browser (or a careless viewer) treat text as a web page.
_MARKUP = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|iframe|frame|object|embed|svg|math|meta|link|"
    rb"style|base|form|img|a\s|\?xml|!--)",
    re.IGNORECASE,
)
_TEXT_CONTROLS = {"\t", "\n", "\r", "\f"}


class FileRefused(ValueError):
    """The file is not one the portal accepts; ``code`` says why (a field error code)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def extension_of(name: str) -> str:
    """The lower-cased extension of ``name`` with its dot (``""`` when it has none)."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or not ext or len(ext) > 10 or not ext.isalnum():
        return ""
    return f".{ext.lower()}"


def sniff(head: bytes, name: str, *, complete: bool = False) -> FileType:
    """The allowed type of a file, from its first bytes and (for look-alikes) its name.

    Args:
        head: the first ``HEAD_SIZE`` bytes (fewer when the file is shorter).
        name: the file name the uploader gave (only its extension is looked at).
        complete: True when ``head`` is the whole file.

    Raises:
        FileRefused: ``file_empty``, ``file_type_not_allowed`` (content outside the
            allow-list) or ``file_type_mismatch`` (the name claims another allowed type).
    """
    if not head:
        raise FileRefused("file_empty")
    found = _by_content(head, extension_of(name), complete=complete)
    if found is None:
        raise FileRefused("file_type_not_allowed")
    claimed = _BY_EXTENSION.get(extension_of(name))
    if claimed is not None and claimed != found:
        raise FileRefused("file_type_mismatch")
    return found


def _by_content(head: bytes, extension: str, *, complete: bool) -> FileType | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office(head, extension)
    return _text(head, extension, complete=complete)


def _office(head: bytes, extension: str) -> FileType | None:
    """OpenDocument (a stored ``mimetype`` first entry) or Office Open XML (by entry names)."""
    name_length = int.from_bytes(head[26:28], "little")
    extra_length = int.from_bytes(head[28:30], "little")
    if head[30 : 30 + name_length] == b"mimetype":
        start = 30 + name_length + extra_length
        for mimetype, found in _ODF_MIMETYPES.items():
            if head[start : start + len(mimetype)] == mimetype:
                return found
        return None
    if b"[Content_Types].xml" not in head:
        return None
    word, excel = b"word/" in head, b"xl/" in head
    if word and not excel:
        return DOCX
    if excel and not word:
        return XLSX
    if word and excel:
        return _BY_EXTENSION.get(extension) if extension in (".docx", ".xlsx") else None
    return None


def _text(head: bytes, extension: str, *, complete: bool) -> FileType | None:
    """Plain text or CSV: UTF-8 (or Windows-1252), no binary controls, nothing like markup."""
    if b"\x00" in head:
        return None
    body = head.removeprefix(b"\xef\xbb\xbf")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        truncated_char = not complete and error.start >= len(body) - 3
        try:
            text = body[: error.start].decode("utf-8") if truncated_char else body.decode("cp1252")
        except UnicodeDecodeError:
            return None
    if any(unicodedata.category(ch) == "Cc" and ch not in _TEXT_CONTROLS for ch in text):
        return None
    if _MARKUP.search(body):
        return None
    return CSV if extension == ".csv" else TEXT


_UNSAFE = re.compile(r'[<>:"/\\|?*]')
_RESERVED = re.compile(r"(?i)^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$")
MAX_NAME_LENGTH = 120


def _last_segment(raw: str | None) -> str:
    """The last path segment of ``raw``, without invisible or unsafe characters or end dots."""
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(
        ch
        for ch in text
        if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
    )
    segments = [s for s in re.split(r"[/\\]", text) if s.strip(" .")]
    text = segments[-1] if segments else ""
    return " ".join(_UNSAFE.sub("_", text).split()).strip(" .")


def title_from_filename(raw: str | None) -> str:
    """A title made from an uploaded file's name: its safe last segment without extension."""
    text = _last_segment(raw)
    extension = extension_of(text)
    stem = (text[: -len(extension)] if extension else text).strip(" .")
    return stem[:MAX_NAME_LENGTH].rstrip(" .") or "document"


def safe_display_name(raw: str | None, file_type: FileType) -> str:
    """The uploader's file name made harmless, for display and download names only.

    Keeps the last path segment (``../../etc/passwd`` becomes ``passwd``), drops control
    and invisible format characters, replaces characters file systems refuse, trims dots
    and spaces at the ends, shortens to ``MAX_NAME_LENGTH`` characters keeping the
    extension, and makes the extension the one of ``file_type``.
    """
    text = _last_segment(raw)
    extension = extension_of(text)
    stem = text[: -len(extension)] if extension else text
    if extension not in file_type.extensions:
        stem, extension = text, file_type.extension
    stem = stem.strip(" .") or "document"
    if _RESERVED.match(stem):
        stem = f"_{stem}"
    stem = stem[: MAX_NAME_LENGTH - len(extension)].rstrip(" .") or "document"
    return f"{stem}{extension}"


def download_content_type(stored: str) -> str:
    """The Content-Type to serve: the stored one if allowed, else ``application/octet-stream``."""
    return stored if stored in ALLOWED_CONTENT_TYPES else "application/octet-stream"
