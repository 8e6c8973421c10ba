"""Coverage-guided fuzzing (atheris / libFuzzer) of the readers and the text parsers.

    python tests/fuzz/fuzz_readers.py TARGET [libFuzzer flags]     # one target, e.g.
    python tests/fuzz/fuzz_readers.py dates -max_total_time=120
    bench/fuzz.sh [SECONDS]                                        # every target, SECONDS each

Targets (tests/fuzz/targets.py): read_text, read_markdown, read_html, read_docx, read_pdf, dates,
duedates, attendance, actions. Anything raised other than a MinutebookError (or a failed span
assertion) is a crash; libFuzzer saves the input under tests/fuzz/crashes/<target>/ and
tests/test_fuzz_regressions.py replays every saved input.

Seeds come from corpus/ (whole files for the readers, lines and paragraphs for the parsers).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import atheris

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE.parent))

with atheris.instrument_imports(include=["pipeline"]):
    import pipeline.core.dates  # noqa: F401
    import pipeline.detect.actions  # noqa: F401
    import pipeline.detect.duedates  # noqa: F401
    import pipeline.extract  # noqa: F401
    import pipeline.extract.docx  # noqa: F401
    import pipeline.extract.html  # noqa: F401
    import pipeline.extract.markdown  # noqa: F401
    import pipeline.extract.pdf  # noqa: F401
    import pipeline.extract.text  # noqa: F401
    import pipeline.structure.attendance  # noqa: F401

from fuzz.targets import SEED_EXT, TARGETS, call  # noqa: E402


def seeds(target: str, out: Path, limit: int = 300) -> int:
    files = sorted(p for p in (ROOT / "corpus").rglob("*") if p.is_file() and p.stat().st_size < 2_000_000)
    n = 0
    if target in SEED_EXT:
        for p in files:
            if p.suffix.lower() in SEED_EXT[target]:
                shutil.copy(p, out / f"seed{n}{p.suffix}")
                n += 1
        return n
    for p in files:
        if p.suffix.lower() not in (".txt", ".md", ".json", ".csv"):
            continue
        text = p.read_text(encoding="utf-8", errors="replace")
        for chunk in [*text.split("\n\n")[:40], *[ln for ln in text.splitlines() if 8 < len(ln) < 300][:40]]:
            if n >= limit:
                return n
            data = chunk.encode()
            if target in ("dates", "duedates"):
                data = bytes([n % 251 + 1, n % 256]) + data
            (out / f"seed{n}").write_bytes(data)
            n += 1
    return n


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} TARGET [libFuzzer flags]; targets: {', '.join(TARGETS)}")
    target, flags = sys.argv[1], sys.argv[2:]
    crashes = HERE / "crashes" / target
    crashes.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"fuzz_{target}_"))
    print(f"{target}: {seeds(target, work)} seeds", file=sys.stderr)
    if not any(f.startswith("-max_len") for f in flags):
        flags.append("-max_len=65536" if target.startswith("read_") else "-max_len=2048")
    if not any(f.startswith("-timeout") for f in flags):
        flags.append("-timeout=20")
    if not any(f.startswith("-rss_limit_mb") for f in flags):
        flags.append("-rss_limit_mb=3072")

    def one(data: bytes) -> None:
        call(target, data)

    atheris.Setup([sys.argv[0], *flags, f"-artifact_prefix={crashes}/", str(work)], one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
