#!/usr/bin/env bash
# Runbook's one entry point for people and CI.
#   ./build.sh test        install what is missing, build, run every test (unit and lab integration)
#   ./build.sh demo        run the demo migration end to end on the local lab
#   ./build.sh lab up|down start or stop the local lab (real mail and DNS servers on 127.0.0.1)
#   ./build.sh bench       Runbook against mbsync and a floor on the lab; one table (docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

die() { echo "build.sh: $*" >&2; exit 1; }

ensure_dotnet() {
  command -v dotnet >/dev/null || die "the .NET 10 SDK is required (dotnet not on PATH)"
}

build() {
  ensure_dotnet
  dotnet build Runbook.sln -c Release -nologo -clp:NoSummary -warnaserror "$@"
}

run_tests() {
  build
  [ -x lab/lab.sh ] && lab/lab.sh up
  local results="$root/.artifacts/test-results"
  rm -rf "$results"; mkdir -p "$results"
  set +e
  dotnet test Runbook.sln -c Release --no-build -nologo --logger "trx;LogFileName=tests.trx" \
    --results-directory "$results" "$@" 2>&1 | tee "$results/console.log"
  local rc=${PIPESTATUS[0]}
  set -e
  # One closing line for people and CI: "N passed, N failed, N skipped", read from the TRX counters.
  python3 - "$results" <<'PY' || echo "0 passed, 1 failed"
import glob, sys, xml.etree.ElementTree as ET
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    c = ET.parse(path).getroot().find(".//{*}Counters")
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    s += int(c.get("total", 0)) - int(c.get("executed", 0))  # skipped tests are counted as not executed
print(f"{p} passed, {f} failed, {s} skipped")
sys.exit(1 if p == 0 else 0)
PY
  return "$rc"
}

case "${1:-}" in
  test) shift; run_tests "$@" ;;
  build) shift; build "$@" ;;
  demo) shift; [ -x demo/demo.sh ] || die "the demo is not written yet"; exec demo/demo.sh "$@" ;;
  lab) shift; exec lab/lab.sh "$@" ;;
  bench) shift; ensure_dotnet; exec bench/bench.sh "$@" ;;
  *) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 64 ;;
esac
