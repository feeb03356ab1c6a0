#!/usr/bin/env bash
# Soak: rtmp-server under steady load plus churn, a stalled player and a flood of garbage, for
# SOAK_SECONDS (default 600). Prints the server's RSS, thread count and open file descriptors at
# the start and the end; after the load they must come back to (near) the start.
#
#   interop/bench/soak.sh            needs the server and tools jars (mvn package)
#
# Load: FanOut's synthetic 2.5 Mbit/s stream with 50 players; a player that connects, plays for
# about a second and leaves, over and over; one player that never reads; and every 100 ms a
# connection that sends garbage instead of a handshake.
set -u
cd "$(dirname "$0")/../.."
SECONDS_TOTAL=${SOAK_SECONDS:-600}
. interop/bench/common.sh
require_build
start_work soak

PORT=$(free_port)
# Periodic G1 collections hand unused heap back to the OS, so RSS can show whether memory came back.
"$JAVA" -Xmx1g -XX:G1PeriodicGCInterval=2000 -jar "$JAR" --bind 127.0.0.1 --port "$PORT" --http-port off --player-max-lag 10s \
    >"$WORK/server.log" 2>&1 &
SERVER=$!
PIDS+=("$SERVER")
sleep 2
URL="rtmp://127.0.0.1:$PORT/live/soak"
# FanOut publishes KEY-0 .. KEY-(M-1); with one stream that is soak-0.
STREAM_URL="$URL-0"

stats() { # label
    local rss threads fds
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER/status")
    threads=$(awk '/Threads/ {print $2}' "/proc/$SERVER/status")
    fds=$(ls "/proc/$SERVER/fd" | wc -l)
    printf '%-8s RSS %6d KB   threads %4d   open fds %5d\n' "$1" "$rss" "$threads" "$fds"
}
stats start | tee "$WORK/stats.txt"

"$JAVA" -cp "$TOOLS" dev.rtmpserver.tools.FanOut --url "$URL" --players 50 --seconds "$SECONDS_TOTAL" \
    --warmup-seconds 3 --server-pid "$SERVER" >"$WORK/fanout.log" 2>&1 &
LOAD=$!
PIDS+=("$LOAD")
sleep 5
"$JAVA" -cp "$TOOLS" dev.rtmpserver.tools.StalledPlayer "$STREAM_URL" "$SECONDS_TOTAL" >"$WORK/stalled.log" 2>&1 &
STALLED=$!
PIDS+=("$STALLED")

END=$((SECONDS + SECONDS_TOTAL - 10))
churn=0
garbage=0
while [ $SECONDS -lt $END ]; do
    timeout 5 "$JAVA" -cp "$TOOLS" dev.rtmpserver.tools.FirstFrame "$STREAM_URL" >/dev/null 2>&1 && churn=$((churn + 1))
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        { exec 3<>"/dev/tcp/127.0.0.1/$PORT" && printf 'GET / HTTP/1.1\r\n\r\n' >&3 && exec 3>&-; } 2>/dev/null \
            && garbage=$((garbage + 1))
        sleep 0.1
    done
done
wait "$LOAD"
load_status=$?
kill "$STALLED" 2>/dev/null
# Let the server notice the departures and the periodic GC run before the second reading.
sleep 10
stats end | tee -a "$WORK/stats.txt"
echo "churn plays: $churn   garbage connections: $garbage   FanOut exit status: $load_status"
grep -E '^RESULT' "$WORK/fanout.log" || tail -5 "$WORK/fanout.log"
echo "server warnings/errors: $(grep -cE ' (WARN|ERROR) ' "$WORK/server.log")   logs: $WORK"
