#!/usr/bin/env bash
# Memory per idle connection, rtmp-server against nginx-rtmp in one run: the IdleConnections tool
# opens N connections that each wait to play a stream nobody publishes, and the script reads each
# server's RSS before and while they are held. Needs mvn package (the installation and the tools
# jar) and nginx with libnginx-mod-rtmp (apt-get install nginx libnginx-mod-rtmp).
#
#   interop/bench/idle.sh [CONNECTIONS]        (default: 10000)
#
# rtmp-server runs as installed, through target/rtmp-server/bin/rtmp-server and its JVM options;
# SERVER_JAVA_OPTS adds to them (it becomes the launcher's JAVA_OPTS).
set -u
cd "$(dirname "$0")/../.."
N=${1:-10000}
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [CONNECTIONS]"; exit 2; }
. interop/bench/common.sh
require_build installed
require_nginx

# Each connection is a socket in the client and one in the server, in separate processes.
NEED_FDS=$((N + 1024))
need_open_files "$NEED_FDS"
start_work idle
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
OURS_PORT=$(free_port)
NGINX_PORT=$(free_port)

JAVA_OPTS="${SERVER_JAVA_OPTS:-}" "$SERVER" --http-port off --bind 127.0.0.1 --port "$OURS_PORT" \
    --max-connections $((N + 100)) --log-level warn >"$WORK/rtmp-server.log" 2>&1 &
OURS_PID=$!
PIDS+=("$OURS_PID")
start_nginx "$WORK/nginx" "$NGINX_PORT" "$NEED_FDS"
PIDS+=("$NGINX_PID")
for _ in $(seq 50); do listening "$OURS_PORT" && listening "$NGINX_PORT" && break; sleep 0.2; done
listening "$OURS_PORT" && listening "$NGINX_PORT" || { echo "servers did not start; logs in $WORK"; exit 1; }

hold() { # port connections seconds -> runs the tool in the background, output in $WORK/idle.out
    "$JAVA" -Xmx2g -cp "$TOOLS" dev.rtmpserver.tools.IdleConnections "rtmp://127.0.0.1:$1/live/waiting" "$2" "$3" \
        >"$WORK/idle.out" 2>"$WORK/idle.err" &
    HOLDER=$!
    PIDS+=("$HOLDER")
    for _ in $(seq 600); do grep -q READY "$WORK/idle.out" && return 0; sleep 0.2; done
    echo "the connections were not all open after 120 s"; cat "$WORK/idle.err"; return 1
}

measure() { # label port pid
    local label=$1 port=$2 pid=$3 before during
    # Warm-up: the first connections load classes and compile code, a one-time cost.
    hold "$port" 200 1 && wait "$HOLDER"
    sleep 2
    before=$(rss_kb "$pid")
    hold "$port" "$N" 5 || return 1
    sleep 3
    during=$(rss_kb "$pid")
    local held
    held=$(ss -Htn state established "sport = :$port" | wc -l)
    wait "$HOLDER"
    printf '%-12s %8s %12s %12s %14s   %s\n' "$label" "$held" "$((before / 1024)) MB" "$((during / 1024)) MB" \
        "$(awk -v a="$before" -v b="$during" -v n="$N" 'BEGIN { printf "%.1f KB", (b - a) / n }')" \
        "$(sed -n 's/^READY //p' "$WORK/idle.out")"
    eval "${label//-/_}_kb=\$(( (during - before) ))"
}

echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo); $N connections each"
printf '%-12s %8s %12s %12s %14s   %s\n' server held "RSS before" "RSS held" "per connection" "client"
measure rtmp-server "$OURS_PORT" "$OURS_PID"
measure nginx-rtmp "$NGINX_PORT" "$NGINX_PID"
grep -E "WARN|ERROR" "$WORK/rtmp-server.log" | head -5
echo "(per connection: RSS growth while the connections are held, divided by their number; raw output in $WORK)"
