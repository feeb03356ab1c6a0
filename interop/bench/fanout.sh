#!/usr/bin/env bash
# Fan-out load, rtmp-server against nginx-rtmp, side by side in one run: for each player count,
# the FanOut tool (dev.rtmpserver.tools.FanOut) publishes a synthetic stream and plays it with that
# many players against each server in turn (the order rotates between counts), with the same
# parameters. rtmp-server runs twice: as shipped, and with --audio-with-video on (marked *). Needs
# mvn package (the installation and target/rtmp-server-tools.jar) and nginx with libnginx-mod-rtmp
# (apt-get install nginx libnginx-mod-rtmp).
#
#   interop/bench/fanout.sh [PLAYERS...]          (default: 100 400)
#
# Environment: FANOUT_SECONDS (measured window, default 15), FANOUT_WARMUP (3), FANOUT_STREAMS (1),
# FANOUT_PRIME_PLAYERS (200, players of the unreported warm-up runs),
# FANOUT_BITRATE_KBPS (2500), FANOUT_FPS (25), FANOUT_GOP_SECONDS (2), CLIENT_HEAP (2g).
#
# Everything shares this machine's CPUs: the table shows the load client's CPU and how busy the
# machine was, so a run limited by the client rather than the server can be told apart.
set -u
cd "$(dirname "$0")/../.."
if [ $# -gt 0 ]; then COUNTS=("$@"); else COUNTS=(100 400); fi
for n in "${COUNTS[@]}"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [PLAYERS...]   (player counts, e.g. 100 400)"; exit 2; }
done
WINDOW=${FANOUT_SECONDS:-15}
WARMUP=${FANOUT_WARMUP:-3}
STREAMS=${FANOUT_STREAMS:-1}
BITRATE=${FANOUT_BITRATE_KBPS:-2500}
FPS=${FANOUT_FPS:-25}
GOP=${FANOUT_GOP_SECONDS:-2}
CLIENT_HEAP=${CLIENT_HEAP:-2g}
. interop/bench/common.sh
require_build installed
require_nginx
command -v python3 >/dev/null && command -v ss >/dev/null || { echo "needs python3 and ss (iproute2)"; exit 1; }

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
OURS_PORT=$(free_port)
AWV_PORT=$(free_port)
NGINX_PORT=$(free_port)

# All players come from 127.0.0.1: lift the server's connection limits (where it has them) above
# the largest count, or the benchmark would measure the limit.
LIMITS=()
HELP=$("$JAVA" -jar "$JAR" --help 2>&1)
for opt in --max-connections --max-connections-per-ip; do
    grep -q -- "$opt[ =]" <<<"$HELP" && LIMITS+=("$opt" "$((MAX_PLAYERS + STREAMS + 64))")
done
# The installation as shipped, with its launcher's JVM options. GC pauses are logged so that a
# latency spike can be told apart from one the server caused itself.
JAVA_OPTS="-Xlog:gc:file=$WORK/rtmp-server-gc.log:time,uptime" "$SERVER" --http-port off --bind 127.0.0.1 \
    --port "$OURS_PORT" "${LIMITS[@]}" >"$WORK/rtmp-server.log" 2>&1 &
OURS_PID=$!
PIDS+=("$OURS_PID")
JAVA_OPTS="-Xlog:gc:file=$WORK/rtmp-server-awv-gc.log:time,uptime" "$SERVER" --http-port off --bind 127.0.0.1 \
    --port "$AWV_PORT" "${LIMITS[@]}" --audio-with-video on >"$WORK/rtmp-server-awv.log" 2>&1 &
AWV_PID=$!
PIDS+=("$AWV_PID")

start_nginx "$WORK/nginx" "$NGINX_PORT" "$NEED_FDS"
PIDS+=("$NGINX_PID")

wait_listening "$OURS_PORT" "$OURS_PID" rtmp-server
wait_listening "$AWV_PORT" "$AWV_PID" rtmp-server-awv
wait_listening "$NGINX_PORT" "$NGINX_PID" nginx
rss() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null; }
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rtmp-server pid $OURS_PID on 127.0.0.1:$OURS_PORT (idle RSS $(rss "$OURS_PID") MB)," \
    "rtmp-server* pid $AWV_PID on 127.0.0.1:$AWV_PORT (idle RSS $(rss "$AWV_PID") MB)," \
    "nginx-rtmp pid $NGINX_PID on 127.0.0.1:$NGINX_PORT (idle RSS $(rss "$NGINX_PID") MB)"
echo "each run: $STREAMS stream(s), ${BITRATE} kbit/s video + 64 audio, $FPS fps, GOP $GOP s," \
    "warm-up $WARMUP s, window $WINDOW s; raw output in $WORK"

run_fanout() { # server-label port pid players
    local label=$1 port=$2 pid=$3 n=$4 out="$WORK/fanout-$4-$1.txt"
    kill -0 "$pid" 2>/dev/null || { echo "$label (pid $pid) is no longer running"; return 1; }
    echo
    echo "== $n players, $label"
    timeout $((WINDOW + WARMUP + 120 + n / 20)) "$JAVA" -Xms512m -Xmx"$CLIENT_HEAP" \
        -Xlog:gc:file="$WORK/fanout-$n-$label-gc.log":time,uptime -cp "$TOOLS" dev.rtmpserver.tools.FanOut \
        --url "rtmp://127.0.0.1:$port/live/fanout-$n" --players "$n" --streams "$STREAMS" \
        --bitrate-kbps "$BITRATE" --fps "$FPS" --gop-seconds "$GOP" --seconds "$WINDOW" \
        --warmup-seconds "$WARMUP" --server-pid "$pid" >"$out" 2>"$WORK/fanout-$n-$label.err"
    local rc=$?
    cat "$out"
    [ -s "$WORK/fanout-$n-$label.err" ] && sed 's/^/  stderr: /' "$WORK/fanout-$n-$label.err" | head -5
    [ $rc -eq 0 ] || echo "  FanOut exited with status $rc"
    # Let closed connections drain before the next run measures anything.
    sleep 2
}

# A long-running server has compiled its hot paths; a fresh JVM compiles them during the first runs
# and would bill that to them. Code that runs once per connection (a writer's outer frames) is only
# compiled after a few hundred connections, and until then every wake-up of a writer thaws
# interpreted frames (measured: 200 players cost 1.73, 1.33, 1.24 CPU-s in three consecutive runs).
# So each server first serves two unreported runs of 200 players; nginx gets the same.
PRIME_PLAYERS=${FANOUT_PRIME_PLAYERS:-200}
echo
echo "priming every server (2 x $PRIME_PLAYERS players, 8 s each, not reported)"
TARGETS=("ours $OURS_PORT $OURS_PID" "awv $AWV_PORT $AWV_PID" "nginx $NGINX_PORT $NGINX_PID")
for target in "${TARGETS[@]}"; do
    read -r label port _ <<<"$target"
    for i in 1 2; do
        timeout 120 "$JAVA" -Xmx"$CLIENT_HEAP" -cp "$TOOLS" dev.rtmpserver.tools.FanOut \
            --url "rtmp://127.0.0.1:$port/live/prime$i" --players "$PRIME_PLAYERS" --streams "$STREAMS" \
            --bitrate-kbps "$BITRATE" --fps "$FPS" --gop-seconds "$GOP" --seconds 8 --warmup-seconds 1 \
            >"$WORK/prime-$label-$i.txt" 2>&1 || echo "  priming $label failed: see $WORK/prime-$label-$i.txt"
        sleep 1
    done
done
sleep 2

round=0
for n in "${COUNTS[@]}"; do
    for i in 0 1 2; do
        read -r label port pid <<<"${TARGETS[$(((round + i) % 3))]}"
        run_fanout "$label" "$port" "$pid" "$n"
    done
    round=$((round + 1))
done

server_name() { # label
    case $1 in ours) echo rtmp-server ;; awv) echo 'rtmp-server*' ;; *) echo nginx-rtmp ;; esac
}
field() { # file key
    sed -n "s/^RESULT.* $2=\([^ ]*\).*/\1/p" "$1" 2>/dev/null | tail -1
}
ratio() { # ours nginx
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "na" || b == "na" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'
}
or_dash() { [ -n "$1" ] && echo "$1" || echo "-"; }

echo
printf '%-7s %-12s %9s %9s %9s %20s %15s %16s %7s %8s %7s %9s %7s %12s %11s %6s\n' players server connected min_frac \
    med_kbps "latency p50/p99/max" "key/audio p99" "1st frame med/max" cpu_s kernel_s GB "cpu_s/GB" rss_MB "client cpu_s" \
    "other cpu_s" busy%
for n in "${COUNTS[@]}"; do
    for label in ours awv nginx; do
        f="$WORK/fanout-$n-$label.txt"
        name=$(server_name "$label")
        printf '%-7s %-12s %9s %9s %9s %20s %15s %16s %7s %8s %7s %9s %7s %12s %11s %6s\n' "$n" "$name" \
            "$(or_dash "$(field "$f" players)")/$n" "$(or_dash "$(field "$f" min_frac)")" \
            "$(or_dash "$(field "$f" med_kbps)")" \
            "$(field "$f" lat_p50_ms)/$(field "$f" lat_p99_ms)/$(field "$f" lat_max_ms)" \
            "$(field "$f" key_p99_ms)/$(field "$f" audio_p99_ms)" \
            "$(field "$f" ttff_med_ms)/$(field "$f" ttff_max_ms)" "$(or_dash "$(field "$f" cpu_s)")" \
            "$(or_dash "$(field "$f" cpu_sys_s)")" \
            "$(or_dash "$(field "$f" delivered_gb)")" "$(or_dash "$(field "$f" cpu_s_per_gb)")" \
            "$(or_dash "$(field "$f" rss_mb)")" "$(or_dash "$(field "$f" client_cpu_s)")" \
            "$(or_dash "$(field "$f" other_cpu_s)")" \
            "$(or_dash "$(field "$f" host_busy_pct)")"
    done
done
echo
echo "ratios to nginx-rtmp (below 1 is better for ours, except min_frac where 1 is ideal):"
printf '%-7s %-12s %12s %8s %12s %10s\n' players server "cpu_s/GB" RSS "p99 latency" min_frac
for n in "${COUNTS[@]}"; do
    g="$WORK/fanout-$n-nginx.txt"
    for label in ours awv; do
        o="$WORK/fanout-$n-$label.txt"
        printf '%-7s %-12s %12s %8s %12s %10s\n' "$n" "$(server_name "$label")" \
            "$(ratio "$(field "$o" cpu_s_per_gb)" "$(field "$g" cpu_s_per_gb)")" \
            "$(ratio "$(field "$o" rss_mb)" "$(field "$g" rss_mb)")" \
            "$(ratio "$(field "$o" lat_p99_ms)" "$(field "$g" lat_p99_ms)")" \
            "$(ratio "$(field "$o" min_frac)" "$(field "$g" min_frac)")"
    done
done
echo "(* with --audio-with-video on: audio waits up to one video frame interval, see the audio p99)"

echo "(cpu_s: the server's CPU time in the window, kernel_s the part spent in system calls; client: the"
echo " load tool's; other: everything else on the machine, which competes with both, +-0.5 s of tick"
echo " rounding; busy: all CPUs together. rtmp-server's RSS only grows: the JVM keeps heap it has touched"
echo " in earlier runs.)"

# A JVM has a fixed cost (JIT, GC, timers) that a small load does not amortise: show it, warm.
idle() { # pid -> CPU-s per second over 5 s
    local t0 t1 hz
    hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
    t0=$(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat")
    sleep 5
    t1=$(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat")
    awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN { printf "%.3f", (b - a) / hz / 5 }'
}
echo
echo "idle after the runs, CPU-s per second: rtmp-server $(idle "$OURS_PID"), nginx-rtmp $(idle "$NGINX_PID");" \
    "RSS: rtmp-server $(rss "$OURS_PID") MB, rtmp-server* $(rss "$AWV_PID") MB, nginx-rtmp $(rss "$NGINX_PID") MB"
for name in rtmp-server rtmp-server-awv; do
    pauses=$(grep -c 'Pause' "$WORK/$name-gc.log" 2>/dev/null)
    longest=$(sed -n 's/.* \([0-9.]*\)ms$/\1/p' "$WORK/$name-gc.log" | sort -n | tail -1)
    echo "$name GC: ${pauses:-0} pauses, longest ${longest:-0} ms (log: $WORK/$name-gc.log)"
done

echo
# What the servers themselves said about the load: warnings, errors and frames they dropped.
for name in rtmp-server rtmp-server-awv; do
    dropped=$(sed -n 's/.*, \([0-9][0-9]*\) frames dropped.*/\1/p' "$WORK/$name.log" | awk '{s += $1} END {print s + 0}')
    echo "$name log: $(grep -c ' WARN \| ERROR ' "$WORK/$name.log") warning/error lines," \
        "$dropped frames dropped in total (per player, summed)"
    grep ' WARN \| ERROR ' "$WORK/$name.log" | head -5 | sed 's/^/  /'
done
echo "nginx error.log: $(wc -l <"$WORK/nginx/logs/error.log") lines"
head -5 "$WORK/nginx/logs/error.log" | sed 's/^/  /'
for p in "$OURS_PID" "$AWV_PID" "$NGINX_PID"; do kill -0 "$p" 2>/dev/null || echo "server pid $p died during the run"; done
echo "raw results: $WORK"
