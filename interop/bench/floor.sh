#!/usr/bin/env bash
# What a fan-out costs in CPU per delivered GB at the least, in rtmp-server's design (each player's
# own writer thread, woken for each message) and in nginx-rtmp's (the publishing thread writes every
# player's socket itself), with no RTMP in either: the FanOutFloor tool. The ratio is what waking a
# writer for every message and player costs, however lean the server around it; fanout.sh measures
# the servers themselves. Needs target/rtmp-server-tools.jar (mvn package).
#
#   interop/bench/floor.sh [PLAYERS...]        (default: 200 500 800)
#
# Environment: FLOOR_ROUNDS (3 runs of each design per count), FLOOR_SECONDS (15 measured).
set -u
cd "$(dirname "$0")/../.."
if [ $# -gt 0 ]; then COUNTS=("$@"); else COUNTS=(200 500 800); fi
for n in "${COUNTS[@]}"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [PLAYERS...]   (player counts, e.g. 200 500)"; exit 2; }
done
. interop/bench/common.sh
require_build
MAX_PLAYERS=$(printf '%s\n' "${COUNTS[@]}" | sort -n | tail -1)
need_open_files $((MAX_PLAYERS + 256))
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
# The launcher's environment too: two malloc arenas.
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
TRIM=
[ "$(java_feature "$JAVA")" -ge 22 ] && TRIM=-XX:TrimNativeHeapInterval=2000
for n in "${COUNTS[@]}"; do
    # With the JVM options bin/rtmp-server gives the server; each run's JVM inherits them.
    "$JAVA" @src/main/dist/lib/jvm.options $TRIM -cp "$TOOLS" dev.rtmpserver.tools.FanOutFloor "$n" "${FLOOR_ROUNDS:-3}" "${FLOOR_SECONDS:-15}" || exit 1
done
