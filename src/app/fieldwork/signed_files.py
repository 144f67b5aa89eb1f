"""The files that travel between laptops on a USB stick: assignments and field bundles.

A field file is three parts, and every byte of it is checked:

    RASOAT-FIELD/1\\n
    {"algorithm":"Ed25519","format":"rasoat.signature/1","key":…,"length":…,"sha256":…,
     "signature":…}\\n
    <length bytes: the content, zlib-compressed UTF-8 JSON>

The second line is a detached signature of the content bytes exactly as stored: the SHA-256
fingerprint of the signer's public key, the content's length and checksum, and the Ed25519
signature in base64. It must be written exactly as RaSoat writes it (compact, keys sorted,
canonical base64), so no byte of the file can change without the file being refused: the first
line is compared, the second is re-encoded and compared, the content is checksummed. Reading
says which check failed, so a damaged stick and a tampered file are told apart; the caller then
looks up the key and verifies the signature before it reads the content.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import RaSoatError
from app.exchange.read import decode
from app.fieldwork import laptop_keys
from models import FieldKey

MAGIC = b"RASOAT-FIELD/1\n"
SIGNATURE_FORMAT = "rasoat.signature/1"
# A whole commune's assignment is a few tens of MB of JSON; anything far larger is not ours.
MAX_FILE = 256 * 1024 * 1024
MAX_CONTENT = 1024 * 1024 * 1024
MAX_HEADER = 1024


class FileRejected(RaSoatError):
    """A field file that is refused as a whole; nothing of it was used."""


@dataclass(frozen=True)
class SignedFile:
    stored: bytes  # the content as stored (compressed): what the signature covers
    key: str  # fingerprint of the key that says it signed
    signature: bytes
    sha256: str  # of the whole file
    name: str

    def verified_by(self, public_pem: str) -> bool:
        return laptop_keys.verify(public_pem, self.stored, self.signature)

    def content(self) -> Any:
        """The JSON content; only once the signature has been verified."""
        inflater = zlib.decompressobj()
        try:
            raw = inflater.decompress(self.stored, MAX_CONTENT)
        except zlib.error:
            raise FileRejected("field_file.damaged", file=self.name) from None
        if inflater.unconsumed_tail:
            raise FileRejected("field_file.too_large", file=self.name)
        if not inflater.eof or inflater.unused_data:
            raise FileRejected("field_file.damaged", file=self.name)
        return decode(raw)


def _header_line(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode("ascii") + b"\n"


def pack(payload: dict[str, Any], key: FieldKey) -> bytes:
    """The file's bytes: the payload as compressed UTF-8 JSON, signed with `key`."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    stored = zlib.compress(body, 6)
    header = {
        "format": SIGNATURE_FORMAT,
        "algorithm": "Ed25519",
        "key": key.fingerprint,
        "length": len(stored),
        "sha256": hashlib.sha256(stored).hexdigest(),
        "signature": base64.b64encode(laptop_keys.sign(key, stored)).decode("ascii"),
    }
    return MAGIC + _header_line(header) + stored


def read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE:
            raise FileRejected("field_file.too_large", file=path.name)
        return path.read_bytes()
    except OSError as exc:
        raise RaSoatError(
            "file.unreadable", path=str(path), detail=exc.strerror or str(exc)
        ) from None


def unpack(data: bytes, name: str) -> SignedFile:
    """The signed content of a field file, or FileRejected saying what is wrong with it."""
    if not data.startswith(MAGIC):
        raise FileRejected("field_file.not_field_file", file=name)
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + MAX_HEADER)
    if end < 0:
        raise FileRejected("field_file.bad_signature_block", file=name)
    line = data[len(MAGIC) : end + 1]
    header = _header(line, name)
    stored = data[end + 1 :]
    if len(stored) != header["length"]:
        raise FileRejected("field_file.damaged", file=name)
    if hashlib.sha256(stored).hexdigest() != header["sha256"]:
        raise FileRejected("field_file.checksum", file=name)
    return SignedFile(
        stored, header["key"], header["bytes"], hashlib.sha256(data).hexdigest(), name
    )


def _header(line: bytes, name: str) -> dict[str, Any]:
    try:
        header = json.loads(line.decode("ascii"))
        ok = (
            isinstance(header, dict)
            and sorted(header) == ["algorithm", "format", "key", "length", "sha256", "signature"]
            and header["format"] == SIGNATURE_FORMAT
            and header["algorithm"] == "Ed25519"
            and all(isinstance(header[k], str) for k in ("key", "sha256", "signature"))
            and isinstance(header["length"], int)
            and _header_line(header) == line
        )
        if ok:
            raw = base64.b64decode(header["signature"], validate=True)
            ok = base64.b64encode(raw).decode("ascii") == header["signature"]
            header["bytes"] = raw
    except (UnicodeDecodeError, json.JSONDecodeError, binascii.Error, ValueError):
        ok = False
    if not ok:
        raise FileRejected("field_file.bad_signature_block", file=name)
    return dict(header)
