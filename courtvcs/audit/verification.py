"""Checking the audit log against its signed checkpoints (`manage.py verify_audit`).

One pass over the sealed leaves recomputes every leaf hash from the entry as it is in the
database now; the roots at every checkpoint's size and the consistency proofs between
consecutive checkpoints come from the trees of complete subtrees (merkle.Tree), so a
100,000-entry log is checked in seconds (bench/audit_bench.py).
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from . import checkpoints, merkle, sealing
from .checkpoints import Checkpoint
from .models import AuditEntry, AuditLeaf

LISTED = 10  # leaf problems of one kind shown before "... and N more"
# An entry dated this much earlier than a checkpoint that did not hold it yet was sealed
# late: a transaction open that long is rare, an entry inserted afterwards with an earlier
# date is what it looks like. Reported as a warning, not a failure.
BACKDATED = dt.timedelta(hours=1)


@dataclass
class Problem:
    message: str
    leaf_index: int | None = None
    entry_id: int | None = None


@dataclass
class Report:
    leaves: int = 0
    unsealed: int = 0
    root: bytes = merkle.EMPTY_ROOT
    key: str = ""
    checkpoints: list[Checkpoint] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_leaf(self) -> Problem | None:
        located = [p for p in self.problems if p.leaf_index is not None]
        return min(located, key=lambda p: p.leaf_index) if located else None

    def summary(self) -> str:
        sizes = ", ".join(str(c.size) for c in self.checkpoints[-3:])
        return (f"{self.leaves} sealed leaves, root {self.root.hex()}; {len(self.checkpoints)} "
                f"signed checkpoints (last sizes: {sizes or 'none'}) by key {self.key}; "
                f"{self.unsealed} entries not yet sealed")


def _add_listed(report: Report, problems: list[Problem], what: str) -> None:
    report.problems.extend(problems[:LISTED])
    if len(problems) > LISTED:
        report.problems.append(Problem(f"... and {len(problems) - LISTED} more leaves {what}"))


def _read_checkpoints(directory: Path, public, report: Report) -> list[Checkpoint]:
    good = []
    for path in checkpoints.checkpoint_files(directory):
        try:
            cp = checkpoints.verify_note(path.read_text(), public, path)
        except (checkpoints.CheckpointError, OSError, UnicodeDecodeError) as e:
            report.problems.append(Problem(f"{path.name}: {e} (forged or damaged checkpoint)"))
            continue
        if cp.origin != checkpoints.origin() or path.name != f"checkpoint-{cp.size:012d}.txt":
            report.problems.append(Problem(f"{path.name}: signed for {cp.origin!r} size "
                                           f"{cp.size}, not this file's log and size"))
            continue
        good.append(cp)
    return good


def verify(*, directory: Path | None = None, public_key: Path | None = None) -> Report:
    directory = directory or checkpoints.checkpoint_dir()
    report = Report()
    public = checkpoints.load_public_key(public_key or directory / checkpoints.PUBLIC_KEY_FILE)
    report.key = f"{checkpoints.KEY_NAME}+{checkpoints.key_id(public).hex()}"
    cps = _read_checkpoints(directory, public, report)
    report.checkpoints = cps

    # The database, leaf by leaf: no holes, each entry still hashing to what was sealed.
    recomputed: list[bytes] = []
    entry_ids: list[int] = []
    holes, changed, backdated = [], [], []
    before = 0  # how many checkpoints were signed before the current leaf was sealed
    for index, sealed_hash, row in sealing.sealed_entries():
        while before < len(cps) and cps[before].size <= index:
            before += 1
        if before and row[1] < cps[before - 1].time - BACKDATED:
            backdated.append(Problem(
                f"leaf {index} (entry id {row[0]}) is dated {row[1].isoformat()} but was not in "
                f"{cps[before - 1].name}, signed {cps[before - 1].time.isoformat()}: added later "
                "with an earlier date?", index, row[0]))
        if index != len(recomputed):
            holes.append(Problem(f"leaves {len(recomputed)}..{index - 1} are missing from the "
                                 f"database (before entry id {row[0]})", len(recomputed)))
        h = sealing.entry_leaf_hash(row)
        if h != sealed_hash:
            changed.append(Problem(f"leaf {len(recomputed)} (entry id {row[0]}): the entry no "
                                   "longer matches the hash it was sealed with",
                                   len(recomputed), row[0]))
        recomputed.append(h)
        entry_ids.append(row[0])
    report.leaves = len(recomputed)
    report.unsealed = AuditEntry.objects.filter(leaf__isnull=True).count()
    report.warnings.extend(backdated[:LISTED])
    if len(backdated) > LISTED:
        report.warnings.append(Problem(f"... and {len(backdated) - LISTED} more leaves dated "
                                       "before a checkpoint that did not hold them"))
    _add_listed(report, holes, "missing")
    _add_listed(report, changed, "changed")
    tree = merkle.Tree(recomputed)
    report.root = tree.root()

    # Each checkpoint against the tree in the database; the change lies after the last
    # checkpoint that still matches.
    matched = 0
    for cp in cps:
        if cp.size > tree.size:
            report.problems.append(Problem(
                f"{cp.name} signs {cp.size} leaves but the database has {tree.size}: leaves "
                f"{tree.size}..{cp.size - 1} are missing", tree.size))
        elif tree.root(cp.size) != cp.root:
            report.problems.append(Problem(
                f"{cp.name}: it changed between leaf {matched} and leaf {cp.size - 1} (the "
                "log in the database does not have the root signed there)"))
        else:
            matched = cp.size

    # The leaf-hash file outside the database, if the checkpoints vouch for it, names the
    # exact leaf even when the database's own leaf hashes were rewritten too.
    kept = checkpoints.read_leaf_hashes(directory)
    kept_tree = merkle.Tree(kept)
    kept_ok = all(cp.size <= kept_tree.size and kept_tree.root(cp.size) == cp.root for cp in cps)
    if not kept_ok:
        state = "does not match" if kept else "is missing, so it cannot name the leaf; see"
        report.problems.append(Problem(f"{checkpoints.LEAF_HASHES_FILE} {state} the signed "
                                       "checkpoints"))
    elif cps:
        signed = [Problem(f"leaf {i} (entry id {entry_ids[i]}) differs from the leaf signed by "
                          f"the checkpoints", i, entry_ids[i])
                  for i in range(min(len(recomputed), cps[-1].size)) if recomputed[i] != kept[i]]
        _add_listed(report, signed, "differing from the signed log")

    # Consecutive checkpoints must extend each other (RFC 9162 §2.1.4), proven over the
    # signed leaf hashes when they are intact, else over the database's.
    witness = kept_tree if kept_ok else tree
    for a, b in zip(cps, cps[1:], strict=False):
        if b.size > witness.size:
            continue
        if not merkle.verify_consistency(first=a.size, second=b.size, first_root=a.root,
                                         second_root=b.root,
                                         proof=witness.consistency_proof(a.size, b.size)):
            report.problems.append(Problem(f"{a.name} and {b.name} are not consistent: the "
                                           "signed history was rewritten"))
    if tree.size and not cps:
        report.problems.append(Problem(f"no signed checkpoint in {directory}: nothing outside "
                                       "the database vouches for the log"))
    return report


@dataclass
class InclusionProof:
    entry_id: int
    leaf_index: int
    leaf_hash: bytes
    size: int
    proof: list[bytes]

    def verifies(self, checkpoint: Checkpoint) -> bool:
        return self.size == checkpoint.size and merkle.verify_inclusion(
            index=self.leaf_index, size=self.size, leaf=self.leaf_hash, proof=self.proof,
            root=checkpoint.root)


def inclusion_proof(*, entry_id: int, size: int) -> InclusionProof:
    """RFC 9162 §2.1.3 proof that the entry, as it is now, is in the tree of `size` leaves."""
    fields = [f"entry__{f}" for f in sealing.ENTRY_FIELDS]
    index, *row = AuditLeaf.objects.values_list("index", *fields).get(entry_id=entry_id)
    tree = merkle.Tree(sealing.sealed_leaf_hashes()[:size])
    return InclusionProof(entry_id, index, sealing.entry_leaf_hash(tuple(row)), size,
                          tree.inclusion_proof(index, size))
