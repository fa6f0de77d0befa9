"""docs/rules.md stays true: every rule has a row, every test it names exists, and every
test named after a rule (test_r13_...) is listed in that rule's row."""

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "rules.md"


def _tests_by_rule() -> dict[str, set[str]]:
    found = defaultdict(set)
    for path in list((ROOT / "courtvcs").rglob("test_*.py")) + list((ROOT / "tests").rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_r"):
                for rule in re.findall(r"_r(\d+)(?=_)", "_" + node.name.removeprefix("test")):
                    found[f"R{int(rule)}"].add(node.name)
    return found


def _doc_rows() -> dict[str, str]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\|\s*\*\*(R\d+)\*\*\s*\|", line)
        if m:
            rows[m.group(1)] = line
    return rows


def test_every_rule_has_a_row_in_the_traceability_table():
    assert set(_doc_rows()) == {f"R{n}" for n in range(1, 28)}


def test_every_test_named_after_a_rule_is_listed_under_that_rule():
    rows = _doc_rows()
    missing = {rule: sorted(name for name in names if name not in rows.get(rule, ""))
               for rule, names in _tests_by_rule().items()}
    assert {k: v for k, v in missing.items() if v} == {}


def test_every_test_the_table_names_exists():
    all_tests = set().union(*_tests_by_rule().values())
    named = set(re.findall(r"`(test_r\w+)`", DOC.read_text(encoding="utf-8")))
    assert sorted(named - all_tests) == []
