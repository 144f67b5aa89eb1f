"""Commands for the handover package and the keys that sign it: export-package, verify,
decrypt, keys create|import|list|export-cert|trust."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app import atomic, keys
from app.cli.context import CliContext
from app.communes import only_commune
from app.errors import RaSoatError
from app.package.build import build_package, write_certificates
from app.package.envelope import decrypt
from app.package.signing import SigningIdentity
from app.package.trust import TrustStore, load_certificates
from app.package.verify import VerificationReport, verify_package
from app.token_signing import PIN_ENV, open_token

EXIT_INVALID = 2


def register(sub: Any) -> None:
    p = sub.add_parser("export-package", help="tạo gói dữ liệu đã ký để gửi cấp trên")
    p.add_argument("--out", type=Path, required=True, help="thư mục ghi gói")
    p.add_argument("--encrypt-for", type=Path, metavar="CERT", help="mã hóa cho chứng thư này")
    p.add_argument("--key", help="tên khóa ký (mặc định: khóa của xã)")
    _token_arguments(p)
    p.set_defaults(handler=export_package)

    p = sub.add_parser("certificates", help="in giấy chứng nhận (Mẫu 03) cho hộ nghèo, cận nghèo")
    p.add_argument("--out", type=Path, required=True, help="thư mục ghi tệp PDF")
    p.add_argument("--key", help="tên khóa ký (mặc định: khóa của xã)")
    _token_arguments(p)
    p.set_defaults(handler=certificates)

    p = sub.add_parser("verify", help="kiểm tra một gói dữ liệu")
    p.add_argument("package", type=Path)
    p.add_argument("--trust", type=Path, action="append", default=[], metavar="CERT")
    p.add_argument("--decrypt-key", type=Path, metavar="P12", help="khóa giải mã gói mã hóa")
    p.add_argument("--no-pdf-check", action="store_true", help="bỏ qua chữ ký từng tệp PDF")
    p.set_defaults(handler=verify)

    p = sub.add_parser("decrypt", help="giải mã gói đã mã hóa")
    p.add_argument("package", type=Path)
    p.add_argument("--key", type=Path, required=True, metavar="P12")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(handler=decrypt_cmd)

    p = sub.add_parser("keys", help="khóa ký và chứng thư số")
    ks = p.add_subparsers(dest="keys_command", metavar="LỆNH", required=True)
    k = ks.add_parser("create", help="tạo cặp khóa và chứng thư cho xã")
    k.add_argument("--name", required=True)
    k.add_argument("--signer", help="tên người/cơ quan ký (mặc định: UBND <xã>)")
    k.set_defaults(handler=keys_create)
    k = ks.add_parser("import", help="nhập tệp .p12 do tổ chức chứng thực cấp")
    k.add_argument("file", type=Path)
    k.add_argument("--name")
    k.set_defaults(handler=keys_import)
    k = ks.add_parser("list", help="liệt kê khóa trên máy")
    k.set_defaults(handler=keys_list)
    k = ks.add_parser("export-cert", help="ghi chứng thư (công khai) để gửi cơ quan nhận")
    k.add_argument("--out", type=Path, required=True)
    k.add_argument("--name")
    k.set_defaults(handler=keys_export_cert)
    k = ks.add_parser("trust", help="tin cậy chứng thư (gốc) của một xã")
    k.add_argument("files", type=Path, nargs="+")
    k.set_defaults(handler=keys_trust)


def _token_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--token", metavar="MODULE", help="ký bằng USB token: đường dẫn thư viện PKCS#11"
    )
    p.add_argument("--token-label", help="nhãn của token (khi cắm nhiều token)")
    p.add_argument("--token-key", help="nhãn của khóa ký trên token")


@contextlib.contextmanager
def signing_identity(session: Session, args: argparse.Namespace) -> Iterator[SigningIdentity]:
    """The identity to sign with: a USB token (--token) or a key file on this laptop."""
    if args.token:
        pin = keys.passphrase_from_env(PIN_ENV) or _ask("Mã PIN của USB token: ")
        with open_token(
            args.token, pin.decode() if pin else None, args.token_label, args.token_key
        ) as identity:
            yield identity
        return
    name = args.key or keys.assigned_key(session)
    yield keys.load_identity(name, ask_passphrase("Mật khẩu khóa ký: "))


def _ask(prompt: str) -> bytes | None:
    return getpass.getpass(prompt).encode("utf-8") if sys.stdin.isatty() else None


def ask_passphrase(prompt: str, confirm: bool = False) -> bytes | None:
    """RASOAT_KEY_PASSPHRASE for scripts; otherwise ask on a terminal; None when neither."""
    from_env = keys.passphrase_from_env()
    if from_env or not sys.stdin.isatty():
        return from_env
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Nhập lại: ") != first:
        raise RaSoatError("keys.passphrase_mismatch")
    return first.encode("utf-8")


def export_package(ctx: CliContext, args: argparse.Namespace) -> int:
    recipient = load_certificates(args.encrypt_for)[0] if args.encrypt_for else None
    actor = ctx.actor  # sign in before the transaction: signing in writes to the database
    db = ctx.database()
    with db.sessions.begin() as session, signing_identity(session, args) as identity:
        result = build_package(session, actor, args.out, identity, encrypt_for=recipient)
    ctx.say(
        "package.done",
        path=str(result.path),
        households=result.households,
        poor=result.by_class.get("poor", 0),
        near_poor=result.by_class.get("near_poor", 0),
        fingerprint=result.fingerprint,
    )
    if recipient is not None:
        ctx.say("package.encrypted_for", recipient=recipient.subject.rfc4514_string())
    return 0


def verify(ctx: CliContext, args: argparse.Namespace) -> int:
    source: Path | bytes = args.package
    if args.decrypt_key:
        source = _decrypted(args.package, args.decrypt_key)
    trust = TrustStore.local(args.trust)
    report = verify_package(source, trust, check_pdfs=not args.no_pdf_check)
    report.source = str(args.package)
    return print_report(ctx, report)


def print_report(ctx: CliContext, report: VerificationReport) -> int:
    if not report.ok:
        for problem in report.problems:
            ctx.error(f"{report.source}: {problem.message(ctx.lang)}")
        ctx.error(ctx.tr("verify.failed", count=len(report.problems)))
        return EXIT_INVALID
    print(report.summary(ctx.lang), file=ctx.out)
    return 0


def _decrypted(package: Path, key: Path) -> bytes:
    try:
        blob, p12 = package.read_bytes(), key.read_bytes()
    except OSError as exc:
        raise RaSoatError("keys.unreadable", path=exc.filename, detail=exc.strerror) from None
    return decrypt(blob, p12, ask_passphrase("Mật khẩu khóa giải mã: "))


def decrypt_cmd(ctx: CliContext, args: argparse.Namespace) -> int:
    data = _decrypted(args.package, args.key)
    name = args.package.name.removesuffix(".p7m")
    out = args.out / name if args.out.is_dir() else args.out
    atomic.write_bytes(out, data)
    ctx.say("package.decrypted", path=str(out))
    return 0


def _created(ctx: CliContext, info: keys.KeyInfo, key: str) -> None:
    ctx.say(
        key,
        name=info.name,
        subject=info.subject,
        fingerprint=info.fingerprint,
        until=info.not_after.strftime("%d/%m/%Y"),
    )


def keys_create(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    db = ctx.database()
    with db.sessions.begin() as session:
        keys.require_key_manager(session, actor)
        commune = only_commune(session)
        passphrase = ask_passphrase("Mật khẩu mới cho khóa: ", confirm=True)
        if not passphrase:
            raise RaSoatError("keys.passphrase_missing", env=keys.PASSPHRASE_ENV)
        signer = args.signer or f"UBND {commune.name}"
        info = keys.create_key(
            args.name,
            f"{signer} ({commune.province_code}/{commune.code})",
            f"UBND {commune.name}, {commune.province_name}",
            passphrase,
        )
        keys.assign_key(session, actor, info.name)
    _created(ctx, info, "keys.created")
    return 0


def keys_import(ctx: CliContext, args: argparse.Namespace) -> int:
    passphrase = ask_passphrase("Mật khẩu của tệp .p12: ")
    if not passphrase:
        raise RaSoatError("keys.passphrase_missing", env=keys.PASSPHRASE_ENV)
    actor = ctx.actor
    db = ctx.database()
    with db.sessions.begin() as session:
        keys.require_key_manager(session, actor)
        info = keys.import_p12(args.file, passphrase, args.name)
        keys.assign_key(session, actor, info.name)
    _created(ctx, info, "keys.imported")
    return 0


def keys_list(ctx: CliContext, args: argparse.Namespace) -> int:
    found = keys.list_keys()
    if not found:
        ctx.say("keys.none")
    for info in found:
        ctx.say(
            "keys.listed",
            marker="*",
            name=info.name,
            subject=info.subject,
            fingerprint=info.fingerprint[:16],
            until=info.not_after.strftime("%d/%m/%Y"),
        )
    return 0


def keys_export_cert(ctx: CliContext, args: argparse.Namespace) -> int:
    name = args.name
    if name is None:
        with ctx.database().sessions.begin() as session:
            name = keys.assigned_key(session)
    path = args.out
    atomic.write_bytes(path, keys.chain_pem(name))
    ctx.say("keys.cert_written", path=str(path))
    return 0


def keys_trust(ctx: CliContext, args: argparse.Namespace) -> int:
    count = 0
    for file in args.files:
        for cert in load_certificates(file):
            keys.trust(cert)
            count += 1
    ctx.say("keys.trusted", count=count)
    return 0


def certificates(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    db = ctx.database()
    with db.sessions.begin() as session, signing_identity(session, args) as identity:
        path = write_certificates(session, actor, args.out, identity)
    ctx.say("package.certificates_done", path=str(path))
    return 0
