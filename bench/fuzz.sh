#!/usr/bin/env bash
# Fuzz every reader and parser target for SECONDS each (default 120) with atheris.
#   bench/fuzz.sh [SECONDS] [TARGET...]
# Crashing inputs land in tests/fuzz/crashes/<target>/; tests/test_fuzz_regressions.py replays them.
set -u
cd "$(dirname "$0")/.."
PY=${PY:-/work/venv/bin/python}
SECS=${1:-120}; shift || true
TARGETS=${*:-read_text read_markdown read_html read_docx read_pdf dates duedates attendance actions}
status=0
for t in $TARGETS; do
  echo "== $t ($SECS s)"
  "$PY" tests/fuzz/fuzz_readers.py "$t" -max_total_time="$SECS" -print_final_stats=1 2>&1 \
    | grep -E "^(==|#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss|.*Uncaught|.*Error|.*crash-|Traceback)" | head -20
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done
ls -R tests/fuzz/crashes 2>/dev/null
exit $status
