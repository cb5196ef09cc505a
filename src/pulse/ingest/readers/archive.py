"""Compressed files: a ``.gz`` or a ``.zip`` of CSV, JSON or JSON-lines files.

Product-analytics exports arrive compressed: Mixpanel's raw export as gzipped JSON lines,
Amplitude's as a zip of gzipped JSON-lines files (one or more per hour). The members are read
in archive order (directories, ``__MACOSX/`` and hidden files skipped; a member may itself be
gzipped) and written, decompressed, to one temporary file that the ordinary reader opens, so
issues name the archive. The format comes from the members' names (``events.json.gz`` → JSON)
or the mapping's ``format``; a ``.json`` member whose first line is a whole object followed by
more is read as JSON lines.

Several members make one file: CSV members must share the first one's header (kept once, so
line numbers count on through the members), JSON-lines members follow each other, and JSON
members must each be an array (their records are concatenated).
"""

from __future__ import annotations

import gzip
import json
import shutil
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, cast

from pulse.errors import ImportValidationError

ARCHIVES = (".gz", ".zip")
TEXT_KINDS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
_SNIFF_BYTES = 1 << 16
_BOM = b"\xef\xbb\xbf"


def is_archive(path: Path) -> bool:
    """True for a ``.gz`` or ``.zip`` file."""
    return path.suffix.lower() in ARCHIVES


def _members(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as zf:
            names = [
                info.filename
                for info in zf.infolist()
                if not info.is_dir()
                and not info.filename.startswith("__MACOSX/")
                and not PurePosixPath(info.filename).name.startswith(".")
            ]
    except zipfile.BadZipFile as exc:
        raise ImportValidationError(f"{path.name}: not a valid zip file") from exc
    if not names:
        raise ImportValidationError(f"{path.name}: the zip file holds no files")
    return names


def _inner_name(name: str) -> str:
    """A member's name without a ``.gz`` suffix."""
    return name[:-3] if name.lower().endswith(".gz") else name


@contextmanager
def _open_member(path: Path, member: str | None) -> Iterator[IO[bytes]]:
    """The decompressed bytes of a zip member (``member``) or of a ``.gz`` file (None)."""
    try:
        if member is None:
            with gzip.open(path, "rb") as f:
                yield cast(IO[bytes], f)
            return
        with zipfile.ZipFile(path) as zf, zf.open(member) as raw:
            if member.lower().endswith(".gz"):
                with gzip.GzipFile(fileobj=raw) as f:
                    yield cast(IO[bytes], f)
            else:
                yield raw
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        where = f"{path.name}, member {member}" if member else path.name
        raise ImportValidationError(f"{where}: cannot decompress ({exc})") from exc


def _parts(path: Path) -> list[str | None]:
    """The members to read: zip member names, or ``[None]`` for the one stream of a ``.gz``."""
    if path.suffix.lower() == ".zip":
        return list(_members(path))
    return [None]


def _sniff(head: bytes) -> str:
    """json or jsonl for JSON text, csv otherwise, from its first bytes."""
    text = head.lstrip(_BOM).lstrip()
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        first, _, rest = text.partition(b"\n")
        try:
            json.loads(first)
        except ValueError:
            return "json"  # an object spread over several lines
        return "jsonl" if rest.strip() else "json"
    return "csv"


def archive_kind(path: Path, forced: str | None) -> str:
    """The format of the files inside ``path``: the mapping's ``format``, names, or content."""
    parts = _parts(path)
    if forced:
        return forced
    name = _inner_name(parts[0] or path.name)
    kind = TEXT_KINDS.get(PurePosixPath(name).suffix.lower())
    if kind in ("csv", "jsonl"):
        return kind
    with _open_member(path, parts[0]) as f:
        sniffed = _sniff(f.read(_SNIFF_BYTES))
    if kind == "json":
        return "jsonl" if sniffed == "jsonl" else "json"
    if sniffed != "csv":
        return sniffed
    if PurePosixPath(name).suffix:
        inside = f" (it holds {PurePosixPath(name).name})" if parts[0] else ""
        raise ImportValidationError(
            f"{path.name}: cannot tell the file type{inside}",
            hint="compressed files may hold .csv, .json or .jsonl files, "
            "or set `format:` in a mapping",
        )
    return "csv"


def extract(path: Path, kind: str, temp_dir: Path) -> Path:
    """Decompress the members of ``path`` into one ``kind`` file named like the archive.

    The caller removes the returned file's folder (:func:`cleanup`).
    """
    if kind not in ("csv", "json", "jsonl"):
        raise ImportValidationError(
            f"{path.name}: compressed {kind} files are not supported",
            hint="compress CSV, JSON or JSON-lines files",
        )
    folder = temp_dir / f"archive-{uuid.uuid4().hex}"
    folder.mkdir(parents=True)
    target = folder / path.name
    try:
        parts = _parts(path)
        if kind == "json" and len(parts) > 1:
            _join_json(path, parts, target)
        else:
            _join_text(path, parts, target, kind == "csv")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return target


def cleanup(extracted: Path) -> None:
    """Remove what :func:`extract` wrote."""
    shutil.rmtree(extracted.parent, ignore_errors=True)


def _join_text(path: Path, parts: list[str | None], target: Path, csv: bool) -> None:
    header: bytes | None = None
    with target.open("wb") as out:
        for n, part in enumerate(parts):
            with _open_member(path, part) as f:
                first = f.readline()
                if n:
                    first = first.removeprefix(_BOM)
                if csv:
                    if header is None:
                        header = first
                    elif first.rstrip(b"\r\n") != header.rstrip(b"\r\n").removeprefix(_BOM):
                        raise ImportValidationError(
                            f"{path.name}: {part} has other columns than {parts[0]}",
                            hint="CSV files in one archive must share one header",
                        )
                    else:
                        first = b""
                last = first[-1:]
                out.write(first)
                while chunk := f.read(1 << 20):
                    out.write(chunk)
                    last = chunk[-1:]
                if last not in (b"", b"\n"):
                    out.write(b"\n")


def _join_json(path: Path, parts: list[str | None], target: Path) -> None:
    records: list[object] = []
    for part in parts:
        with _open_member(path, part) as f:
            text = f.read().removeprefix(_BOM)
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise ImportValidationError(f"{path.name}: {part} is not valid JSON ({exc})") from exc
        if not isinstance(document, list):
            raise ImportValidationError(
                f"{path.name}: {part} is not a JSON array; several JSON documents in one "
                "archive must each be an array of records",
                hint="compress one JSON document per file, or JSON lines",
            )
        records.extend(document)
    target.write_text(json.dumps(records), encoding="utf-8")
