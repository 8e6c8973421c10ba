"""Screenshots of the web application (``minutebook serve``) for the README: search, meeting and
theme trends, on a desktop and a phone-width (390 px) screen, in headless Debian chromium.

    python bench/web_screenshots.py --db ARCHIVE [--trends-db ARCHIVE] [--out docs/screenshots]

``--db`` should be an archive of the project's own sample minutes (``minutebook tag corpus/seed
corpus/samples --db corpus.db``); ``--trends-db`` (default: ``--db``) the archive the trends page is
drawn from, e.g. the synthetic 10,000-meeting archive of bench/bench_archive.py, whose years of
meetings make a fuller chart. Only our own sample and synthetic data appear in the pictures.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "web"))

from web_helpers import LiveServer  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
DESKTOP = {"width": 1200, "height": 860}
PHONE = {"width": 390, "height": 844}


def shrink(path: Path) -> None:
    """A 256-colour palette PNG: a third of the size, no visible loss for flat UI screenshots."""
    from PIL import Image

    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True, help="archive of the sample minutes")
    ap.add_argument("--trends-db", type=Path, help="archive for the trends page (default: --db)")
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    ap.add_argument("--query", default="funding", help="words searched in the search screenshot")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="mb-shots-")
    with sync_playwright() as pw, LiveServer(args.db) as main_srv:
        ctx = pw.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True, args=ARGS,
                                                    viewport=DESKTOP, device_scale_factor=1)
        page = ctx.new_page()
        page.goto(main_srv.url + f"/search?q={args.query}")
        href = page.locator("a.meeting-link").first.get_attribute("href")
        meeting = re.search(r"/meetings/\d+", href).group(0)
        shots = [("search", f"/search?q={args.query}", main_srv), ("meeting", meeting, main_srv)]
        if args.trends_db and args.trends_db != args.db:
            trends_srv = LiveServer(args.trends_db).__enter__()
        else:
            trends_srv = main_srv
        shots.append(("trends", "/themes?by=quarter", trends_srv))
        for name, path, srv in shots:
            for size, suffix in ((DESKTOP, ""), (PHONE, "-phone")):
                page.set_viewport_size(size)
                page.goto(srv.url + path)
                out = args.out / f"{name}{suffix}.png"
                page.screenshot(path=str(out), full_page=False)
                shrink(out)
                print(f"wrote {out} ({out.stat().st_size // 1024} KB)")
        src = page.locator("#actions a.src").first
        page.set_viewport_size(DESKTOP)
        page.goto(main_srv.url + meeting)
        if src.count():
            src.click()
            page.wait_for_selector("mark#hl")
            out = args.out / "source.png"
            page.screenshot(path=str(out))
            shrink(out)
            print(f"wrote {out} ({out.stat().st_size // 1024} KB)")
        if trends_srv is not main_srv:
            trends_srv.__exit__(None, None, None)
        ctx.close()
    shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
