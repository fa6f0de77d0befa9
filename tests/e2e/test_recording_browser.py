"""R4 in the browser: the courtroom console's recorder (static/courtvcs/live/recorder.js)
records two sites from Chromium's fake camera and microphone, uploads the pieces as it
goes, and the pieces stored on the server, in order, are a WebM file that ffprobe reads
with its video and audio."""

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest

from courtvcs.hearings.tests.flow import Flow
from courtvcs.live.models import Recording

pytestmark = pytest.mark.django_db(transaction=True)

FFPROBE = "/usr/bin/ffprobe"
FFMPEG = "/usr/bin/ffmpeg"

RECORD = """async ({startUrl, seconds}) => {
  const { HearingRecorder } = await import("/static/courtvcs/live/recorder.js");
  const csrfToken = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  const camera = await navigator.mediaDevices.getUserMedia(
      {audio: true, video: {width: 640, height: 480}});
  const states = [];
  const recorder = new HearingRecorder({startUrl, csrfToken, onState: (s) => states.push(s)});
  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  recorder.addStream("courtroom", camera, "Courtroom 101");
  recorder.addStream("sizo", camera, "SIZO VCS-1");
  await recorder.start();
  const third = seconds * 1000 / 3;
  await wait(third);
  recorder.removeStream("sizo");          // the site drops out ...
  await wait(third);
  recorder.addStream("sizo", camera, "SIZO VCS-1");   // ... and comes back
  await wait(third);
  const info = await recorder.stop();
  camera.getTracks().forEach((t) => t.stop());
  return {info, states};
}"""


def probe(path: Path) -> dict:
    out = subprocess.run([FFPROBE, "-v", "error", "-show_streams", "-show_format", "-of", "json",
                          str(path)], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(out.stdout)


def last_timestamp(path: Path) -> float:
    """The last packet's end, for files whose header carries no duration (MediaRecorder's)."""
    out = subprocess.run([FFPROBE, "-v", "error", "-show_entries", "packet=pts_time,duration_time",
                          "-of", "json", str(path)], capture_output=True, text=True,
                         timeout=60, check=True)
    return max((float(p["pts_time"]) + float(p.get("duration_time", 0))
                for p in json.loads(out.stdout)["packets"] if "pts_time" in p), default=0.0)


def loudest_decoded(path: Path) -> tuple[str, float]:
    """Decode the whole file: (the decoder's complaints, the audio's peak level in dB)."""
    out = subprocess.run([FFMPEG, "-hide_banner", "-nostats", "-i", str(path), "-map", "0:a",
                          "-af", "volumedetect", "-f", "null", "-"],
                         capture_output=True, text=True, timeout=120, check=True)
    peak = re.search(r"max_volume: (-?[\d.]+) dB", out.stderr)
    errors = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-f", "null", "-"],
                            capture_output=True, text=True, timeout=120).stderr
    # Under load MediaRecorder may stamp two packets alike; that is the null muxer's remark
    # on timestamps, not a decoding error: everything else counts.
    errors = "\n".join(line for line in errors.splitlines()
                       if "non monotonically increasing dts" not in line)
    return errors, float(peak.group(1)) if peak else -200.0


@pytest.mark.skipif(not Path(FFPROBE).exists(),
                    reason=f"needs ffprobe at {FFPROBE} (apt-get install ffmpeg); .ci/run installs it")
def test_r4_recorded_chunks_play_back(world, api, clock, person, settings, tmp_path):
    settings.COURTVCS_RECORDINGS_DIR = tmp_path / "recordings"
    flow = Flow(world, api, clock)
    flow.to("in_session")

    secretary = person(world.secretary, "en")
    page = secretary.go("/live/recordings/")
    result = page.evaluate(RECORD, {"startUrl": f"/live/hearings/{flow.hearing_id}/recordings/",
                                    "seconds": 12})
    info, states = result["info"], result["states"]
    assert info["status"] == "complete"
    assert states[-1] == {"recording": False, "uploadedChunks": info["chunk_count"], "pending": 0,
                          "error": None}

    recording = Recording.objects.get(pk=info["id"])
    chunks = list(recording.chunks.order_by("seq"))
    assert len(chunks) >= 2
    assert [c.seq for c in chunks] == list(range(len(chunks)))
    whole = bytearray()
    for chunk in chunks:
        data = (settings.COURTVCS_RECORDINGS_DIR / chunk.path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == chunk.sha256
        whole += data
    assert recording.sha256 == hashlib.sha256("".join(c.sha256 for c in chunks).encode()).hexdigest()

    media = tmp_path / "hearing.webm"
    media.write_bytes(whole)
    facts = probe(media)
    kinds = {s["codec_type"]: s["codec_name"] for s in facts["streams"]}
    assert kinds.get("video") in {"vp8", "vp9"}
    assert kinds.get("audio") == "opus"
    assert "webm" in facts["format"]["format_name"]
    duration = facts["format"].get("duration")
    seconds = float(duration) if duration not in (None, "N/A") else last_timestamp(media)
    assert seconds >= 8.0
    if Path(FFMPEG).exists():
        # It decodes without a complaint, and the mix carries the fake microphone's beeps.
        errors, peak = loudest_decoded(media)
        assert errors == ""
        assert peak > -30.0

    # The same file comes back from the download, as the court's staff would fetch it.
    secretary.go("/live/recordings/")
    with page.expect_download() as download_info:
        page.click(f"tr[data-recording='{recording.pk}'] a[download]")
    fetched = Path(download_info.value.path())
    assert fetched.read_bytes() == bytes(whole)
    assert download_info.value.suggested_filename.endswith(f"recording-{recording.pk}.webm")
    secretary.shot("recordings")
