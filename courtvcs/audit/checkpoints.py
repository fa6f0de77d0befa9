"""Signed checkpoints of the audit log, kept outside the database (docs/audit.md).

A checkpoint is a signed note in the C2SP tlog-checkpoint form: the log's origin line, the
tree size, the base64 root hash, a `time` line (UTC), a blank line, then one signature line
"— <key name> <base64(key id || Ed25519 signature)>" over everything before the blank line.
Go's golang.org/x/mod/sumdb/note reads the same format; the key id is the first four bytes of
SHA-256(name || "\\n" || 0x01 || public key), as that package computes it.

The directory (COURTVCS_AUDIT_CHECKPOINT_DIR) holds:
  checkpoint-<size>.txt   one per tree size signed, never rewritten
  leaf-hashes.bin         every sealed leaf hash, 32 bytes each, in log order: lets
                          verify_audit name the exact entry that changed, even when whoever
                          changed it also rewrote the database's own leaf hashes
  audit-log.pub           the public key (PEM) and its note verifier key line
"""

import base64
import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import merkle

KEY_NAME = "courtvcs-audit"
PUBLIC_KEY_FILE = "audit-log.pub"
LEAF_HASHES_FILE = "leaf-hashes.bin"
CHECKPOINT_NAME = re.compile(r"^checkpoint-(\d{12})\.txt$")
SIGNATURE_DASH = "\u2014"


class CheckpointError(Exception):
    pass


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    time: dt.datetime
    path: Path | None = None

    def body(self) -> str:
        return (f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"
                f"time {self.time.astimezone(dt.UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}\n")

    @property
    def name(self) -> str:
        return self.path.name if self.path else f"checkpoint-{self.size:012d}.txt"


def checkpoint_dir() -> Path:
    return Path(settings.COURTVCS_AUDIT_CHECKPOINT_DIR)


def origin() -> str:
    return settings.COURTVCS_AUDIT_LOG_ORIGIN


# --- keys -------------------------------------------------------------------------------

def key_id(public: Ed25519PublicKey) -> bytes:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(KEY_NAME.encode() + b"\n\x01" + raw).digest()[:4]


def verifier_key(public: Ed25519PublicKey) -> str:
    """The note verifier key line: name+hex key id+base64(0x01 || key)."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return f"{KEY_NAME}+{key_id(public).hex()}+{base64.b64encode(b'\x01' + raw).decode()}"


def signing_key() -> Ed25519PrivateKey:
    """The Ed25519 key from COURTVCS_AUDIT_SIGNING_KEY; made on first use when
    COURTVCS_AUDIT_GENERATE_KEY allows it (the embedded run), readable by its owner only."""
    path = Path(settings.COURTVCS_AUDIT_SIGNING_KEY)
    if not path.exists():
        if not settings.COURTVCS_AUDIT_GENERATE_KEY:
            raise ImproperlyConfigured(f"the audit signing key {path} does not exist")
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path} is not an Ed25519 private key")
    return key


def publish_public_key(public: Ed25519PublicKey, directory: Path) -> Path:
    path = directory / PUBLIC_KEY_FILE
    text = public.public_bytes(serialization.Encoding.PEM,
                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    text += verifier_key(public) + "\n"
    if not path.exists() or path.read_text() != text:
        _write_atomically(path, text.encode())
    return path


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A public key from a PEM file (audit-log.pub or a copy the auditor keeps)."""
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as e:
        raise CheckpointError(f"cannot read the public key {path}: {e}") from e
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError(f"{path} is not an Ed25519 public key")
    return key


# --- notes ------------------------------------------------------------------------------

def sign(checkpoint: Checkpoint, key: Ed25519PrivateKey) -> str:
    body = checkpoint.body()
    signature = key.sign(body.encode())
    blob = base64.b64encode(key_id(key.public_key()) + signature).decode()
    return f"{body}\n{SIGNATURE_DASH} {KEY_NAME} {blob}\n"


def parse(text: str, path: Path | None = None) -> tuple[Checkpoint, list[tuple[str, bytes]]]:
    """The checkpoint and its signature lines (key name, key id || signature)."""
    body, sep, signatures = text.partition("\n\n")
    lines = body.split("\n")
    if not sep or len(lines) < 3:
        raise CheckpointError("not a signed checkpoint")
    try:
        size = int(lines[1])
        root = base64.b64decode(lines[2], validate=True)
        times = [ln.removeprefix("time ") for ln in lines[3:] if ln.startswith("time ")]
        when = dt.datetime.fromisoformat(times[0]) if times else dt.datetime.min.replace(tzinfo=dt.UTC)
    except (ValueError, IndexError) as e:
        raise CheckpointError(f"malformed checkpoint: {e}") from e
    if size < 0 or len(root) != merkle.HASH_SIZE:
        raise CheckpointError("malformed checkpoint: bad size or root")
    sigs = []
    for line in signatures.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != SIGNATURE_DASH:
            raise CheckpointError(f"malformed signature line {line!r}")
        try:
            sigs.append((parts[1], base64.b64decode(parts[2], validate=True)))
        except ValueError as e:
            raise CheckpointError(f"malformed signature line {line!r}") from e
    checkpoint = Checkpoint(origin=lines[0], size=size, root=root, time=when, path=path)
    if checkpoint.body() != body + "\n":
        raise CheckpointError("the checkpoint is not in canonical form")
    return checkpoint, sigs


def verify_note(text: str, public: Ed25519PublicKey, path: Path | None = None) -> Checkpoint:
    """The checkpoint, if one of its signatures is the given key's over its exact text."""
    checkpoint, sigs = parse(text, path)
    kid = key_id(public)
    body = text.partition("\n\n")[0] + "\n"
    for name, blob in sigs:
        if name == KEY_NAME and blob[:4] == kid:
            try:
                public.verify(blob[4:], body.encode())
            except InvalidSignature:
                continue
            return checkpoint
    raise CheckpointError(f"no valid signature by {KEY_NAME}+{kid.hex()}")


# --- the directory ----------------------------------------------------------------------

def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def checkpoint_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if CHECKPOINT_NAME.match(p.name))


def write(checkpoint: Checkpoint, key: Ed25519PrivateKey, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / checkpoint.name
    if path.exists():
        raise CheckpointError(f"{path} exists; checkpoints are never rewritten")
    _write_atomically(path, sign(checkpoint, key).encode())
    return path


def read_leaf_hashes(directory: Path) -> list[bytes]:
    path = directory / LEAF_HASHES_FILE
    if not path.exists():
        return []
    data = path.read_bytes()
    usable = len(data) - len(data) % merkle.HASH_SIZE
    return [data[i:i + merkle.HASH_SIZE] for i in range(0, usable, merkle.HASH_SIZE)]


def append_leaf_hashes(directory: Path, start: int, hashes: list[bytes]) -> None:
    """Append hashes from leaf `start` on; a torn tail from an interrupted write is cut."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LEAF_HASHES_FILE
    with open(path, "ab") as f:
        f.truncate(start * merkle.HASH_SIZE)
        f.write(b"".join(hashes))
        f.flush()
        os.fsync(f.fileno())
