"""How long the server's recording takes to become WebM files (R4, Janus plane).

Records `--sites` Chromium publishers (fake camera 320x240 at 15 fps and microphone) for
`--seconds` in a recorded VideoRoom of a Janus started here (tests/e2e/janus_publish.py), then
converts each feed as the task does (`server_recording.convert_feed`: janus-pp-rec for audio
and video, ffmpeg mux, ffprobe check) and hashes it, and prints per feed: the .mjr size, the
WebM size, the wall time and the CPU time the tools used. No database is touched.

    .venv/bin/python bench/server_recording_bench.py --sites 2 --seconds 60
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courtvcs.settings")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60.0)
    options = parser.parse_args()

    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    from courtvcs.live.services import server_recording
    from tests.e2e.janus_publish import JanusServer

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rec_dir = work / "rec"
        with JanusServer(work / "janus") as janus, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--no-sandbox", "--disable-gpu"])
            janus.record_room(browser, rec_dir, seconds=options.seconds,
                              sites=[f"site-{n}" for n in range(options.sites)])
            browser.close()
        feeds = server_recording.collect_feeds(rec_dir, {})
        print(f"{len(feeds)} feeds recorded for {options.seconds:.0f} s "
              f"({options.sites} sites, 320x240 15 fps VP8 + Opus)")
        print(f"{'feed':>18} {'mjr KB':>8} {'webm KB':>8} {'media s':>8} {'wall s':>7} "
              f"{'tool CPU s':>10} {'x realtime':>10}")
        total_wall = total_cpu = total_media = 0.0
        for feed in feeds:
            out = work / f"out-{feed.feed_id}"
            out.mkdir()
            cpu0, wall0 = children_cpu(), time.perf_counter()
            made = server_recording.convert_feed(feed, out)
            server_recording._sha256_file(made["path"])
            wall, cpu = time.perf_counter() - wall0, children_cpu() - cpu0
            mjr = sum(p.stat().st_size for p in feed.files) / 1024
            webm = made["path"].stat().st_size / 1024
            total_wall, total_cpu, total_media = (total_wall + wall, total_cpu + cpu,
                                                  total_media + made["duration"])
            print(f"{feed.feed_id:>18} {mjr:8.0f} {webm:8.0f} {made['duration']:8.1f} "
                  f"{wall:7.2f} {cpu:10.2f} {made['duration'] / wall:10.0f}")
        print(f"all: {total_media:.1f} s of media converted in {total_wall:.2f} s wall, "
              f"{total_cpu:.2f} s CPU ({total_media / max(total_wall, 1e-9):.0f}x realtime)")


if __name__ == "__main__":
    main()
