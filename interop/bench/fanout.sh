#!/usr/bin/env bash
# Fan-out load, side by side in one run: rtmp-server at three player write delays (0, its default,
# 350 ms), nginx-rtmp, and SRS at its defaults and with min_latency on. For each player count and
# round, the FanOut tool (dev.rtmpserver.tools.FanOut) publishes a synthetic stream and plays it
# with that many players against each server in turn (the order rotates), with the same parameters.
# Needs mvn package (the installation and target/rtmp-server-tools.jar), nginx with
# libnginx-mod-rtmp (apt-get install nginx libnginx-mod-rtmp) and SRS (../shared/peers/srs, see
# its README; FANOUT_SRS=off leaves it out).
#
#   interop/bench/fanout.sh [PLAYERS...]          (default: 200 500 1000)
#
# Environment: FANOUT_ROUNDS (2), FANOUT_SECONDS (measured window, 15), FANOUT_WARMUP (3),
# FANOUT_STREAMS (1), FANOUT_PRIME_PLAYERS (200, players of the unreported warm-up runs),
# FANOUT_BITRATE_KBPS (2500), FANOUT_FPS (25), FANOUT_GOP_SECONDS (2), CLIENT_HEAP (2g),
# SRS_DIR (../shared/peers/srs).
#
# Everything shares this machine's CPUs: the table shows the load client's CPU and how busy the
# machine was, so a run limited by the client rather than the server can be told apart.
set -u
cd "$(dirname "$0")/../.."
if [ $# -gt 0 ]; then COUNTS=("$@"); else COUNTS=(200 500 1000); fi
for n in "${COUNTS[@]}"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [PLAYERS...]   (player counts, e.g. 200 500)"; exit 2; }
done
ROUNDS=${FANOUT_ROUNDS:-2}
WINDOW=${FANOUT_SECONDS:-15}
WARMUP=${FANOUT_WARMUP:-3}
STREAMS=${FANOUT_STREAMS:-1}
BITRATE=${FANOUT_BITRATE_KBPS:-2500}
FPS=${FANOUT_FPS:-25}
GOP=${FANOUT_GOP_SECONDS:-2}
CLIENT_HEAP=${CLIENT_HEAP:-2g}
SRS_DIR=${SRS_DIR:-../shared/peers/srs}
. interop/bench/common.sh
require_build installed
require_nginx
command -v python3 >/dev/null && command -v ss >/dev/null || { echo "needs python3 and ss (iproute2)"; exit 1; }
WITH_SRS=yes
if [ "${FANOUT_SRS:-on}" = off ]; then
    WITH_SRS=no
elif [ ! -x "$SRS_DIR/run-srs.sh" ]; then
    echo "no SRS at $SRS_DIR (set SRS_DIR, or FANOUT_SRS=off to leave it out)"; exit 1
fi

# Every player is a socket in the client and in the server; ask for room for the largest count.
MAX_PLAYERS=$(printf '%s\n' "${COUNTS[@]}" | sort -n | tail -1)
NEED_FDS=$((MAX_PLAYERS * 2 + STREAMS * 2 + 256))
need_open_files "$NEED_FDS"
start_work fanout

wait_listening() { # port pid name
    for _ in $(seq 50); do
        kill -0 "$2" 2>/dev/null || { echo "$3 exited at start; its log:"; cat "$WORK/$3.log"; exit 1; }
        listening "$1" && return 0
        sleep 0.2
    done
    echo "$3 is not listening on 127.0.0.1:$1 after 10 s"; exit 1
}

# All players come from 127.0.0.1: lift the server's connection limits above the largest count,
# or the benchmark would measure the limit.
LIMITS=(--max-connections "$((MAX_PLAYERS + STREAMS + 64))" --max-connections-per-ip "$((MAX_PLAYERS + STREAMS + 64))")
DEFAULT_DELAY=$("$JAVA" -jar "$JAR" --help 2>&1 | sed -n '/--player-write-delay/,/Default:/ s/.*Default: \([^ .]*\).*/\1/p' | head -1)

# TARGETS: "label port pid" of every server, in the order of the first round.
TARGETS=()
# The installation as shipped, with its launcher's JVM options. GC pauses are logged so that a
# latency spike can be told apart from one the server caused itself.
start_ours() { # label delay
    local label=$1 port
    port=$(free_port)
    JAVA_OPTS="-Xlog:gc:file=$WORK/$label-gc.log:time,uptime" "$SERVER" --http-port off --bind 127.0.0.1 \
        --port "$port" "${LIMITS[@]}" ${2:+--player-write-delay "$2"} >"$WORK/$label.log" 2>&1 &
    PIDS+=("$!")
    TARGETS+=("$label $port $!")
}
start_ours ours-0 0
start_ours ours-default ""
start_ours ours-350 350ms
NGINX_PORT=$(free_port)
start_nginx "$WORK/nginx" "$NGINX_PORT" "$NEED_FDS"
PIDS+=("$NGINX_PID")
TARGETS+=("nginx $NGINX_PORT $NGINX_PID")
# SRS without HLS (no server here writes HLS in this test) and with warnings only in its log, as
# the others log; SRS_LOWLAT adds "min_latency on; tcp_nodelay on".
start_srs() { # label lowlat
    local label=$1 port http
    port=$(free_port)
    http=$(free_port)
    SRS_HLS=off SRS_LOG_LEVEL=warn SRS_LOWLAT=$2 SRS_MAX_CONN=$((MAX_PLAYERS + 256)) \
        "$SRS_DIR/run-srs.sh" "$port" "$http" "$WORK/$label" >"$WORK/$label.log" 2>&1 &
    PIDS+=("$!")
    TARGETS+=("$label $port $!")
}
if [ "$WITH_SRS" = yes ]; then
    start_srs srs ""
    start_srs srs-lowlat 1
fi
for target in "${TARGETS[@]}"; do
    read -r label port pid <<<"$target"
    wait_listening "$port" "$pid" "$label"
done

rss() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null; }
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
for target in "${TARGETS[@]}"; do
    read -r label port pid <<<"$target"
    echo "$label: pid $pid on 127.0.0.1:$port, idle RSS $(rss "$pid") MB"
done
echo "rtmp-server's default --player-write-delay: $DEFAULT_DELAY"
echo "each run: $STREAMS stream(s), ${BITRATE} kbit/s video + 64 audio, $FPS fps, GOP $GOP s," \
    "warm-up $WARMUP s, window $WINDOW s, $ROUNDS round(s); raw output in $WORK"

fanout() { # port players seconds warmup stream-name [--server-pid PID]
    local port=$1 n=$2 seconds=$3 warmup=$4 name=$5
    shift 5
    timeout $((seconds + warmup + 120 + n / 20)) "$JAVA" -Xms512m -Xmx"$CLIENT_HEAP" -cp "$TOOLS" \
        dev.rtmpserver.tools.FanOut --url "rtmp://127.0.0.1:$port/live/$name" --players "$n" --streams "$STREAMS" \
        --bitrate-kbps "$BITRATE" --fps "$FPS" --gop-seconds "$GOP" --seconds "$seconds" \
        --warmup-seconds "$warmup" "$@"
}

run_fanout() { # label port pid players round
    local label=$1 port=$2 pid=$3 n=$4 r=$5 out="$WORK/fanout-$4-$1-r$5.txt"
    kill -0 "$pid" 2>/dev/null || { echo "$label (pid $pid) is no longer running"; return 1; }
    echo
    echo "== $n players, $label, round $r"
    fanout "$port" "$n" "$WINDOW" "$WARMUP" "fanout-$n-$r" --server-pid "$pid" >"$out" 2>"$WORK/fanout-$n-$label-r$r.err"
    local rc=$?
    cat "$out"
    [ -s "$WORK/fanout-$n-$label-r$r.err" ] && sed 's/^/  stderr: /' "$WORK/fanout-$n-$label-r$r.err" | head -5
    [ $rc -eq 0 ] || echo "  FanOut exited with status $rc"
    # Let closed connections drain before the next run measures anything.
    sleep 2
}

# A long-running server has compiled its hot paths; a fresh JVM compiles them during the first runs
# and would bill that to them. Code that runs once per connection (a writer's outer frames) is only
# compiled after a few hundred connections, and until then every wake-up of a writer thaws
# interpreted frames (measured: 200 players cost 1.73, 1.33, 1.24 CPU-s in three consecutive runs).
# So each server first serves two unreported runs of 200 players; the others get the same.
PRIME_PLAYERS=${FANOUT_PRIME_PLAYERS:-200}
echo
echo "priming every server (2 x $PRIME_PLAYERS players, 8 s each, not reported)"
for target in "${TARGETS[@]}"; do
    read -r label port _ <<<"$target"
    for i in 1 2; do
        fanout "$port" "$PRIME_PLAYERS" 8 1 "prime$i" >"$WORK/prime-$label-$i.txt" 2>&1 \
            || echo "  priming $label failed: see $WORK/prime-$label-$i.txt"
        sleep 1
    done
done
sleep 2

turn=0
for n in "${COUNTS[@]}"; do
    for r in $(seq "$ROUNDS"); do
        for i in $(seq 0 $((${#TARGETS[@]} - 1))); do
            read -r label port pid <<<"${TARGETS[$(((turn + i) % ${#TARGETS[@]}))]}"
            run_fanout "$label" "$port" "$pid" "$n" "$r"
        done
        turn=$((turn + 1))
    done
done

field() { # file key
    sed -n "s/^RESULT.* $2=\([^ ]*\).*/\1/p" "$1" 2>/dev/null | tail -1
}
or_dash() { [ -n "$1" ] && echo "$1" || echo "-"; }
# The mean of a field over the rounds of one server and count; "-" if a round has none.
mean() { # label players key
    local sum=0 k=0 v r
    for r in $(seq "$ROUNDS"); do
        v=$(field "$WORK/fanout-$2-$1-r$r.txt" "$3")
        [ -z "$v" ] || [ "$v" = na ] && { echo -; return; }
        sum=$(awk -v a="$sum" -v b="$v" 'BEGIN { print a + b }')
        k=$((k + 1))
    done
    awk -v s="$sum" -v k="$k" 'BEGIN { printf "%.2f", s / k }'
}
ratio() { # a b
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'
}
label_name() { # label
    case $1 in
        ours-0) echo "rtmp-server 0" ;;
        ours-default) echo "rtmp-server $DEFAULT_DELAY" ;;
        ours-350) echo "rtmp-server 350ms" ;;
        nginx) echo nginx-rtmp ;;
        srs) echo "SRS defaults" ;;
        srs-lowlat) echo "SRS min_latency" ;;
    esac
}

echo
printf '%-7s %-19s %5s %9s %9s %13s %20s %7s %8s %6s %9s %7s %12s %6s\n' players server round connected min_frac \
    "kbps min/med" "latency p50/p99/max" cpu_s kernel_s GB "cpu_s/GB" rss_MB "client cpu_s" busy%
for n in "${COUNTS[@]}"; do
    for target in "${TARGETS[@]}"; do
        read -r label _ _ <<<"$target"
        for r in $(seq "$ROUNDS"); do
            f="$WORK/fanout-$n-$label-r$r.txt"
            printf '%-7s %-19s %5s %9s %9s %13s %20s %7s %8s %6s %9s %7s %12s %6s\n' "$n" "$(label_name "$label")" "$r" \
                "$(or_dash "$(field "$f" players)")/$n" "$(or_dash "$(field "$f" min_frac)")" \
                "$(field "$f" min_kbps)/$(field "$f" med_kbps)" \
                "$(field "$f" lat_p50_ms)/$(field "$f" lat_p99_ms)/$(field "$f" lat_max_ms)" \
                "$(or_dash "$(field "$f" cpu_s)")" "$(or_dash "$(field "$f" cpu_sys_s)")" \
                "$(or_dash "$(field "$f" delivered_gb)")" "$(or_dash "$(field "$f" cpu_s_per_gb)")" \
                "$(or_dash "$(field "$f" rss_mb)")" "$(or_dash "$(field "$f" client_cpu_s)")" \
                "$(or_dash "$(field "$f" host_busy_pct)")"
        done
    done
done
echo
echo "means over the rounds; CPU per GB also as a ratio to nginx-rtmp and to SRS at its defaults:"
printf '%-7s %-19s %9s %9s %8s %10s %10s %7s\n' players server "cpu_s/GB" "p99 ms" "max ms" "x nginx" "x SRS" rss_MB
for n in "${COUNTS[@]}"; do
    nginx_gb=$(mean nginx "$n" cpu_s_per_gb)
    srs_gb=-
    [ "$WITH_SRS" = yes ] && srs_gb=$(mean srs "$n" cpu_s_per_gb)
    for target in "${TARGETS[@]}"; do
        read -r label _ _ <<<"$target"
        gb=$(mean "$label" "$n" cpu_s_per_gb)
        printf '%-7s %-19s %9s %9s %8s %10s %10s %7s\n' "$n" "$(label_name "$label")" "$gb" \
            "$(mean "$label" "$n" lat_p99_ms)" "$(mean "$label" "$n" lat_max_ms)" "$(ratio "$gb" "$nginx_gb")" \
            "$(ratio "$gb" "$srs_gb")" "$(mean "$label" "$n" rss_mb)"
    done
done

echo "(cpu_s: the server's CPU time in the window, kernel_s the part spent in system calls; client: the"
echo " load tool's; busy: all CPUs together. Latency is from the publisher's send to a player's receipt,"
echo " over all video frames of all players. rtmp-server's RSS includes the heap its JVM kept from"
echo " earlier runs.)"

echo
for target in "${TARGETS[@]}"; do
    read -r label _ pid <<<"$target"
    echo "$(label_name "$label"): RSS after the runs $(rss "$pid") MB"
done
for label in ours-0 ours-default ours-350; do
    pauses=$(grep -c 'Pause' "$WORK/$label-gc.log" 2>/dev/null)
    longest=$(sed -n 's/.* \([0-9.]*\)ms$/\1/p' "$WORK/$label-gc.log" | sort -n | tail -1)
    dropped=$(sed -n 's/.*, \([0-9][0-9]*\) frames dropped.*/\1/p' "$WORK/$label.log" | awk '{s += $1} END {print s + 0}')
    echo "$(label_name "$label"): GC ${pauses:-0} pauses, longest ${longest:-0} ms;" \
        "$(grep -c ' WARN \| ERROR ' "$WORK/$label.log") warning/error lines, $dropped frames dropped in total"
done
echo "nginx error.log: $(wc -l <"$WORK/nginx/logs/error.log") lines"
for target in "${TARGETS[@]}"; do
    read -r label _ pid <<<"$target"
    kill -0 "$pid" 2>/dev/null || echo "$label (pid $pid) died during the run"
done
echo "raw results: $WORK"
