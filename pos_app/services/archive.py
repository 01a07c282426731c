"""Archives of the fiscal journal (docs/fiscal.md, "Archives"): one calendar month of
every chain, with a manifest of SHA-256 digests signed by the till's key and the public
key itself, so that the archive can be checked with nothing but its own content.

The archive is a set of named files (the CLI zips them): `journal.jsonl` (one entry per
line, as stored), `manifest.json`, `manifest.sig` (Ed25519 over the SHA-256 of
manifest.json, hex) and `public_key.txt`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pos_app.domain.closure import ClosureKind
from pos_app.domain.errors import DomainError
from pos_app.domain.journal import (
    Chain,
    ChainHead,
    Event,
    verify_chain,
)
from pos_app.domain.staff import Role, StaffMember
from pos_app.services.context import Context, local_till
from pos_app.services.journal import append, proven_keys, record_event

FORMAT = "caisse-archive-1"
JOURNAL_FILE = "journal.jsonl"
MANIFEST_FILE = "manifest.json"
SIGNATURE_FILE = "manifest.sig"
KEY_FILE = "public_key.txt"
ARCHIVE_FILES = (JOURNAL_FILE, MANIFEST_FILE, SIGNATURE_FILE, KEY_FILE)
FIELDS = ("till_id", "chain", "number", "at", "amount_cents", "body", "previous_hash",
          "hash", "signature", "key_id")


class PeriodNotClosed(DomainError):
    def __init__(self, period: str) -> None:
        super().__init__(
            f"{period} is not closed: only closed periods are archived, a month once its"
            " monthly closure is recorded (with the first Z of a later month), a year once"
            " its yearly closure is")
        self.period = period


class UnprovenKeys(DomainError):
    def __init__(self, period: str) -> None:
        super().__init__(
            f"the archive of {period} is not made: entries of it are signed by a key the"
            " journal does not prove (its key announcement and rotations, leading to the"
            " till's own key); the journal was altered, run `caisse journal verify`")
        self.period = period


def export_archive(ctx: Context, staff: StaffMember, period: str) -> dict[str, bytes]:
    """The archive of a closed month (`period` `YYYY-MM`) or fiscal year (`YYYY`): every
    entry written after the last Z of the period before it, up to the last Z of this one.
    A period is made of Zs, as a Z is made of a session, never of clock times: so an
    archive holds exactly what its closures closed, and exporting it again gives the
    same members byte for byte. The export itself is recorded in the archive chain and
    the event journal (who made it and when), after the entries it archives."""
    staff.require(Role.MANAGER, "export the fiscal archive")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        till = local_till(uow)
        closure, after, upto = _closed_bounds(
            [(row[0], json.loads(row[5])) for row in uow.journal.rows(till.id, Chain.CLOSURE)],
            period.strip())
        rows = uow.journal.written_between(till.id, Chain.CLOSURE, after, upto)
        lines = [json.dumps(dict(zip(FIELDS, row, strict=True)), ensure_ascii=False,
                            separators=(",", ":")) for row in rows]
        journal = ("\n".join(lines) + "\n").encode("utf-8")
        chains: dict[str, dict[str, Any]] = {}
        for row in rows:
            chain = chains.setdefault(row[1], {"first": row[2], "previous_hash": row[6],
                                               "entries": 0})
            chain.update(last=row[2], last_hash=row[7], entries=chain["entries"] + 1)
        # The keys the journal proves, never any key recorded in till_keys: an archive
        # signed by the till must not vouch for entries a forger re-signed.
        keys = proven_keys(uow, ctx.signer, till.id)
        used = {row[9] for row in rows} | {ctx.signer.key_id}
        if not used <= keys.keys():
            raise UnprovenKeys(period.strip())
        manifest = {
            "format": FORMAT,
            "till": {"id": till.id, "code": till.code, "name": till.name,
                     "point_of_sale": till.point_of_sale},
            "period": period.strip(), "closure": closure,
            "chains": chains,
            "files": {JOURNAL_FILE: hashlib.sha256(journal).hexdigest()},
            "keys": {key_id: keys[key_id] for key_id in sorted(used)},
            "signing_key": ctx.signer.key_id,
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1,
                                    sort_keys=True).encode("utf-8")
        digest = hashlib.sha256(manifest_bytes).digest()
        append(uow, ctx.signer, till.id, Chain.ARCHIVE, now,
               {"period": period.strip(), "manifest_sha256": digest.hex(),
                "entries": len(rows), "staff_id": staff.id})
        record_event(uow, ctx.signer, till.id, now, Event.ARCHIVE, staff.id,
                     period=period.strip(), manifest_sha256=digest.hex())
        uow.commit()
    return {JOURNAL_FILE: journal, MANIFEST_FILE: manifest_bytes,
            SIGNATURE_FILE: ctx.signer.sign(digest).hex().encode("ascii"),
            KEY_FILE: ctx.signer.public_key.encode("ascii")}


def _closed_bounds(closures: list[tuple[int, dict[str, Any]]], period: str
                   ) -> tuple[dict[str, Any], int, int]:
    """The closure that closed `period` (kind, number, its entry in the closure chain),
    and the closure chain's entries of the last Z before the period (0: none) and of the
    period's last Z: the archive holds what was written after the one, up to the other."""
    kind = ClosureKind.MONTH if len(period) == 7 else ClosureKind.YEAR
    z_entries: dict[int, int] = {}
    by_number: dict[str, dict[int, dict[str, Any]]] = {}
    closed: tuple[int, dict[str, Any]] | None = None
    for entry, body in closures:
        if body.get("kind") == ClosureKind.Z:
            z_entries[body["number"]] = entry
        else:
            by_number.setdefault(body.get("kind", ""), {})[body["number"]] = body
            if body.get("kind") == kind and body.get("label") == period:
                closed = entry, body
    if closed is None:
        raise PeriodNotClosed(period)
    months = by_number.get(ClosureKind.MONTH, {})

    def last_z(body: dict[str, Any] | None) -> int:
        if body is None:
            return 0
        last = body["parts"]["last"]
        return z_entries[last if body["kind"] == ClosureKind.MONTH
                         else months[last]["parts"]["last"]]

    entry, body = closed
    before = by_number[kind].get(body["number"] - 1)
    return ({"kind": kind.value, "number": body["number"], "entry": entry},
            last_z(before), last_z(body))


@dataclass(frozen=True, slots=True)
class ArchiveReport:
    period: str = ""
    public_key: str = ""  # compare it with the till's published key
    entries: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_archive(files: Mapping[str, bytes],
                  verify: Callable[[str, bytes, bytes], bool]) -> ArchiveReport:
    """Check an archive with its own content only: the manifest's signature by the key
    it carries, the journal file's digest, and every chain (numbers, links, hashes,
    every signature). `verify(public_key_hex, digest, signature)` checks Ed25519.

    Whatever the members hold (damaged bytes, another JSON shape, values of the wrong
    type, even in a manifest signed by a key of the forger's), the answer is a report
    whose problems say what is wrong: this never raises on the archive's content."""
    missing = [name for name in ARCHIVE_FILES if name not in files]
    if missing:
        return ArchiveReport(problems=[f"the archive lacks {', '.join(missing)}"])
    read = _signed_manifest(files)
    if isinstance(read, ArchiveReport):
        return read
    manifest, public_key, signature = read
    period = manifest.get("period")
    period = period if isinstance(period, str) else ""
    if not verify(public_key, hashlib.sha256(files[MANIFEST_FILE]).digest(), signature):
        return ArchiveReport(period, public_key, problems=[
            "the manifest's signature is not valid for the archive's public key"])
    # Signed, but maybe by a forger's key: its shape is checked before anything is used.
    shape = _manifest_problem(manifest)
    if shape is not None:
        return ArchiveReport(period, public_key, problems=[f"{MANIFEST_FILE}: {shape}"])
    keys: dict[str, str] = manifest["keys"]
    if keys.get(manifest["signing_key"]) != public_key:
        return ArchiveReport(period, public_key,
                             problems=["the public key is not the journal's"])
    if hashlib.sha256(files[JOURNAL_FILE]).hexdigest() != manifest["files"][JOURNAL_FILE]:
        return ArchiveReport(period, public_key, problems=[
            f"{JOURNAL_FILE} is not the file the manifest describes"])
    try:
        by_chain = _journal_rows(files[JOURNAL_FILE])
    except (ValueError, RecursionError) as error:
        return ArchiveReport(period, public_key,
                             problems=[f"{JOURNAL_FILE} cannot be read: {error}"])
    return _check_chains(manifest, by_chain, keys, verify, public_key)


def _signed_manifest(files: Mapping[str, bytes]
                     ) -> tuple[dict[str, Any], str, bytes] | ArchiveReport:
    """The manifest, the public key and the signature, or the report of why not."""
    try:
        manifest = json.loads(files[MANIFEST_FILE])
        public_key = files[KEY_FILE].decode("ascii")
        signature = bytes.fromhex(files[SIGNATURE_FILE].decode("ascii"))
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        return ArchiveReport(problems=[f"the manifest or its signature cannot be read: {error}"])
    # Strict as the QR check: only the text the till writes (lowercase hex, nothing
    # around it), so that an archive called sound is the one exported, byte for byte.
    if files[SIGNATURE_FILE] != signature.hex().encode("ascii"):
        return ArchiveReport(public_key=public_key, problems=[
            f"{SIGNATURE_FILE} is not written as the till writes it (lowercase hex only)"])
    if not _is_hex(public_key):
        return ArchiveReport(public_key=public_key, problems=[
            f"{KEY_FILE} is not written as the till writes it (lowercase hex only)"])
    if not isinstance(manifest, dict):
        return ArchiveReport(public_key=public_key,
                             problems=[f"{MANIFEST_FILE} is not a JSON object"])
    return manifest, public_key, signature


def _journal_rows(journal: bytes) -> dict[str, list[tuple[Any, ...]]]:
    """The journal file's entries by chain, as rows of FIELDS; ValueError (or
    RecursionError, for JSON nested without end) says what is not an entry."""
    by_chain: dict[str, list[tuple[Any, ...]]] = {}
    # One entry a line, "\n" ended; not splitlines(): a body may hold U+2028 and the
    # like, which json.dumps(ensure_ascii=False) leaves as they are.
    lines = journal.decode("utf-8").split("\n")
    if lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, 1):
        entry = json.loads(line)
        problem = _entry_problem(entry)
        if problem is not None:
            raise ValueError(f"line {number}: {problem}")
        by_chain.setdefault(entry["chain"], []).append(tuple(entry[f] for f in FIELDS))
    return by_chain


def _is_int(value: object) -> bool:
    return type(value) is int  # JSON true/false are not numbers here


def _is_hex(value: object) -> bool:
    """Lowercase hex as bytes.hex() writes it (bytes.fromhex alone lets spaces by)."""
    if not isinstance(value, str):
        return False
    try:
        return bytes.fromhex(value).hex() == value
    except ValueError:
        return False


def _manifest_problem(manifest: dict[str, Any]) -> str | None:
    """What in the manifest's shape is not what `export_archive` writes, or None."""
    if manifest.get("format") != FORMAT:
        return f"its format is not {FORMAT}"
    till, files, keys = manifest.get("till"), manifest.get("files"), manifest.get("keys")
    if not isinstance(till, dict) or not isinstance(till.get("id"), str):
        return "it does not name the till"
    if not isinstance(manifest.get("period"), str):
        return "it does not name the period"
    if not isinstance(files, dict) or not isinstance(files.get(JOURNAL_FILE), str):
        return f"it does not give the digest of {JOURNAL_FILE}"
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        return "its public keys are not a list of texts by key id"
    if not isinstance(manifest.get("signing_key"), str):
        return "it does not say which key signs it"
    chains = manifest.get("chains")
    if not isinstance(chains, dict):
        return "it does not describe the chains"
    for name, described in chains.items():
        if not (isinstance(described, dict)
                and all(_is_int(described.get(f)) for f in ("first", "last", "entries"))
                and all(isinstance(described.get(f), str)
                        for f in ("previous_hash", "last_hash"))):
            return f"its {name} chain is not described as an archive describes it"
    return None


def _entry_problem(entry: object) -> str | None:
    """What in a journal line is not an entry as stored, or None."""
    if not isinstance(entry, dict):
        return "not a JSON object"
    absent = [name for name in FIELDS if name not in entry]
    if absent:
        return f"it lacks {', '.join(absent)}"
    if not (_is_int(entry["number"]) and _is_int(entry["amount_cents"])):
        return "its number or amount is not a whole number"
    texts = ("till_id", "chain", "at", "body", "previous_hash", "hash", "key_id")
    if not all(isinstance(entry[name], str) for name in texts):
        return f"one of {', '.join(texts)} is not a text"
    if not (_is_hex(entry["hash"]) and _is_hex(entry["signature"])):
        return "its hash or signature is not lowercase hexadecimal"
    return None


def _check_chains(manifest: dict[str, Any], by_chain: dict[str, list[tuple[Any, ...]]],
                  keys: dict[str, str], verify: Callable[[str, bytes, bytes], bool],
                  public_key: str) -> ArchiveReport:
    till_id = manifest["till"]["id"]
    entries: dict[str, int] = {}
    problems: list[str] = []

    def check(key_id: str, digest: bytes, signature: bytes) -> bool:
        public = keys.get(key_id)
        return public is not None and verify(public, digest, signature)

    for chain, described in sorted(manifest["chains"].items()):
        rows = by_chain.pop(chain, [])
        # The archive starts mid-chain: after the entry whose hash the manifest gives.
        after = ChainHead(described["first"] - 1, described["previous_hash"])
        head = ChainHead(described["last"], described["last_hash"])
        ordered = [(row[2], row[3], row[6], row[7], row[4], row[5], row[8], row[9])
                   for row in rows]
        count, problem = verify_chain(till_id, chain, ordered, check, head, True, after)
        entries[chain] = count
        if problem is not None:
            problems.append(str(problem))
    problems += [f"{chain} chain: entries the manifest does not list" for chain in by_chain]
    return ArchiveReport(manifest.get("period", ""), public_key, entries, problems)
