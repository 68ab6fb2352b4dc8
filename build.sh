#!/usr/bin/env bash
# Runbook's one entry point for people and CI.
#   ./build.sh test        install what is missing, build, run every test (unit and lab integration)
#   ./build.sh demo        run the demo migration end to end on the local lab
#   ./build.sh lab up|down start or stop the local lab (real mail and DNS servers on 127.0.0.1)
#   ./build.sh publish     the runbook to deploy: self-contained, precompiled, in .artifacts/runbook (about 2 min)
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

# publish PROJECT DIR: a self-contained build for linux-x64, every assembly (the .NET runtime's too) compiled ahead of
# time into one ReadyToRun composite image. A run of Runbook lasts seconds, and a JIT build spends much of them
# compiling: in one copy of the large bench account a third of its CPU samples were in the JIT (docs/benchmarks.md).
# Tiered compilation is off: with every method precompiled, re-compiling the hot ones at run time cost a fifth of
# Runbook's CPU in a pass over 200 small accounts, on cores it shares with the mail servers, and never paid back.
publish() {
  ensure_dotnet
  dotnet publish "$1" -c Release -r linux-x64 --self-contained true -p:PublishReadyToRun=true \
    -p:PublishReadyToRunComposite=true -p:TieredCompilation=false -o "$2" -nologo -v quiet -clp:NoSummary
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
  # publish [DIR [PROJECT]]: the bench publishes its lab tool (the floor) the same way, so both start alike.
  publish) shift; publish "${2:-src/Runbook.Cli}" "${1:-.artifacts/runbook}"; echo "build.sh: published to ${1:-.artifacts/runbook}" ;;
  bench) shift; ensure_dotnet; exec bench/bench.sh "$@" ;;
  *) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 64 ;;
esac
