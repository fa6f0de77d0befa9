"""The interface speaks Kazakh and Russian completely (the staff of the courts and
institutions choose their language; Kazakh is the state language).

The catalogues are made with
`manage.py makemessages -l kk -l ru -l en --ignore=.venv --ignore=var --ignore=bench
--ignore=tests --ignore="*/tests/*" --no-location` and compiled with
`manage.py compile_translations`.
"""

import ast
import re
from pathlib import Path

import polib
import pytest

from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.world import at

PACKAGE = Path(__file__).resolve().parents[2]  # courtvcs/
LOCALE = PACKAGE / "locale"
TRANSLATED = ["kk", "ru"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")

# The names xgettext (called by makemessages) extracts from Python, with the position of the
# message id and, for the p* forms, of the context (Django's and xgettext's default keywords).
GETTEXT_CALLS = {
    "_": (0, None), "gettext": (0, None), "gettext_lazy": (0, None), "gettext_noop": (0, None),
    "ngettext": (0, None), "ngettext_lazy": (0, None),
    "pgettext": (1, 0), "pgettext_lazy": (1, 0), "npgettext": (1, 0), "npgettext_lazy": (1, 0),
}
# {% translate "..." %} / {% trans '...' %} with a single literal, in templates.
TEMPLATE_TRANSLATE = re.compile(r"""\{%\s*trans(?:late)?\s+(["'])(.*?)\1(?:\s+context\s+(["'])(.*?)\3)?""")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def live_entries(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete]


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _literal(node: ast.AST) -> str | None:
    """A string the parser can know: a literal, implicit concatenation, or "a" + "b"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left), _literal(node.right)
        if left is not None and right is not None:
            return left + right
    return None


def _function_name(func: ast.AST) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):  # translation.gettext(...)
        return func.attr
    return None


def _is_test_path(path: Path) -> bool:
    return "tests" in path.relative_to(PACKAGE).parts


def texts_in_the_code() -> dict[tuple[str | None, str], str]:
    """(context, message id) -> where it is used, for every translatable literal outside tests."""
    found: dict[tuple[str | None, str], str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if _is_test_path(path):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            spec = GETTEXT_CALLS.get(_function_name(node.func) or "")
            if spec is None:
                continue
            msgid_at, context_at = spec
            if len(node.args) <= msgid_at:
                continue
            msgid = _literal(node.args[msgid_at])
            context = _literal(node.args[context_at]) if context_at is not None else None
            if msgid:
                where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
                found.setdefault((context, msgid), where)
    for path in sorted(PACKAGE.rglob("templates/**/*.html")):
        if _is_test_path(path):
            continue
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in TEMPLATE_TRANSLATE.finditer(line):
                where = f"{path.relative_to(PACKAGE.parent)}:{line_no}"
                found.setdefault((match.group(4), match.group(2)), where)
    return found


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_interface_text_is_translated_to_kazakh_and_russian(language):
    po = catalogue(language)
    entries = live_entries(po)
    assert len(entries) > 300, f"the {language} catalogue looks truncated ({len(entries)} messages)"
    assert not po.metadata_is_fuzzy, f"the {language} catalogue header is marked fuzzy"
    assert po.metadata.get("Language") == language
    problems = []
    for e in entries:
        translations = list(e.msgstr_plural.values()) if e.msgid_plural else [e.msgstr]
        if "fuzzy" in e.flags:
            problems.append(f"fuzzy: {e.msgid!r}")
        if not translations or not all(t.strip() for t in translations):
            problems.append(f"not translated: {e.msgid!r}")
            continue
        for t in translations:
            expected = placeholders(e.msgid) | placeholders(e.msgid_plural or "")
            if placeholders(t) != expected:
                problems.append(f"placeholders differ: {e.msgid!r} -> {t!r}")
            if "R" in e.msgid:
                rule_ids = set(re.findall(r"\bR\d+\b", e.msgid))
                if rule_ids != set(re.findall(r"\bR\d+\b", t)):
                    problems.append(f"rule ids differ: {e.msgid!r} -> {t!r}")
    assert not problems, f"{language}: " + "\n".join(problems)


def test_the_kazakh_russian_and_english_catalogues_hold_the_same_messages():
    ids = {lang: {(e.msgctxt, e.msgid) for e in live_entries(catalogue(lang))}
           for lang in [*TRANSLATED, "en"]}
    assert ids["kk"] == ids["ru"] == ids["en"], {
        "only in kk": ids["kk"] - ids["ru"], "only in ru": ids["ru"] - ids["kk"],
        "not in en": (ids["kk"] | ids["ru"]) - ids["en"]}


def test_every_text_in_the_code_is_in_the_catalogues():
    in_code = texts_in_the_code()
    assert len(in_code) > 300, "the scan of the code found too few texts: is it still looking?"
    for language in TRANSLATED:
        known = {(e.msgctxt, e.msgid) for e in live_entries(catalogue(language))}
        missing = {key: where for key, where in in_code.items() if key not in known}
        assert not missing, (
            f"texts not in the {language} catalogue; run makemessages (see this module's "
            "docstring), translate, compile:\n"
            + "\n".join(f"{where}: {msgid!r}" for (_, msgid), where in sorted(missing.items(),
                                                                          key=lambda kv: kv[1])))


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalogues_match_the_po_files(language):
    """The server reads the .mo files: they must say what the .po files say."""
    po_path = LOCALE / language / "LC_MESSAGES" / "django.po"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run manage.py compile_translations"
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo_path)) if e.msgid}
    written = {(e.msgctxt, e.msgid): e.msgstr for e in live_entries(catalogue(language))
               if not e.msgid_plural}
    stale = {k for k, v in written.items() if compiled.get(k) != v}
    assert not stale, (f"{mo_path} is out of date for {len(stale)} message(s): "
                       "run manage.py compile_translations")


# Booking a hearing that would start in the past breaks R10 (no technical possibility for
# the slot); the court staff read why in their own language.
PAST_BOOKING = {
    "ru": ("На это время отсутствует техническая возможность проведения ВКС.",
           "Время начала 30.11.2026 10:00 уже прошло."),
    "kk": ("Бұл уақытқа БКБ өткізудің техникалық мүмкіндігі жоқ.",
           "Басталу уақыты 30.11.2026 10:00 өтіп кетті."),
}


@pytest.mark.parametrize("language", TRANSLATED)
def test_r10_refusal_reaches_the_secretary_in_the_language_of_the_browser(world, api, clock, language):
    world.secretary.language = ""  # no choice of their own: the browser's Accept-Language decides
    world.secretary.save(update_fields=["language"])
    flow = Flow(world, api, clock)
    r = api(world.secretary, language=language).post(
        "/hearings", flow.payload(starts_at=at(30, 10, month=11).isoformat()))
    assert r.status_code == 409, r.content.decode()
    body = r.json()
    detail, reason = PAST_BOOKING[language]
    assert body["rule"] == "R10"
    assert body["detail"] == f"R10: {detail}"
    assert reason in body["reasons"]


def test_r10_refusal_follows_the_language_the_person_chose_over_the_browser(world, api, clock):
    world.secretary.language = "kk"
    world.secretary.save(update_fields=["language"])
    flow = Flow(world, api, clock)
    r = api(world.secretary, language="ru").post(
        "/hearings", flow.payload(starts_at=at(30, 10, month=11).isoformat()))
    assert r.status_code == 409, r.content.decode()
    assert r.json()["rule"] == "R10"
    assert r.json()["detail"] == f"R10: {PAST_BOOKING['kk'][0]}"
    assert PAST_BOOKING["kk"][1] in r.json()["reasons"]


def test_r10_refusal_in_english_is_the_source_text(world, api, clock):
    flow = Flow(world, api, clock)  # the people of the test world chose English
    r = api(world.secretary, language="ru").post(
        "/hearings", flow.payload(starts_at=at(30, 10, month=11).isoformat()))
    assert r.status_code == 409
    assert r.json()["detail"] == "R10: VCS is not technically possible for this slot."
    assert "The start time 30.11.2026 10:00 has already passed." in r.json()["reasons"]


def _speaks(user, language):
    user.language = language
    user.save(update_fields=["language"])


def _inbox(api, user, kind):
    items = api(user).get("/notifications").json()["items"]
    return [n for n in items if n["kind"] == kind]


def test_r13_test_result_reaches_the_secretary_in_her_language_not_the_technicians(world, api, clock):
    _speaks(world.technician, "kk")
    _speaks(world.secretary, "ru")
    flow = Flow(world, api, clock)
    flow.to("tested")  # the technician (in Kazakh) records a passed test with the detention centre
    [item] = _inbox(api, world.secretary, "test_session_result")
    assert item["subject"] == "Тестовый сеанс пройден успешно: дело 1-101/2026"
    assert item["body"] == (f"Тестовый сеанс с точкой {world.sizo.name_ru} — VCS-1 по делу 1-101/2026: "
                            "пройден успешно. ok")


def test_r24_suspension_reaches_the_judge_in_his_language_not_the_officers(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("agreed")
    _speaks(world.officer, "ru")
    _speaks(world.judge, "kk")
    r = api(world.officer).post("/suspensions", {"reason": "mass_riot"})
    assert r.status_code == 201, r.content.decode()
    [item] = _inbox(api, world.judge, "suspended")
    assert item["subject"] == "БКБ тоқтатыла тұрды: 1-101/2026 ісі"
    assert item["body"] == (
        f"Мекемеде БКБ өткізу тоқтатыла тұрды: {world.sizo.name_kk} (Жаппай тәртіпсіздіктер); "
        "1-101/2026 ісі бойынша 03.12.2026 10:00 уақытына тағайындалған сот отырысы "
        "тоқтатыла тұрды (R24).")


def test_r23_adjournment_reaches_the_secretary_in_her_language_not_the_judges(world, api, clock):
    _speaks(world.judge, "kk")
    _speaks(world.secretary, "ru")
    flow = Flow(world, api, clock)
    flow.to("in_session")
    r = api(world.judge).post(flow.url("/adjourn"), {"reason": "переводчик болен",
                                                     "next_starts_at": at(10, 10).isoformat()})
    assert r.status_code == 200, r.content.decode()
    [item] = _inbox(api, world.secretary, "adjourned")
    assert item["subject"] == "Судебное разбирательство отложено: дело 1-101/2026"
    assert item["body"] == ("Судебное разбирательство по делу 1-101/2026 отложено. Следующее "
                            "заседание предложено назначить на 10.12.2026 10:00. (R23).")
