"""Documents benchmark (R18): how long the act of absence of technical possibility takes
to render as PDF, in Kazakh and in Russian.

Seeds a fresh SQLite file (var/bench/documents_bench.sqlite3) with one court, a detention
centre, the people, and a hearing that could not be held by VCS: a fault report, eight
timeline events (losses, reconnections, the fault found unfixable), the act and its three
signatures. Then, for each language, N times (default 30):

  context   contexts.load + contexts.context: the act's records read and told in the language
  html      the Django template rendered to HTML (terms and templates read from disk)
  pdf       WeasyPrint: HTML to PDF bytes                              <- "render the act PDF"
  docx      docxtpl: the DOCX template filled
  generate  services.generate: both languages, PDF and DOCX, stored as a new version (N/3 runs)

and prints p50 and p90 (nearest rank) in milliseconds, the first (cold) PDF of the process
with WeasyPrint's import, the PDF and DOCX sizes and the SQL queries of one context.

    .venv/bin/python bench/documents_bench.py [--runs 30]
"""

import argparse
import datetime as dt
import math
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_SQLITE = REPO / "var" / "bench" / "documents_bench.sqlite3"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed renderings per language (default 30)")
    return parser.parse_args()


def prepare_environment() -> None:
    BENCH_SQLITE.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{BENCH_SQLITE}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{BENCH_SQLITE}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "courtvcs.settings"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(REPO))


def seed() -> tuple[int, int, object]:
    """A hearing of 3 December 2026 that could not be held by VCS; returns (hearing, act, secretary)."""
    from courtvcs import kztime
    from courtvcs.hearings.models import (
        Act, ActSignature, FaultReport, Hearing, Participant, RemoteSite, TimelineEvent,
    )
    from courtvcs.orgs.models import District, Endpoint, Organisation, Region, User

    def at(hour, minute):
        return dt.datetime(2026, 12, 3, hour, minute, tzinfo=kztime.KZ)

    region = Region.objects.create(code="akmola", name_kk="Ақмола облысы", name_ru="Акмолинская область",
                                   name_en="Akmola region")
    district = District.objects.create(region=region, code="akmola-kokshetau", name_kk="Көкшетау қаласы",
                                       name_ru="город Кокшетау", name_en="Kokshetau")
    court = Organisation.objects.create(
        code="kokshetau-city-court", kind="district_court", region=region, district=district,
        name_kk="Көкшетау қалалық соты", name_ru="Кокшетауский городской суд", name_en="Kokshetau City Court")
    sizo = Organisation.objects.create(
        code="la-155-1", kind="detention_centre", region=region, district=district,
        name_kk="ЛА-155/1 тергеу изоляторы", name_ru="Следственный изолятор ЛА-155/1",
        name_en="Detention centre LA-155/1")
    room = Endpoint.objects.create(organisation=court, kind="courtroom", room_number="101")
    vcs_room = Endpoint.objects.create(organisation=sizo, kind="vcs_room", room_number="ВКС-1")

    def person(username, role, org, last, first, middle):
        return User.objects.create(username=username, role=role, organisation=org, last_name=last,
                                   first_name=first, middle_name=middle)

    secretary = person("secretary", "secretary", court, "Сейітқали", "Әсел", "Ғаббасқызы")
    judge = person("judge", "judge", court, "Жұмабеков", "Нұрлан", "Серікұлы")
    technician = person("technician", "court_technician", court, "Оразбаев", "Қайрат", "Өмірзақұлы")
    head = person("head", "office_head", court, "Ибраева", "Гүлнар", "Һадиқызы")
    hearing = Hearing.objects.create(
        case_number="1-101/2026", category="criminal", instance="first", court=court, courtroom=room,
        judge=judge, secretary=secretary, coordinator_org=court, starts_at=at(10, 0), duration_minutes=90,
        status="not_held", basis="court_initiative", decided_at=at(9, 0) - dt.timedelta(days=2),
        created_by=secretary, created_at=at(9, 0) - dt.timedelta(days=2), updated_at=at(10, 2))
    site = RemoteSite.objects.create(hearing=hearing, endpoint=vcs_room, connection="lost")
    Participant.objects.create(hearing=hearing, full_name="Серіков Асқар Болатұлы", procedural_role="defendant",
                               mode="remote_site", remote_site=site)
    fault = FaultReport.objects.create(
        hearing=hearing, remote_site=site, description="Нет изображения и звука из СИЗО", reported_at=at(9, 40),
        reported_by=secretary, status="unfixable", resolved_at=at(9, 50), resolved_by=technician,
        resolution="Неисправен кодек СИЗО, замена не ранее 5 декабря")
    key = f"remote-{site.pk}"
    for minute, kind, actor, data in [
            (40, "fault_reported", secretary, {"description": fault.description, "site": site.pk}),
            (41, "site_reconnect_requested", secretary, {"site": key}),
            (42, "site_reconnected", technician, {"site": key}),
            (44, "site_lost", technician, {"site": key}),
            (45, "site_reconnect_requested", secretary, {"site": key}),
            (47, "link_degraded", None, {"sender": key, "receiver": "courtroom", "reasons": ["rtt"]}),
            (48, "site_lost", None, {"site": key}),
            (50, "vcs_impossible", technician, {"reason": fault.resolution})]:
        TimelineEvent.objects.create(hearing=hearing, at=at(9, minute), kind=kind, actor=actor, data=data,
                                     rule="R16")
    act = Act.objects.create(hearing=hearing, fault=fault, reason=fault.resolution, created_at=at(9, 55),
                             created_by=secretary, status="signed", signed_at=at(10, 2))
    for n, (signatory, who) in enumerate((("office_head", head), ("technician", technician),
                                          ("secretary", secretary))):
        ActSignature.objects.create(act=act, signatory=signatory, signed_by=who, signed_at=at(10, n))
    return hearing.pk, act.pk, secretary


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def main() -> None:
    args = parse_args()
    prepare_environment()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courtvcs import kztime
    from courtvcs.documents import contexts, rendering, services

    hearing_id, act_id, secretary = seed()
    now = kztime.now()

    started = time.perf_counter()
    source = contexts.load(hearing_id, "act", act_id)
    first_pdf = rendering.render_pdf(rendering.render_html("act", "ru", contexts.context(
        source, "ru", version=1, generated_at=now)))
    cold_ms = (time.perf_counter() - started) * 1000

    with CaptureQueriesContext(connection) as queries:
        source = contexts.load(hearing_id, "act", act_id)
        contexts.context(source, "ru", version=1, generated_at=now)

    timings: dict[tuple[str, str], list[float]] = {}
    sizes: dict[str, tuple[int, int]] = {}
    # The languages take turns, so that neither is measured while the process warms up.
    for _ in range(args.runs):
        for lang in ("kk", "ru"):
            t0 = time.perf_counter()
            src = contexts.load(hearing_id, "act", act_id)
            ctx = contexts.context(src, lang, version=1, generated_at=now)
            t1 = time.perf_counter()
            html = rendering.render_html("act", lang, ctx)
            t2 = time.perf_counter()
            pdf = rendering.render_pdf(html)
            t3 = time.perf_counter()
            docx = rendering.render_docx("act", lang, ctx)
            t4 = time.perf_counter()
            for step, took in (("context", t1 - t0), ("html", t2 - t1), ("pdf", t3 - t2), ("docx", t4 - t3)):
                timings.setdefault((step, lang), []).append(took * 1000)
            sizes[lang] = (len(pdf), len(docx))

    generate_runs = max(3, args.runs // 3)
    generated = []
    for _ in range(generate_runs):
        t0 = time.perf_counter()
        services.generate(actor=secretary, hearing_id=hearing_id, kind="act", source_id=act_id)
        generated.append((time.perf_counter() - t0) * 1000)

    import platform

    print(f"documents_bench: the act of absence of technical possibility (R18), {args.runs} runs per language")
    print(f"Python {platform.python_version()}, WeasyPrint {__import__('weasyprint').__version__}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"first PDF of the process (WeasyPrint import, fonts, one rendering): {cold_ms:.0f} ms "
          f"({len(first_pdf):,} bytes)")
    print(f"SQL queries to read the act's records: {len(queries.captured_queries)}")
    print()
    print(f"{'step':<10}{'lang':<6}{'p50 ms':>10}{'p90 ms':>10}{'mean ms':>10}")
    for step in ("context", "html", "pdf", "docx"):
        for lang in ("kk", "ru"):
            values = timings[(step, lang)]
            print(f"{step:<10}{lang:<6}{percentile(values, 50):>10.1f}{percentile(values, 90):>10.1f}"
                  f"{statistics.fmean(values):>10.1f}")
    print(f"{'generate':<10}{'both':<6}{percentile(generated, 50):>10.1f}{percentile(generated, 90):>10.1f}"
          f"{statistics.fmean(generated):>10.1f}   ({generate_runs} runs: kk+ru, PDF+DOCX, stored, frozen)")
    print()
    for lang, (pdf_size, docx_size) in sizes.items():
        print(f"act.{lang}: PDF {pdf_size:,} bytes, DOCX {docx_size:,} bytes")
    pdf = {lang: percentile(timings[("pdf", lang)], 50) for lang in ("kk", "ru")}
    print(f"\nact PDF render p50: kk {pdf['kk']:.0f} ms, ru {pdf['ru']:.0f} ms "
          f"(p90: kk {percentile(timings[('pdf', 'kk')], 90):.0f} ms, ru {percentile(timings[('pdf', 'ru')], 90):.0f} ms)")


if __name__ == "__main__":
    main()
