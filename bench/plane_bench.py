"""Media planes benchmark: join time and CPU per stream of a hearing's call held browser to
browser (mesh) and through the Janus SFU (janus), with 2 sites (courtroom + detention centre)
and with 6 sites (courtroom + detention centre + 4 mobile-VCS participants).

Headless Chromium (/usr/bin/chromium, fake camera and microphone) driven by Playwright
against courtvcs served by uvicorn in this process (tests/e2e/live.py: AsgiServer), on a
fresh SQLite file, var/bench/plane_bench.sqlite3, with the in-memory channel layer; for the
janus plane a real Janus started from the shipped configuration (tests/janus.py:
JanusProcess). A script like bench/live_call_bench.py (not a pytest run), so that it can
start a fresh Chromium for every run and count that browser's processes only.

    .venv/bin/python bench/plane_bench.py [--planes mesh,janus] [--sizes 2,4,6] [--runs 3]
                                          [--steady 20] [--give-up 90] [--video-6 WxH]

Every run: one hearing brought to "ready" through the API (booked, decided, agreed, tested,
letters sent; R10-R15), its mobile participants already admitted (an identity check recorded
as the secretary would, R20, so that they join with the others); one new Chromium, a browser
context per site: the secretary's hearing console (the courtroom's terminal), the detention
centre officer's room page, and each mobile participant's personal link (pre-call checks,
then the waiting room). When every page has had the room's welcome, the secretary clicks
"connect" on the console (R15), and:

  join    from that click (the page's Date.now()) to the moment every page decodes video
          from every other site: each page polls its room's getStats (window.courtvcsLive
          .inbound(), what the browser tests read) every 100 ms and keeps, per remote site,
          when framesDecoded was first above 0. A run whose pages do not all decode each
          other within --give-up seconds says how many of the n*(n-1) site pairs did (a
          pair: page A decodes site B) and is measured on anyway.
  CPU     then --steady seconds of call (the pages stop polling first): the CPU time
          (utime + stime, /proc/<pid>/stat) of every Chromium process of the run's browser
          (all descendants of this process whose name contains "chrom": browser, GPU,
          utility and renderer processes), of the Janus process, and of this process (the
          uvicorn server, its signalling, and Playwright's client), each divided by the
          window (cores busy). Per stream: (Chromium + Janus) / window / streams, with
          streams counted as a site's audio+video sent to one place: mesh n*(n-1) (each site
          sends its own stream to each other site), janus n published + n*(n-1) subscribed
          (each site sends one stream to Janus, Janus sends each site the n-1 others).
          The decoded frame rate of every pair over the window shows the video did flow.

The hearing stays "connected", not in session, so the courtroom console does not record
(R4); Janus records its rooms (COURTVCS_JANUS_RECORD, on by default as deployed). For the
mesh with 6 sites COURTVCS_P2P_MAX_SITES is raised to 6 (deployed it is 4, and such a
hearing goes through Janus). The room page asks the camera for 640x360 whatever the number of
sites (static/courtvcs/live/room.js); it has no setting for a smaller picture. --video-6 WxH
makes the 6-site runs' pages ask for WxH instead (a wrapper of getUserMedia put in by this
script, which users' pages do not have); by default the 6-site runs use 640x360 as users do.
"""

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
import live_call_bench as lcb  # noqa: E402 - session cookies, the real clock, percentiles

VAR = REPO / "var" / "bench"
DB = VAR / "plane_bench.sqlite3"
RECORDINGS = VAR / "plane_bench_recordings"
JANUS_RECORDINGS = VAR / "plane_bench_janus_recordings"
POLL_MS = 100
TICK = os.sysconf("SC_CLK_TCK")

# Put in every page before its own scripts: when each remote site's video was first decoded.
FIRST_FRAMES = """
(() => {
  if (window.__plane) return;
  const b = window.__plane = { first: {}, stop: false, polls: 0 };
  const tick = async () => {
    if (b.stop) return;
    const live = window.courtvcsLive;
    if (live && live.plane) {
      try {
        const links = await live.inbound();
        const now = Date.now();
        for (const v of Object.values(links)) {
          if (v.framesDecoded > 0 && !(v.site in b.first)) b.first[v.site] = now;
        }
      } catch { /* a link closed meanwhile */ }
    }
    b.polls += 1;
    setTimeout(tick, %d);
  };
  setTimeout(tick, %d);
})();
""" % (POLL_MS, POLL_MS)

SMALLER_CAMERA = """
(() => {
  const md = navigator.mediaDevices;
  if (!md || !md.getUserMedia) return;
  const gum = md.getUserMedia.bind(md);
  md.getUserMedia = (c) => gum(c && c.video ? { ...c, video: { width: %d, height: %d } } : c);
})();
"""


# --- the hearings ----------------------------------------------------------------------------------
def participants(world, sites: int) -> list[dict]:
    """The detention centre's defendant, and a mobile participant for each site beyond two."""
    people = [{"full_name": "Серіков Асқар", "procedural_role": "defendant", "mode": "remote_site",
               "remote_endpoint_id": world.sizo_room.pk}]
    for n in range(sites - 2):
        people.append({"full_name": f"Куәгер {n + 1}", "procedural_role": "witness", "mode": "mobile_vcs",
                       "phone": f"+7 701 000 00 2{n}"})
    return people


def prepare(plan: list[int]):
    """Django on a fresh SQLite file, the test country, and a hearing brought to "ready" for
    each entry of `plan` (its number of sites), in one-hour slots, in the order given."""
    VAR.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    for folder in (RECORDINGS, JANUS_RECORDINGS):
        shutil.rmtree(folder, ignore_errors=True)
    os.environ.update(DATABASE_URL=f"sqlite:///{DB}", DJANGO_SETTINGS_MODULE="courtvcs.settings",
                      EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
                      COURTVCS_RECORDINGS_DIR=str(RECORDINGS), COURTVCS_JANUS_RECORDINGS_DIR=str(JANUS_RECORDINGS),
                      DJANGO_ALLOW_ASYNC_UNSAFE="true")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    import time_machine
    from django.conf import settings
    from django.core.management import call_command

    from conftest import ApiClient
    from courtvcs.hearings.tests.flow import Flow
    from courtvcs.hearings.tests.world import NOW, build_world
    from courtvcs.orgs.tests.factories import verify_forced_logins

    verify_forced_logins()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    clock = time_machine.travel(NOW, tick=False).start()
    world = build_world()
    flows = []
    for n, sites in enumerate(plan):
        starts_at = dt.datetime.combine(NOW.date() + dt.timedelta(days=2 + n // len(lcb.SLOT_HOURS)),
                                        dt.time(lcb.SLOT_HOURS[n % len(lcb.SLOT_HOURS)]), NOW.tzinfo)
        flow = Flow(world, ApiClient, clock, starts_at=starts_at, participants=participants(world, sites))
        flow.book(duration_minutes=60)
        flow.decide()
        flow.agree()
        flow.request_tests()
        flows.append(flow)
    for flow in flows:  # in the order of their slots: the clock only moves forward
        tested_at = flow.starts_at - dt.timedelta(days=1, minutes=30)
        # The technician signs in just before: a staff session ends after 30 idle minutes.
        clock.move_to(tested_at - dt.timedelta(minutes=10))
        flow.pass_tests(when=tested_at)
        flow.send_letters()
    return world, clock, flows


# --- CPU time from /proc -----------------------------------------------------------------------------
def processes() -> dict[int, tuple[int, str, int, int]]:
    """pid -> (parent pid, name, CPU ticks used (user + system), start time) of every process."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                raw = f.read()
        except OSError:  # gone meanwhile
            continue
        comm, rest = raw[raw.index("(") + 1:raw.rindex(")")], raw[raw.rindex(")") + 2:].split()
        out[int(name)] = (int(rest[1]), comm, int(rest[11]) + int(rest[12]), int(rest[19]))
    return out


def chromium_ticks(table) -> dict[tuple[int, int], int]:
    """(pid, start time) -> CPU ticks of each Chromium process below this one."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, *_rest) in table.items():
        children.setdefault(ppid, []).append(pid)
    todo, out = list(children.get(os.getpid(), [])), {}
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        _ppid, comm, ticks, start = table[pid]
        if "chrom" in comm.lower():
            out[(pid, start)] = ticks
    return out


def machine_busy() -> float:
    """Seconds of CPU the whole machine has been busy (all cores, /proc/stat)."""
    with open("/proc/stat") as f:
        # user nice system idle iowait irq softirq steal (guest time is inside user already)
        fields = [int(v) for v in f.readline().split()[1:9]]
    return (sum(fields) - fields[3] - fields[4]) / TICK


class CpuWindow:
    def __init__(self, janus_pid: int | None):
        self.janus_pid = janus_pid

    def sample(self) -> dict:
        table = processes()
        own = os.times()
        return {"at": time.monotonic(), "chromium": chromium_ticks(table),
                "janus": table[self.janus_pid][2] if self.janus_pid in table else 0,
                "server": own.user + own.system, "machine": machine_busy()}

    @staticmethod
    def cores(a: dict, b: dict) -> dict:
        """Cores busy on average between two samples, by part."""
        seconds = b["at"] - a["at"]
        chromium = sum(t - a["chromium"].get(key, 0) for key, t in b["chromium"].items()) / TICK
        return {"seconds": seconds, "processes": len(b["chromium"]),
                "chromium": chromium / seconds, "janus": (b["janus"] - a["janus"]) / TICK / seconds,
                "server": (b["server"] - a["server"]) / seconds,
                "machine": (b["machine"] - a["machine"]) / seconds}


def streams(plane: str, n: int) -> int:
    return n * (n - 1) + (n if plane == "janus" else 0)


# --- one run ---------------------------------------------------------------------------------------
def open_pages(browser, server, world, hearing, video: str | None, notes: list) -> dict:
    """Every site's page, each in its own browser context, waiting for the court's connect.
    The pages' errors and warnings go to `notes`, printed for a run that did not join."""
    from courtvcs import kztime
    from courtvcs.hearings.models import AttendanceCheck
    from courtvcs.live.services.mobile import issue_link, link_path

    def context(user=None):
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
        ctx.set_default_timeout(60_000)
        ctx.add_init_script(FIRST_FRAMES)
        if video:
            ctx.add_init_script(SMALLER_CAMERA % tuple(int(v) for v in video.split("x")))
        if user is not None:
            ctx.add_cookies([{"name": "sessionid", "value": lcb.session_cookie(user), "url": server.url}])
        return ctx

    def page_of(tag, ctx):
        page = ctx.new_page()

        def on_console(m):
            if m.type in ("error", "warning"):
                notes.append(f"[{tag}] {m.type}: {m.text}")
        page.on("console", on_console)
        page.on("pageerror", lambda e: notes.append(f"[{tag}] page error: {e}"))
        pages[tag] = page
        return page

    pages = {}
    page_of("courtroom", context(world.secretary))
    pages["courtroom"].goto(f"{server.url}/hearings/{hearing.pk}/")
    pages["courtroom"].wait_for_selector("[data-live][data-status=ready]")
    site = page_of(f"remote-{hearing.remote_sites.get().pk}", context(world.officer))
    site.goto(f"{server.url}/live/hearings/{hearing.pk}/site/")
    for participant in hearing.participants.filter(mode="mobile_vcs"):
        # R20 done beforehand, so that the participant joins with the others on "connect".
        AttendanceCheck.objects.create(hearing=hearing, participant=participant, checked_by=world.secretary,
                                       checked_by_org=hearing.court, checked_at=kztime.now(),
                                       document="ID 012345678", result="admitted")
        _link, token = issue_link(actor=world.secretary, hearing_id=hearing.pk, participant_id=participant.pk)
        page = page_of(f"mobile-{participant.pk}", context())
        page.goto(server.url + link_path(token))
        page.click("#continue")
    for page in pages.values():
        page.wait_for_selector("[data-live][data-live=no]")
        lcb.wait(page, lambda page=page: page.evaluate("() => !!(window.courtvcsLive && courtvcsLive.welcome)"),
                 60, "the room's welcome")
    return pages


def decoded(pages: dict) -> dict[str, dict[str, float]]:
    """Per page, when it first decoded each other site (Date.now() ms)."""
    out = {}
    for site, page in pages.items():
        try:
            out[site] = page.evaluate("() => window.__plane.first")
        except Exception:  # noqa: BLE001 - a page that broke decodes nothing
            out[site] = {}
    return out


def frames(pages: dict) -> dict[tuple[str, str], tuple[int, float]]:
    """Per pair, the frames decoded so far and when that was read. Reading six loaded pages
    one after the other takes seconds: each pair's rate is over its own interval."""
    from tests.e2e.test_live_call_browser import inbound

    out = {}
    for site, page in pages.items():
        try:
            links = inbound(page)
            read_at = time.monotonic()
            for other, link in links.items():
                out[(site, other)] = (link["framesDecoded"], read_at)
        except Exception:  # noqa: BLE001
            continue
    return out


def one_run(ctx, plane: str, n: int, flow, args) -> dict:
    from django.conf import settings

    from courtvcs.hearings.models import Hearing
    from tests.e2e.live import LIVE_CHROMIUM_ARGS

    if plane == "janus":
        settings.COURTVCS_MEDIA_PLANE = "janus"
        settings.COURTVCS_JANUS_SERVERS = [ctx["janus"].entry()]
    else:
        settings.COURTVCS_MEDIA_PLANE = "mesh"
        settings.COURTVCS_JANUS_SERVERS = []
        settings.COURTVCS_P2P_MAX_SITES = max(4, n)
    ctx["clock"].move_to(flow.starts_at - dt.timedelta(minutes=25))  # inside the window (R15)
    hearing = Hearing.objects.get(pk=flow.hearing_id)
    browser = ctx["pw"].chromium.launch(executable_path=lcb.CHROMIUM, args=LIVE_CHROMIUM_ARGS)
    result = {"plane": plane, "sites": n, "pairs": n * (n - 1), "decoded": 0, "join": None,
              "version": browser.version, "notes": []}
    try:
        pages = open_pages(browser, ctx["server"], ctx["world"], hearing, args.video_6 if n == 6 else None,
                           result["notes"])
        time.sleep(1.0)  # every page loaded and quiet
        clicked = pages["courtroom"].evaluate("""() => { const at = Date.now();
            document.querySelector("form[data-action=connect] button").click(); return at; }""")
        deadline = time.monotonic() + args.give_up
        while True:
            first = decoded(pages)
            got = [t for site, seen in first.items() for other, t in seen.items()
                   if other != site and other in pages]
            if len(got) == result["pairs"] or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        result["decoded"] = len(got)
        if len(got) == result["pairs"]:
            result["join"] = (max(got) - clicked) / 1000
        result["missing"] = sorted(f"{site}<-{other}" for site in pages for other in pages
                                   if other != site and other not in first.get(site, {}))
        for page in pages.values():
            try:
                page.evaluate("() => { window.__plane.stop = true; }")
            except Exception:  # noqa: BLE001 - a page that broke polls nothing
                pass
        before_frames = frames(pages)
        window = CpuWindow(ctx["janus"].proc.pid if plane == "janus" else None)
        start = window.sample()
        time.sleep(args.steady)
        end = window.sample()
        after_frames = frames(pages)
        cores = result["cores"] = CpuWindow.cores(start, end)
        result["fps"] = sorted((after_frames[k][0] - before_frames[k][0]) / (after_frames[k][1] - before_frames[k][1])
                               for k in after_frames if k[0] != k[1] and k in before_frames)
        result["streams"] = streams(plane, n)
        result["per_stream"] = (cores["chromium"] + cores["janus"]) / result["streams"]
    except Exception as exc:  # noqa: BLE001 - reported with the figures; the next run goes on
        result["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    finally:
        try:
            browser.close()
        except Exception:  # noqa: BLE001 - a browser that died is closed enough
            pass
    result["load"] = os.getloadavg()[0]
    return result


# --- printing ------------------------------------------------------------------------------------------
def pct_core(v) -> str:
    return "    -" if v is None else f"{100 * v:5.1f}"


def run_line(r: dict, label: str) -> str:
    if "cores" not in r:
        return f"{label}: failed: {r.get('error', '?')}"
    c = r["cores"]
    join = f"{r['join']:.2f} s" if r["join"] is not None else f"no: {r['decoded']}/{r['pairs']} pairs decoded"
    fps = r["fps"]
    return (f"{label}: join {join}; {c['seconds']:.1f} s steady: chromium {c['chromium']:.2f} cores"
            f" ({c['processes']} processes), janus {c['janus']:.2f}, server {c['server']:.2f},"
            f" machine {c['machine']:.2f}; {r['streams']} streams, {100 * r['per_stream']:.1f} % of a core"
            f" per stream; decoded fps per pair min {min(fps, default=0):.1f} median"
            f" {statistics.median(fps) if fps else 0:.1f}; load {r['load']:.1f}"
            + (f"; {r['error']}" if "error" in r else ""))


def summary(results: list[dict], planes, sizes) -> None:
    print(f"\n{'plane':<6} {'sites':>5} {'runs':>4} {'all decoded':>11} {'join median':>11}"
          f" {'join max':>8} {'pairs decoded':>14} {'streams':>7} {'chromium':>8} {'janus':>6}"
          f" {'server':>6} {'machine':>7} {'% core/stream':>13}")
    for size in sizes:
        for plane in planes:
            rs = [r for r in results if r["plane"] == plane and r["sites"] == size]
            if not rs:
                continue
            ok = [r["join"] for r in rs if r["join"] is not None]
            measured = [r for r in rs if "cores" in r]

            def med(key, measured=measured):
                vals = [r["cores"][key] for r in measured]
                return f"{statistics.median(vals):.2f}" if vals else "-"
            per = [r["per_stream"] for r in measured]
            print(f"{plane:<6} {size:>5} {len(rs):>4} {len(ok):>5}/{len(rs):<5}"
                  f" {f'{statistics.median(ok):.2f} s' if ok else '-':>11}"
                  f" {f'{max(ok):.2f} s' if ok else '-':>8}"
                  f" {','.join(str(r['decoded']) for r in rs) + '/' + str(rs[0]['pairs']):>14}"
                  f" {streams(plane, size):>7} {med('chromium'):>8}"
                  f" {med('janus') if plane == 'janus' else '-':>6} {med('server'):>6} {med('machine'):>7}"
                  f" {f'{100 * statistics.median(per):.1f}' if per else '-':>13}")
    print("  cores: CPU seconds per second of the steady window, median of the runs (chromium: all"
          " the run's Chromium processes; server: this process, uvicorn and Playwright's client;"
          " machine: the whole machine, other work included)\n  % core/stream: (chromium + janus)"
          " / streams, median of the runs; streams: mesh n(n-1), janus n + n(n-1)")


# --- main ------------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--planes", default="mesh,janus")
    parser.add_argument("--sizes", default="2,6")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--steady", type=float, default=20.0, help="seconds of CPU measurement")
    parser.add_argument("--give-up", type=float, default=90.0,
                        help="seconds after the click before a run counts as not all decoded")
    parser.add_argument("--video-6", default=None, metavar="WxH",
                        help="the camera size the 6-site runs' pages ask for (default: as the page, 640x360)")
    args = parser.parse_args()
    planes = [p for p in args.planes.split(",") if p]
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if not set(planes) <= {"mesh", "janus"} or not set(sizes) <= {2, 3, 4, 5, 6}:
        sys.exit("--planes: mesh and/or janus; --sizes: from 2 to 6 (4 is the mesh's limit)")
    if not Path(lcb.CHROMIUM).exists():
        sys.exit(f"needs Chromium at {lcb.CHROMIUM} (apt-get install chromium)")
    order = [(plane, size) for _run in range(args.runs) for size in sizes for plane in planes]
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC; load {open('/proc/loadavg').read().strip()};"
          f" {os.cpu_count()} CPUs", flush=True)
    t0 = time.monotonic()
    world, clock, flows = prepare([size for _plane, size in order])
    print(f"seeded {len(flows)} hearings in {time.monotonic() - t0:.1f} s", flush=True)

    from playwright.sync_api import sync_playwright

    from tests.e2e.live import AsgiServer
    from tests.janus import JanusProcess

    janus = JanusProcess().start() if "janus" in planes else None
    server = AsgiServer().start()
    results = []
    try:
        with sync_playwright() as pw:
            ctx = {"pw": pw, "server": server, "world": world, "clock": clock, "janus": janus}
            for i, ((plane, size), flow) in enumerate(zip(order, flows, strict=True)):
                r = one_run(ctx, plane, size, flow, args)
                results.append(r)
                print(run_line(r, f"{plane} {size} sites, run {i // (len(planes) * len(sizes)) + 1}"),
                      flush=True)
                if r["join"] is None:
                    if r.get("missing"):
                        print(f"  not decoded (page<-site): {', '.join(r['missing'])}", flush=True)
                    for line in r["notes"][-12:]:
                        print(f"  {line[:300]}", flush=True)
    finally:
        server.stop()
        if janus is not None:
            janus.stop()
    version = next((r["version"] for r in results), "?")
    print(f"\nmedia planes: headless Chromium {version} (a new one per run, a context per site), fake"
          f" camera {args.video_6 or '640x360'} for 6 sites / 640x360 for 2, uvicorn in this process,"
          f" SQLite; join from the click on 'connect' to every page decoding every other site;"
          f" {args.steady:g} s steady window;"
          f" {time.strftime('%H:%M:%S', time.gmtime(lcb.wall_ms() / 1000))} UTC; load"
          f" {open('/proc/loadavg').read().strip()}")
    summary(results, planes, sizes)


if __name__ == "__main__":
    main()
