"""Reading a package zip defensively: the file may come from anyone.

Nothing is extracted to disk. Every entry is checked before any byte is read: its name (no
absolute paths, drive letters, `..`, backslashes, control characters, names that collide once
case and Unicode form are folded, as they would on Windows), its type (no symbolic links or
devices), encryption, and sizes (entry count, each file, the total, and the compression ratio:
a decompression bomb is refused from its header, and reading stops anyway the moment a file
yields more bytes than it declared).
"""

from __future__ import annotations

import hashlib
import io
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_entries: int = 500
    max_file: int = 2 << 30  # bytes, uncompressed, per file
    max_total: int = 4 << 30  # bytes, uncompressed, the whole package
    max_ratio: int = 200  # uncompressed / compressed, for files above ratio_floor
    ratio_floor: int = 1 << 20
    max_manifest: int = 4 << 20


@dataclass(frozen=True)
class UnsafeEntry:
    code: str  # unsafe_name | symlink | duplicate | encrypted_entry | too_large | bomb | too_many
    # | hidden_data
    path: str


class NotAZip(Exception):
    pass


def unsafe_name(name: str) -> bool:
    if not name or name != name.strip() or len(name) > 255:
        return True
    if name.startswith(("/", "\\")) or "\\" in name or ":" in name:
        return True
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return True
    parts = name.split("/")
    return any(p in ("", ".", "..") for p in parts)


def _framed(handle: IO[bytes]) -> bool:
    """True when the zip starts with its first entry and ends with its end record: no bytes
    before or after the archive (zip readers skip them silently, so they could carry anything,
    an executable stub included), and no archive comment. RaSoat writes neither."""
    handle.seek(0)
    head = handle.read(4)
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    handle.seek(max(size - 22, 0))
    tail = handle.read(22)
    handle.seek(0)
    return head == b"PK\x03\x04" and tail[:4] == b"PK\x05\x06" and tail[20:22] == b"\x00\x00"


def _folded(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def _is_link_or_special(info: zipfile.ZipInfo) -> bool:
    if info.create_system != 3:  # no Unix attributes: no links either
        return False
    kind = stat.S_IFMT(info.external_attr >> 16)
    # Python's own writestr leaves the type bits out (kind 0): that is a plain file.
    return kind not in (0, stat.S_IFREG, stat.S_IFDIR)


class PackageZip:
    """An opened package whose central directory passed the checks in `problems` (empty when
    every entry is safe to read)."""

    def __init__(self, source: Path | bytes, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        handle: IO[bytes] = io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")
        try:
            self.zip = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            handle.close()
            raise NotAZip() from None
        self._handle = handle
        self.entries: dict[str, zipfile.ZipInfo] = {}
        self.problems: list[UnsafeEntry] = []
        if not _framed(handle):
            self.problems.append(UnsafeEntry("hidden_data", ""))
        self._check()

    def _check(self) -> None:
        infos = self.zip.infolist()
        lim = self.limits
        if len(infos) > lim.max_entries:
            self.problems.append(UnsafeEntry("too_many", str(len(infos))))
            return
        folded: set[str] = set()
        total = 0
        for info in infos:
            name = info.filename
            if unsafe_name(name):
                self.problems.append(UnsafeEntry("unsafe_name", name))
                continue
            if _is_link_or_special(info):
                self.problems.append(UnsafeEntry("symlink", name))
                continue
            key = _folded(name)
            if key in folded:
                self.problems.append(UnsafeEntry("duplicate", name))
                continue
            folded.add(key)
            if info.flag_bits & 0x1:
                self.problems.append(UnsafeEntry("encrypted_entry", name))
                continue
            if info.is_dir():
                continue
            total += info.file_size
            if info.file_size > lim.max_file or total > lim.max_total:
                self.problems.append(UnsafeEntry("too_large", name))
                continue
            compressed = max(info.compress_size, 1)
            if info.file_size > lim.ratio_floor and info.file_size / compressed > lim.max_ratio:
                self.problems.append(UnsafeEntry("bomb", name))
                continue
            self.entries[name] = info

    def names(self) -> list[str]:
        return list(self.entries)

    def chunks(self, name: str) -> Iterator[bytes]:
        """The bytes of `name`, never more than it declared (zipfile checks the CRC at the end)."""
        info = self.entries[name]
        left = info.file_size
        try:
            with self.zip.open(info) as fh:
                while True:
                    block = fh.read(min(CHUNK, left + 1))
                    if not block:
                        return
                    left -= len(block)
                    if left < 0:
                        raise zipfile.BadZipFile(f"{name}: more data than declared")
                    yield block
        except (ValueError, OSError, EOFError, zlib.error, NotImplementedError) as exc:
            # A damaged directory points before the file's start or into nonsense; zipfile
            # then fails with whatever the seek or the inflater raised. It is one thing here.
            raise zipfile.BadZipFile(f"{name}: {exc}") from None

    def read(self, name: str, limit: int | None = None) -> bytes:
        info = self.entries[name]
        if limit is not None and info.file_size > limit:
            raise zipfile.BadZipFile(f"{name}: too large")
        return b"".join(self.chunks(name))

    def digest(self, name: str) -> tuple[str, int]:
        h = hashlib.sha256()
        size = 0
        for block in self.chunks(name):
            h.update(block)
            size += len(block)
        return h.hexdigest(), size

    def close(self) -> None:
        self.zip.close()
        self._handle.close()
