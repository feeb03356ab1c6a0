#!/usr/bin/env bash
# Time to first frame for a player joining a live stream mid-GOP, on rtmp-server (GOP cache on and
# off) and on nginx-rtmp, side by side in one run. Needs mvn package (the server and tools jars),
# ffmpeg, and nginx with libnginx-mod-rtmp (apt-get install nginx libnginx-mod-rtmp).
#
#   interop/bench/first-frame.sh [JOINS_PER_CASE]      (default 10)
#
# One ffmpeg per GOP length (2 s and 10 s, 640x360 25 fps x264 + aac, paced with -re) publishes to
# all servers at once through the tee muxer, for as long as the measurements take. Players join at
# random points of the GOP; each join measures,
# from the play command, the first video frame and the first keyframe (what a viewer can see).
set -u
cd "$(dirname "$0")/../.."
JOINS=${1:-10}
. interop/bench/common.sh
require_build
require_nginx

start_work first-frame

OURS=$(free_port)
NGINX=$(free_port)

# rtmp-server: app "live" with the GOP cache (the default), app "nocache" without.
printf 'app.nocache.gop-cache = off\n' >"$WORK/rtmp-server.properties"
"$JAVA" -jar "$JAR" --bind 127.0.0.1 --port "$OURS" --http-port off --config "$WORK/rtmp-server.properties" \
    >"$WORK/rtmp-server.log" 2>&1 &
PIDS+=($!)

start_nginx "$WORK/nginx" "$NGINX" 1024
PIDS+=("$NGINX_PID")
sleep 1.5

for gop in 2 10; do
    ffmpeg -hide_banner -loglevel error -nostdin -re \
        -f lavfi -i testsrc=size=640x360:rate=25 -f lavfi -i sine=frequency=440:sample_rate=44100 \
        -c:v libx264 -preset ultrafast -tune zerolatency -g $((25 * gop)) -keyint_min $((25 * gop)) \
        -sc_threshold 0 -pix_fmt yuv420p -c:a aac -b:a 64k -map 0:v -map 1:a -flags +global_header \
        -f tee "[f=flv:onfail=ignore]rtmp://127.0.0.1:$OURS/live/gop$gop|[f=flv:onfail=ignore]rtmp://127.0.0.1:$OURS/nocache/gop$gop|[f=flv:onfail=ignore]rtmp://127.0.0.1:$NGINX/live/gop$gop" \
        >"$WORK/ffmpeg-gop$gop.log" 2>&1 &
    PIDS+=($!)
done
# Let both streams run past their first GOP so every join lands mid-GOP somewhere.
sleep 12

measure() { # label url gop-seconds
    local label=$1 url=$2 gop=$3 out
    : >"$WORK/$label.txt"
    for _ in $(seq "$JOINS"); do
        # A join that waited for a keyframe ends right after one: wait a random part of a GOP so
        # that the next join lands at a random point of it.
        sleep "$((RANDOM % (gop * 10) / 10)).$((RANDOM % 10))"
        out=$("$JAVA" -cp "$TOOLS" dev.rtmpserver.tools.FirstFrame "$url" 2>>"$WORK/errors.log") || continue
        echo "$out" >>"$WORK/$label.txt"
    done
}

stats() { # file field -> "median max"
    sed -n "s/.*$2=\([0-9.]*\).*/\1/p" "$1" | sort -n | awk '{a[NR]=$1} END {if (NR==0) {print "- -"; exit} m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.0f %.0f", m, a[NR]}'
}
keyfirst() { grep -c "keyframe-first=true" "$1"; }

printf '\n%-34s %5s %22s %22s %12s\n' "server / GOP" "joins" "first frame ms (med/max)" "first keyframe ms (med/max)" "keyframe first"
for gop in 2 10; do
    measure "ours-cache-$gop" "rtmp://127.0.0.1:$OURS/live/gop$gop" "$gop"
    measure "ours-nocache-$gop" "rtmp://127.0.0.1:$OURS/nocache/gop$gop" "$gop"
    measure "nginx-$gop" "rtmp://127.0.0.1:$NGINX/live/gop$gop" "$gop"
    for label in ours-cache ours-nocache nginx; do
        f="$WORK/$label-$gop.txt"
        case $label in
            ours-cache) name="rtmp-server, GOP cache on";;
            ours-nocache) name="rtmp-server, GOP cache off";;
            nginx) name="nginx-rtmp 1.2.2";;
        esac
        read -r fm fx <<<"$(stats "$f" first-frame-ms)"
        read -r km kx <<<"$(stats "$f" first-keyframe-ms)"
        printf '%-34s %5s %22s %22s %12s\n' "$name, GOP ${gop} s" "$(wc -l <"$f")" "$fm / $fx" "$km / $kx" \
            "$(keyfirst "$f")/$(wc -l <"$f")"
    done
done
echo "raw results: $WORK"
