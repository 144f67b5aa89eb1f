"""Commands of the receiving office (issue #8) and the commune's side of its reply:

    office init|show|key create|key import|key export-cert
    signers list|import|revoke
    intake FOLDER…          intake-log
    consolidate --out DIR
    respond list|comment|accept|send
    import-response FILE    (on the commune's laptop)

Every command takes the global `--db PATH|URL` (or RASOAT_DB): a SQLite file by default, or a
PostgreSQL server (`postgresql+psycopg://user@host/db`; the password from PGPASSWORD or
~/.pgpass, never on the command line).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app import atomic, keys
from app.cli.context import CliContext
from app.cli.package_commands import ask_passphrase
from app.errors import RaSoatError
from app.i18n import format_date
from app.office import intake_log, responses, setup, signers
from app.office.consolidated_reports import consolidate
from app.office.intake import (
    ACCEPTED,
    REJECTED,
    DecryptKey,
    IntakeOptions,
    Outcome,
    SignerCandidate,
    find_packages,
    intake,
)
from app.office.signer_scan import new_signers
from app.package.trust import TrustStore
from app.review_responses import import_response

EXIT_INVALID = 2


def register(sub: Any) -> None:
    _office(sub)
    _signers(sub)
    p = sub.add_parser("intake", help="tiếp nhận các gói dữ liệu của xã trong một thư mục")
    p.add_argument("paths", type=Path, nargs="+", metavar="THƯ_MỤC_HOẶC_TỆP")
    p.add_argument(
        "--accept-signer",
        action="append",
        default=[],
        metavar="DẤU_VÂN_TAY",
        help="tin cậy chứng thư mới có dấu vân tay này (ít nhất 16 chữ số đầu, đã đối chiếu)",
    )
    p.add_argument("--decrypt-key", type=Path, metavar="P12", help="khóa giải mã gói mã hóa")
    p.add_argument("--allow-demo", action="store_true", help="nhận gói của xã mẫu (tập huấn)")
    p.set_defaults(handler=intake_cmd)
    p = sub.add_parser("intake-log", help="xem hoặc xuất nhật ký tiếp nhận")
    p.add_argument("--status", choices=("accepted", "superseded", "duplicate", "rejected"))
    p.add_argument("--commune", metavar="MÃ")
    p.add_argument("--out", type=Path, help="ghi ra tệp .csv hoặc .xlsx")
    p.set_defaults(handler=intake_log_cmd)
    p = sub.add_parser("consolidate", help="lập báo cáo tổng hợp các xã (Excel và PDF)")
    p.add_argument("--out", type=Path, required=True, help="thư mục ghi báo cáo")
    p.add_argument("--round", help="đợt rà soát, ví dụ 2026 hoặc 2026t11 (mặc định: mới nhất)")
    p.add_argument("--standard", help="chuẩn nghèo (mặc định: chuẩn đa số các xã dùng)")
    p.set_defaults(handler=consolidate_cmd)
    _respond(sub)
    p = sub.add_parser("import-response", help="nhập tệp phản hồi của cấp trên (máy của xã)")
    p.add_argument("file", type=Path)
    p.add_argument("--trust", type=Path, action="append", default=[], metavar="CERT")
    p.set_defaults(handler=import_response_cmd)


def _office(sub: Any) -> None:
    p = sub.add_parser("office", help="cơ quan tiếp nhận: thiết lập và khóa ký")
    cmds = p.add_subparsers(dest="office_command", metavar="LỆNH", required=True)
    c = cmds.add_parser("init", help="biến cơ sở dữ liệu này thành của cơ quan tiếp nhận")
    c.add_argument("--name", required=True, help="tên cơ quan, ví dụ «Sở NN và MT tỉnh Đắk Lắk»")
    c.add_argument("--province", metavar="MÃ", help="chỉ nhận gói của tỉnh này")
    c.add_argument("--archive", type=Path, help="thư mục lưu các gói đã nhận")
    c.set_defaults(handler=office_init)
    c = cmds.add_parser("show", help="thông tin cơ quan")
    c.set_defaults(handler=office_show)
    c = cmds.add_parser("key", help="khóa ký phản hồi của cơ quan")
    kc = c.add_subparsers(dest="key_command", metavar="LỆNH", required=True)
    k = kc.add_parser("create", help="tạo cặp khóa và chứng thư cho cơ quan")
    k.add_argument("--name", required=True)
    k.set_defaults(handler=office_key_create)
    k = kc.add_parser("import", help="nhập tệp .p12 do tổ chức chứng thực cấp")
    k.add_argument("file", type=Path)
    k.add_argument("--name")
    k.set_defaults(handler=office_key_import)
    k = kc.add_parser("export-cert", help="ghi chứng thư của cơ quan để gửi các xã")
    k.add_argument("--out", type=Path, required=True)
    k.set_defaults(handler=office_key_export)


def _signers(sub: Any) -> None:
    p = sub.add_parser("signers", help="danh sách chứng thư của các xã được tin cậy")
    cmds = p.add_subparsers(dest="signers_command", metavar="LỆNH", required=True)
    c = cmds.add_parser("list", help="liệt kê")
    c.set_defaults(handler=signers_list)
    c = cmds.add_parser("import", help="nhập chứng thư một xã gửi (rasoat keys export-cert)")
    c.add_argument("file", type=Path)
    c.add_argument("--commune", metavar="MÃ", help="mã xã, khi chứng thư không ghi")
    c.add_argument("--allow-demo", action="store_true", help="nhận chứng thư DÙNG THỬ")
    c.set_defaults(handler=signers_import)
    c = cmds.add_parser("revoke", help="thu hồi (không tin cậy nữa)")
    c.add_argument("fingerprint", metavar="DẤU_VÂN_TAY")
    c.add_argument("--reason", required=True)
    c.set_defaults(handler=signers_revoke)


def _respond(sub: Any) -> None:
    p = sub.add_parser("respond", help="ý kiến của cơ quan về từng hộ và tệp phản hồi cho xã")
    cmds = p.add_subparsers(dest="respond_command", metavar="LỆNH", required=True)
    c = cmds.add_parser("list", help="các hộ của gói hiện tại và ý kiến")
    c.add_argument("commune", metavar="MÃ_XÃ")
    c.add_argument("--round")
    c.add_argument("--corrections", action="store_true", help="chỉ các hộ cần sửa")
    c.set_defaults(handler=respond_list)
    c = cmds.add_parser("comment", help="đề nghị xã sửa thông tin một hộ")
    c.add_argument("commune", metavar="MÃ_XÃ")
    c.add_argument("household", metavar="MÃ_HỘ")
    c.add_argument("text", metavar="NỘI_DUNG")
    c.add_argument("--round")
    c.set_defaults(handler=respond_comment)
    c = cmds.add_parser("accept", help="chấp nhận một hộ (xóa đề nghị sửa)")
    c.add_argument("commune", metavar="MÃ_XÃ")
    c.add_argument("household", metavar="MÃ_HỘ")
    c.add_argument("--round")
    c.set_defaults(handler=respond_accept)
    c = cmds.add_parser("send", help="ghi tệp phản hồi đã ký cho xã")
    c.add_argument("commune", metavar="MÃ_XÃ")
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--round")
    c.set_defaults(handler=respond_send)


# ---- office ----------------------------------------------------------------------------------


def office_init(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    with ctx.database().sessions.begin() as session:
        found = setup.set_up_office(session, actor, args.name, args.province, args.archive)
    ctx.say(
        "office.ready",
        name=found.name,
        province=found.province_name or "—",
        archive=str(found.archive_dir),
        db=ctx.database().describe(),
    )
    return 0


def office_show(ctx: CliContext, args: argparse.Namespace) -> int:
    with ctx.database().sessions() as session:
        found = setup.office(session)
        count = len(signers.list_signers(session))
    ctx.say(
        "office.shown",
        name=found.name,
        province=found.province_name or "—",
        archive=str(found.archive_dir),
        signing_key=found.signing_key or "—",
        signers=count,
        db=ctx.database().describe(),
    )
    return 0


def office_key_create(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    with ctx.database().sessions.begin() as session:
        found = setup.office(session)
        passphrase = ask_passphrase("Mật khẩu mới cho khóa: ", confirm=True)
        if not passphrase:
            raise RaSoatError("keys.passphrase_missing", env=keys.PASSPHRASE_ENV)
        info = keys.create_key(args.name, found.name, found.name, passphrase)
        setup.assign_signing_key(session, actor, info.name)
    ctx.say(
        "keys.created",
        name=info.name,
        subject=info.subject,
        fingerprint=info.fingerprint,
        until=info.not_after.strftime("%d/%m/%Y"),
    )
    return 0


def office_key_import(ctx: CliContext, args: argparse.Namespace) -> int:
    passphrase = ask_passphrase("Mật khẩu của tệp .p12: ")
    if not passphrase:
        raise RaSoatError("keys.passphrase_missing", env=keys.PASSPHRASE_ENV)
    actor = ctx.actor
    with ctx.database().sessions.begin() as session:
        setup.office(session)
        info = keys.import_p12(args.file, passphrase, args.name)
        setup.assign_signing_key(session, actor, info.name)
    ctx.say(
        "keys.imported",
        name=info.name,
        subject=info.subject,
        fingerprint=info.fingerprint,
        until=info.not_after.strftime("%d/%m/%Y"),
    )
    return 0


def office_key_export(ctx: CliContext, args: argparse.Namespace) -> int:
    with ctx.database().sessions() as session:
        name = setup.signing_key(session)
    atomic.write_bytes(args.out, keys.chain_pem(name))
    ctx.say("keys.cert_written", path=str(args.out))
    return 0


# ---- signers ---------------------------------------------------------------------------------


def _say_signer(ctx: CliContext, entry: signers.SignerEntry, key: str = "signers.listed") -> None:
    state = (
        ctx.tr("signers.active")
        if entry.active
        else ctx.tr("signers.revoked", reason=entry.revoke_reason or "")
    )
    ctx.say(
        key,
        commune=f"{entry.commune_name} ({entry.commune_code})",
        subject=entry.subject,
        fingerprint=entry.fingerprint,
        until=entry.not_after.strftime("%d/%m/%Y"),
        state=state,
    )


def signers_list(ctx: CliContext, args: argparse.Namespace) -> int:
    with ctx.database().sessions() as session:
        setup.office(session)
        entries = signers.list_signers(session)
    if not entries:
        ctx.say("signers.none")
    for entry in entries:
        _say_signer(ctx, entry)
    return 0


def signers_import(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    with ctx.database().sessions.begin() as session:
        added = signers.import_signers(session, actor, args.file, args.commune, args.allow_demo)
    for entry, new in added:
        _say_signer(ctx, entry, "signers.added" if new else "signers.known")
    return 0


def signers_revoke(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    with ctx.database().sessions.begin() as session:
        entry = signers.revoke_signer(session, actor, args.fingerprint, args.reason)
    _say_signer(ctx, entry)
    return 0


# ---- intake ----------------------------------------------------------------------------------


class _SignerQuestion:
    """Accept an unknown certificate when its fingerprint was named with --accept-signer, or
    when the officer confirms it at the terminal; never silently."""

    def __init__(self, ctx: CliContext, accepted: list[str]) -> None:
        self.ctx = ctx
        self.accepted = [a.strip().lower().replace(":", "") for a in accepted]
        for prefix in self.accepted:
            if len(prefix) < signers.MIN_PREFIX:
                raise RaSoatError("signers.prefix_short", digits=signers.MIN_PREFIX)

    def __call__(self, candidate: SignerCandidate) -> bool:
        if any(candidate.fingerprint.startswith(p) for p in self.accepted):
            return True
        if sys.stdin is None or not sys.stdin.isatty():
            return False
        self.ctx.say(
            "intake.signer_question",
            file=candidate.file_name,
            commune=f"{candidate.commune_name} ({candidate.commune_code})",
            subject=candidate.subject,
            issuer=candidate.issuer,
            fingerprint=_grouped(candidate.fingerprint),
            until=format_date(candidate.not_after.date()),
        )
        answer = input(self.ctx.tr("intake.signer_prompt"))
        return answer.strip().lower() in ("co", "có", "yes", "y")


def _grouped(fingerprint: str) -> str:
    return " ".join(fingerprint[i : i + 4] for i in range(0, len(fingerprint), 4))


def _decryptor(key: Path | None) -> DecryptKey | None:
    if key is None:
        return None
    try:
        p12 = key.read_bytes()
    except OSError as exc:
        raise RaSoatError("keys.unreadable", path=str(key), detail=exc.strerror) from None
    return DecryptKey(p12, ask_passphrase("Mật khẩu khóa giải mã: "))


def intake_cmd(ctx: CliContext, args: argparse.Namespace) -> int:
    paths = [p for given in args.paths for p in find_packages(given)]
    if not paths:
        ctx.say("intake.none_found", folders=", ".join(str(p) for p in args.paths))
        return 0
    decrypt = _decryptor(args.decrypt_key)
    # Every question first (one per unknown certificate), then the work runs unattended.
    question = _SignerQuestion(ctx, args.accept_signer)
    unknown = new_signers(ctx.database(), paths, decrypt, args.allow_demo)
    options = IntakeOptions(
        trust_first=tuple(c for c in unknown if question(c)),
        decrypt=decrypt,
        allow_demo=args.allow_demo,
    )
    summary = intake(ctx.database(), ctx.actor, paths, options)
    for outcome in summary.outcomes:
        _say_outcome(ctx, outcome)
    counts = summary.counts()
    ctx.say(
        "intake.summary", households=f"{summary.households_accepted:,}".replace(",", "."), **counts
    )
    return EXIT_INVALID if counts[REJECTED] else 0


def _say_outcome(ctx: CliContext, o: Outcome) -> None:
    status = ctx.tr(f"intake.status.{o.status}")
    what = ", ".join(x for x in (o.commune, o.round_label) if x)
    households = "" if o.households is None else ctx.tr("intake.households", count=o.households)
    line = f"[{status}] {o.path.name}" + (f": {what}" if what else "") + households
    if o.status == REJECTED:
        ctx.error(line)
        for text in o.reason_texts(ctx.lang):
            ctx.error(f"    - {text}")
    else:
        print(line, file=ctx.out)
        if o.status == ACCEPTED and o.replaced_id is not None:
            ctx.say("intake.replaced", id=o.replaced_id)


def intake_log_cmd(ctx: CliContext, args: argparse.Namespace) -> int:
    if args.out:
        actor = ctx.actor
        with ctx.database().sessions.begin() as session:
            count = intake_log.export_log(session, actor, args.out, ctx.lang)
        ctx.say("intake.log_written", path=str(args.out), count=count)
        return 0
    with ctx.database().sessions() as session:
        setup.office(session)
        entries = intake_log.log_entries(session, args.status, args.commune)
    if not entries:
        ctx.say("intake.log_empty")
    for e in entries:
        what = ", ".join(x for x in (e.commune_name, e.round_label) if x)
        print(
            f"{e.id:>5}  {e.received_at:%d/%m/%Y %H:%M}  {e.status_text(ctx.lang):<22} "
            f"{e.file_name}" + (f"  ({what})" if what else ""),
            file=ctx.out,
        )
        if e.reasons:
            print(f"       {e.reason_text(ctx.lang)}", file=ctx.out)
    return 0


# ---- consolidation and responses -------------------------------------------------------------


def consolidate_cmd(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    with ctx.database().sessions.begin() as session:
        files = consolidate(session, actor, args.out, args.round, args.standard)
    print(files.summary(ctx.lang), file=ctx.out)
    return 0


def respond_list(ctx: CliContext, args: argparse.Namespace) -> int:
    with ctx.database().sessions() as session:
        package = responses.current_package(session, args.commune, args.round)
        households = responses.package_households(session, package)
    ctx.say(
        "respond.listing",
        commune=package.commune_name,
        file=package.file_name,
        count=len(households),
    )
    for h in households:
        if args.corrections and h.verdict != "correction":
            continue
        verdict = ctx.tr(f"respond.verdict.{h.verdict}")
        cls = ctx.tr(f"respond.class.{h.cls or 'none'}")
        line = f"{h.code:<12} {h.head:<28} {h.village:<20} {cls:<14} {verdict}"
        print(line + (f": {h.comment}" if h.comment else ""), file=ctx.out)
    return 0


def respond_comment(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    with ctx.database().sessions.begin() as session:
        responses.set_verdict(
            session, actor, args.commune, args.household, "correction", args.text, args.round
        )
    ctx.say("respond.commented", household=args.household)
    return 0


def respond_accept(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    with ctx.database().sessions.begin() as session:
        responses.set_verdict(
            session, actor, args.commune, args.household, "accepted", "", args.round
        )
    ctx.say("respond.accepted", household=args.household)
    return 0


def respond_send(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    with ctx.database().sessions.begin() as session:
        name = setup.signing_key(session)
        identity = keys.load_identity(name, ask_passphrase("Mật khẩu khóa ký: "))
        result = responses.write_response(
            session, actor, args.commune, args.out, identity, args.round
        )
    ctx.say(
        "respond.sent",
        path=str(result.path),
        accepted=result.accepted,
        corrections=result.corrections,
    )
    return 0


def import_response_cmd(ctx: CliContext, args: argparse.Namespace) -> int:
    actor = ctx.actor
    with ctx.database().sessions.begin() as session:
        result = import_response(session, actor, args.file, TrustStore.local(args.trust))
    key = "response.already" if result.already else "response.imported"
    ctx.say(key, office=result.office, accepted=result.accepted, corrections=result.corrections)
    if result.unknown:
        ctx.say(
            "response.unknown_households",
            count=len(result.unknown),
            codes=", ".join(result.unknown[:20]),
        )
    if not result.package_known:
        ctx.say("response.package_unknown")
    return 0
