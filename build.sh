#!/usr/bin/env bash
# One entry point for a fresh machine: installs the native prerequisite when missing, then builds and runs.
#   ./build.sh demo [options]   the Fashion-MNIST demo: pretrain AAVAE on Fashion-MNIST, linear probe, report
#                               (see README)
#   ./build.sh test             check line lengths, then restore, build and run every test project
#   ./build.sh bench [options]  training-step and embedding throughput figures (train --compare-pytorch: PyTorch
#                               side by side, installing Debian 13's python3-torch when missing)
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

command="${1:-}"
[ $# -gt 0 ] && shift

# The suite fails first, before anything is built, when a source line is longer than .editorconfig's 120 characters;
# the check lists every such line as FILE:LINE:LENGTH.
if [ "$command" = test ]; then bash scripts/check-line-length.sh; fi

bash scripts/ensure-native-prereqs.sh
case "$command" in test|demo) bash scripts/ensure-datasets.sh ;; esac

case "$command" in
  test)
    # Test projects run in parallel processes; libtorch's OpenMP threads spin while waiting, so two 2-thread
    # processes on two cores slow each other down many times over. One OpenMP thread per test process avoids that.
    export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
    log="$(mktemp)"
    set +e
    dotnet test AavaeMlNet.sln -c Release "$@" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    # One plain closing line for the whole suite, summed over the test projects; a test host that crashed is named.
    awk '/Test Run Aborted/ { a++ }
         /(Passed|Failed)! +- +Failed: / {
           gsub(",", "")
           for (i = 1; i <= NF; i++) {
             if ($i == "Failed:") f += $(i+1)
             if ($i == "Passed:") p += $(i+1)
             if ($i == "Skipped:") s += $(i+1)
           } }
         END { printf "%d passed, %d failed, %d skipped%s\n", p, f, s,
                      a ? sprintf(", %d test run(s) aborted (a test host crashed)", a) : "" }' "$log"
    rm -f "$log"
    exit "$status"
    ;;
  bench)
    case " $* " in *" --compare-pytorch "*) bash scripts/ensure-pytorch.sh ;; esac
    dotnet run -c Release --project src/AavaeMlNet.Bench -- "$@"
    ;;
  demo)
    dotnet run -c Release --project src/AavaeMlNet.Cli -- demo "$@"
    ;;
  *)
    echo "usage: ./build.sh {demo|test|bench} [options]" >&2
    exit 2
    ;;
esac
