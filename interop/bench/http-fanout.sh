#!/usr/bin/env bash
# Browser viewers' serving cost, side by side in one run: rtmp-server, SRS (HTTP-FLV and HLS) and
# nginx-rtmp (HLS; it has no HTTP-FLV) each serve the same synthetic 2.5 Mbit/s stream to HTTP-FLV
# viewers, to HLS viewers that fetch as hls.js does, and to both at once. The HttpFanOut tool
# (dev.rtmpserver.tools.HttpFanOut) publishes and views; the order of the servers rotates per round.
# Needs mvn package (the installation and target/rtmp-server-tools.jar), nginx with
# libnginx-mod-rtmp and SRS (../shared/peers/srs, see its README).
#
#   interop/bench/http-fanout.sh [FLV_VIEWERS [HLS_VIEWERS]]      (default: 500 1000)
#
# Environment: HTTP_FANOUT_ROUNDS (1), HTTP_FANOUT_SECONDS (measured window, 20),
# HTTP_FANOUT_WARMUP (5), CLIENT_HEAP (3g), SRS_DIR (../shared/peers/srs).
#
# Segments: every server cuts at the stream's keyframes, every 2 s; rtmp-server adds 250 ms parts
# (LL-HLS, fMP4), SRS and nginx-rtmp write MPEG-TS segments of 2 s into a 10 s playlist.
set -u
cd "$(dirname "$0")/../.."
FLV=${1:-500}
HLS=${2:-1000}
ROUNDS=${HTTP_FANOUT_ROUNDS:-1}
WINDOW=${HTTP_FANOUT_SECONDS:-20}
WARMUP=${HTTP_FANOUT_WARMUP:-5}
CLIENT_HEAP=${CLIENT_HEAP:-3g}
SRS_DIR=${SRS_DIR:-../shared/peers/srs}
. interop/bench/common.sh
require_build installed
require_nginx
[ -x "$SRS_DIR/run-srs.sh" ] || { echo "no SRS at $SRS_DIR (set SRS_DIR)"; exit 1; }
VIEWERS=$((FLV + HLS))
NEED_FDS=$((VIEWERS * 2 + 512))
need_open_files "$NEED_FDS"
start_work http-fanout

wait_listening() { # port pid name
    for _ in $(seq 50); do
        kill -0 "$2" 2>/dev/null || { echo "$3 exited at start; its log:"; cat "$WORK/$3.log"; exit 1; }
        listening "$1" && return 0
        sleep 0.2
    done
    echo "$3 is not listening on 127.0.0.1:$1 after 10 s"; exit 1
}

OURS_RTMP=$(free_port)
OURS_HTTP=$(free_port)
"$SERVER" --bind 127.0.0.1 --port "$OURS_RTMP" --http-port "$OURS_HTTP" --max-connections $((VIEWERS + 64)) \
    --max-connections-per-ip $((VIEWERS + 64)) >"$WORK/ours.log" 2>&1 &
OURS_PID=$!
PIDS+=("$OURS_PID")

SRS_RTMP=$(free_port)
SRS_HTTP=$(free_port)
SRS_LOG_LEVEL=warn SRS_MAX_CONN=$((VIEWERS + 256)) "$SRS_DIR/run-srs.sh" "$SRS_RTMP" "$SRS_HTTP" "$WORK/srs" \
    >"$WORK/srs.log" 2>&1 &
SRS_PID=$!
PIDS+=("$SRS_PID")

NGINX_RTMP=$(free_port)
NGINX_HTTP=$(free_port)
mkdir -p "$WORK/nginx/logs" "$WORK/nginx/hls"
cat >"$WORK/nginx/nginx.conf" <<CONF
load_module $NGINX_MODULE;
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile $NEED_FDS;
error_log $WORK/nginx/logs/error.log warn;
pid $WORK/nginx/nginx.pid;
events { worker_connections $NEED_FDS; }
rtmp {
    server {
        listen 127.0.0.1:$NGINX_RTMP;
        chunk_size 4096;
        application live {
            live on;
            hls on;
            hls_path $WORK/nginx/hls;
            hls_fragment 2s;
            hls_playlist_length 10s;
        }
    }
}
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path $WORK/nginx/tmp;
    proxy_temp_path $WORK/nginx/tmp;
    fastcgi_temp_path $WORK/nginx/tmp;
    uwsgi_temp_path $WORK/nginx/tmp;
    scgi_temp_path $WORK/nginx/tmp;
    server {
        listen 127.0.0.1:$NGINX_HTTP;
        location /hls/ {
            types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
            root $WORK/nginx;
            add_header Cache-Control no-cache;
        }
    }
}
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx.log" 2>&1 &
NGINX_PID=$!
PIDS+=("$NGINX_PID")

wait_listening "$OURS_HTTP" "$OURS_PID" ours
wait_listening "$SRS_HTTP" "$SRS_PID" srs
wait_listening "$NGINX_HTTP" "$NGINX_PID" nginx

rss() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null; }
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "idle RSS: rtmp-server $(rss "$OURS_PID") MB, SRS $(rss "$SRS_PID") MB, nginx-rtmp $(rss "$NGINX_PID") MB"
echo "each run: one 2500 kbit/s + 64 kbit/s stream, GOP 2 s, warm-up $WARMUP s, window $WINDOW s; raw output in $WORK"

# Each line: label, server pid, RTMP port, then HttpFanOut's viewer options ({name} is the stream).
ours_flv="--flv http://127.0.0.1:$OURS_HTTP/live/{name}.flv"
ours_hls="--hls http://127.0.0.1:$OURS_HTTP/live/{name}/index.m3u8"
srs_flv="--flv http://127.0.0.1:$SRS_HTTP/live/{name}.flv"
srs_hls="--hls http://127.0.0.1:$SRS_HTTP/live/{name}.m3u8"
nginx_hls="--hls http://127.0.0.1:$NGINX_HTTP/hls/{name}.m3u8"
RUNS=(
    "flv|rtmp-server|$OURS_PID|$OURS_RTMP|$ours_flv --flv-viewers $FLV"
    "flv|SRS|$SRS_PID|$SRS_RTMP|$srs_flv --flv-viewers $FLV"
    "hls|rtmp-server LL-HLS|$OURS_PID|$OURS_RTMP|$ours_hls --hls-viewers $HLS"
    "hls|rtmp-server as plain HLS|$OURS_PID|$OURS_RTMP|$ours_hls --hls-viewers $HLS --hls-plain"
    "hls|SRS|$SRS_PID|$SRS_RTMP|$srs_hls --hls-viewers $HLS"
    "hls|nginx-rtmp|$NGINX_PID|$NGINX_RTMP|$nginx_hls --hls-viewers $HLS"
    "both|rtmp-server LL-HLS|$OURS_PID|$OURS_RTMP|$ours_flv --flv-viewers $FLV $ours_hls --hls-viewers $HLS"
    "both|SRS|$SRS_PID|$SRS_RTMP|$srs_flv --flv-viewers $FLV $srs_hls --hls-viewers $HLS"
)

n=0
for r in $(seq "$ROUNDS"); do
    for run in "${RUNS[@]}"; do
        IFS='|' read -r kind label pid port viewers <<<"$run"
        n=$((n + 1))
        out="$WORK/run-$n.txt"
        echo
        echo "== $kind, $label, round $r"
        # shellcheck disable=SC2086 # the viewer options are words
        timeout $((WINDOW + WARMUP + 240)) "$JAVA" -Xms512m -Xmx"$CLIENT_HEAP" -cp "$TOOLS" \
            dev.rtmpserver.tools.HttpFanOut --url "rtmp://127.0.0.1:$port/live/h$n" --seconds "$WINDOW" \
            --warmup-seconds "$WARMUP" --server-pid "$pid" $viewers >"$out" 2>"$out.err"
        cat "$out"
        [ -s "$out.err" ] && sed 's/^/  stderr: /' "$out.err" | head -5
        echo "$kind|$label|$out" >>"$WORK/index"
        # Let closed connections and the last segments drain before the next run.
        sleep 5
    done
done

field() { sed -n "s/^RESULT.* $2=\([^ ]*\).*/\1/p" "$1" | tail -1; }
echo
echo "| viewers | server | CPU-s per delivered GB | RSS | delivered | requests/s | HTTP-FLV media per viewer (min / median) | HLS media per viewer (min / median) | HLS missed |"
echo "|---|---|---|---|---|---|---|---|---|"
while IFS='|' read -r kind label out; do
    case $kind in
        flv) what="$FLV HTTP-FLV" ;;
        hls) what="$HLS HLS" ;;
        both) what="$FLV HTTP-FLV + $HLS HLS" ;;
    esac
    gb=$(field "$out" delivered_gb)
    printf '| %s | %s | %s | %s MB | %s GB | %s | %s / %s %% | %s / %s %% | %s |\n' "$what" "$label" \
        "$(field "$out" cpu_per_gb)" "$(field "$out" rss_mb)" "$gb" "$(field "$out" requests_per_s)" \
        "$(field "$out" flv_min_pct)" "$(field "$out" flv_median_pct)" "$(field "$out" hls_min_pct)" \
        "$(field "$out" hls_median_pct)" "$(field "$out" hls_missed)"
done <"$WORK/index"
