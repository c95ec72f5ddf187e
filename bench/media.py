"""Rendition time: a 24-megapixel photo and a 30-second 1080p video, generated here.

The photo (6000 x 4000, drawn with Pillow, saved as a quality-90 JPEG with EXIF) goes
through the same function the upload uses (`picture_renditions`: original, print, web,
thumbnail, watermarked preview); the video (ffmpeg's testsrc2 with a tone, H.264 + AAC)
through `video_renditions` (poster, thumbnail, web MP4, low-bitrate preview). Each is run
`--repeat` times; the median and every run are printed and saved as JSON.

    .venv/bin/python bench/media.py [--repeat 3] [--video-repeat 1]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageDraw

from newswire.media.pictures import picture_renditions
from newswire.media.renditions import MediaLimits
from newswire.media.sniff import sniff
from newswire.media.video import video_renditions

RESULTS = Path(__file__).parent / "results"


def _photo(path: Path) -> None:
    """A 6000 x 4000 picture with gradients, shapes and fine detail (so JPEG works hard)."""
    width, height = 6000, 4000
    noise = Image.effect_noise((width, height), 40).convert("RGB")
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image = Image.blend(image, noise, 0.35)
    draw = ImageDraw.Draw(image)
    for n in range(60):
        x, y = (n * 997) % width, (n * 613) % height
        draw.ellipse((x, y, x + 400, y + 300), fill=(n * 4 % 256, 120, 255 - n * 4 % 256))
    exif = Image.Exif()
    exif[270] = b"Benchmark picture"
    image.save(path, "JPEG", quality=90, exif=exif)


def _video(path: Path, seconds: int) -> None:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=25:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
         "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-shortest", str(path)],
        check=True,
    )  # fmt: skip


def _timed(run: object, repeat: int) -> list[float]:
    assert callable(run)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(round(time.perf_counter() - started, 3))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="photo runs")
    parser.add_argument("--video-repeat", type=int, default=1, help="video runs")
    parser.add_argument("--video-seconds", type=int, default=30)
    args = parser.parse_args()
    limits = MediaLimits()
    result: dict[str, object] = {
        "benchmark": "media",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {platform.python_version()}, {os.cpu_count()} cores",
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        photo = folder / "photo.jpg"
        _photo(photo)
        kind = sniff(photo.read_bytes()[:64])
        assert kind is not None

        def pictures() -> None:
            work = Path(tempfile.mkdtemp(dir=folder))
            made, _ = picture_renditions(photo, work, kind, "Bench Agency", limits.max_pixels)
            assert len(made) == 5

        times = _timed(pictures, args.repeat)
        result["photo"] = {
            "pixels": "6000x4000 (24 MP)",
            "file_bytes": photo.stat().st_size,
            "renditions": ["original", "print", "web", "thumbnail", "preview"],
            "seconds_median": statistics.median(times),
            "seconds_runs": times,
        }
        print(json.dumps(result["photo"]))
        if shutil.which("ffmpeg") is None:
            result["video"] = "skipped: ffmpeg is not installed"
        else:
            clip = folder / "clip.mp4"
            _video(clip, args.video_seconds)
            vkind = sniff(clip.read_bytes()[:64])
            assert vkind is not None

            def video() -> None:
                work = Path(tempfile.mkdtemp(dir=folder))
                made = video_renditions(clip, work, vkind, limits, "Bench Agency")
                assert len(made) == 5

            vtimes = _timed(video, args.video_repeat)
            result["video"] = {
                "source": f"{args.video_seconds} s 1920x1080 25 fps H.264 + AAC (testsrc2)",
                "file_bytes": clip.stat().st_size,
                "renditions": ["original", "poster", "thumbnail", "web", "preview"],
                "seconds_median": statistics.median(vtimes),
                "seconds_runs": vtimes,
            }
            print(json.dumps(result["video"]))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "media.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
