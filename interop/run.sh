#!/usr/bin/env bash
# Interop matrix: real RTMP clients (ffmpeg, ffplay, rtmpdump, GStreamer) against rtmp-server.
#
#   interop/run.sh                 starts target/rtmp-server.jar on a free port (mvn package first)
#   interop/run.sh --port PORT     uses a server already listening on 127.0.0.1:PORT
#
# Prints a pass/fail matrix; exits 0 only if every client passed. Logs stay in the work directory.
set -u
cd "$(dirname "$0")/.."

PORT=""
if [ "${1:-}" = "--port" ]; then PORT="$2"; fi
WORK=$(mktemp -d /tmp/rtmp-interop.XXXXXX)
export SDL_AUDIODRIVER=dummy
SERVER_PID=""
PIDS=()

cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
    wait 2>/dev/null
}
trap cleanup EXIT

if [ -z "$PORT" ]; then
    JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
    "$JAVA" -jar target/rtmp-server.jar --port 0 --bind 127.0.0.1 >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do
        PORT=$(sed -n 's/.*RTMP listening on [0-9.]*:\([0-9]*\).*/\1/p' "$WORK/server.log" | head -1)
        [ -n "$PORT" ] && break
        sleep 0.1
    done
    [ -n "$PORT" ] || { echo "server did not start:"; cat "$WORK/server.log"; exit 1; }
fi
BASE="rtmp://127.0.0.1:$PORT/live"

declare -A RESULT
ORDER=()
record() { ORDER+=("$1"); RESULT["$1"]="$2"; }

# A file holds h264 and aac and decodes without a single error.
decodes() {
    local file=$1
    [ -s "$file" ] || return 1
    local streams
    streams=$(ffprobe -v error -show_entries stream=codec_name -of csv=p=0 "$file" | sort | tr '\n' ' ')
    [ "$streams" = "aac h264 " ] || { echo "streams in $file: $streams"; return 1; }
    [ -z "$(ffmpeg -v error -nostdin -i "$file" -f null - 2>&1)" ]
}

# ffmpeg publishes the stream the players below read, long enough for all of them.
ffmpeg -hide_banner -loglevel warning -nostdin -re \
    -f lavfi -i testsrc=size=640x360:rate=25 -f lavfi -i sine=frequency=440:sample_rate=44100 -t 40 \
    -c:v libx264 -preset ultrafast -tune zerolatency -g 25 -pix_fmt yuv420p -c:a aac -b:a 64k \
    -f flv "$BASE/interop" >"$WORK/ffmpeg-publish.log" 2>&1 &
FFMPEG_PUB=$!
PIDS+=("$FFMPEG_PUB")
sleep 2
if kill -0 "$FFMPEG_PUB" 2>/dev/null; then record "ffmpeg publish" PASS; else record "ffmpeg publish" FAIL; fi

# ffmpeg play.
if timeout 30 ffmpeg -hide_banner -loglevel warning -nostdin -y -i "$BASE/interop" -t 4 -c copy \
        "$WORK/ffmpeg-play.flv" >"$WORK/ffmpeg-play.log" 2>&1 && decodes "$WORK/ffmpeg-play.flv" >>"$WORK/ffmpeg-play.log"; then
    record "ffmpeg play" PASS
else
    record "ffmpeg play" FAIL
fi

# rtmpdump: records the live stream until interrupted; the file must decode.
timeout --preserve-status -s INT 5 rtmpdump -r "$BASE/interop" --live -o "$WORK/rtmpdump.flv" \
    >"$WORK/rtmpdump.log" 2>&1
code=$?
# rtmpdump exits 2 ("incomplete download") when interrupted, which is how a live capture ends.
if { [ $code -eq 0 ] || [ $code -eq 2 ]; } && decodes "$WORK/rtmpdump.flv" >>"$WORK/rtmpdump.log" 2>&1; then
    record "rtmpdump play" PASS
else
    record "rtmpdump play" FAIL
fi

# GStreamer rtmp2src: reads 4 s of FLV, then EOS on interrupt.
timeout -s INT 5 gst-launch-1.0 -e rtmp2src location="$BASE/interop" ! filesink location="$WORK/gst-play.flv" \
    >"$WORK/gst-play.log" 2>&1
if decodes "$WORK/gst-play.flv" >>"$WORK/gst-play.log" 2>&1; then
    record "gstreamer rtmp2src play" PASS
else
    record "gstreamer rtmp2src play" FAIL
fi

# GStreamer rtmp2sink publishes 6 s of H.264 + AAC; ffmpeg plays it back.
gst-launch-1.0 -e flvmux name=mux streamable=true ! rtmp2sink location="$BASE/gst" \
    videotestsrc is-live=true num-buffers=150 ! video/x-raw,width=320,height=240,framerate=25/1 \
    ! x264enc tune=zerolatency key-int-max=25 speed-preset=ultrafast ! h264parse ! queue ! mux. \
    audiotestsrc is-live=true num-buffers=260 ! audioconvert ! avenc_aac ! aacparse ! queue ! mux. \
    >"$WORK/gst-publish.log" 2>&1 &
GST_PUB=$!
PIDS+=("$GST_PUB")
sleep 1
if timeout 30 ffmpeg -hide_banner -loglevel warning -nostdin -y -i "$BASE/gst" -t 3 -c copy \
        "$WORK/gst-published.flv" >"$WORK/gst-published.log" 2>&1 \
        && decodes "$WORK/gst-published.flv" >>"$WORK/gst-published.log" 2>&1; then
    record "gstreamer rtmp2sink publish" PASS
else
    record "gstreamer rtmp2sink publish" FAIL
fi

# ffplay, headless: plays a short stream to its end and must exit by itself (-autoexit) when the
# publisher stops, having found both streams and reported no error. (-t does not end a live
# stream, and -nostats would also hide the stream summary checked here.)
ffmpeg -hide_banner -loglevel warning -nostdin -re \
    -f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=frequency=440:sample_rate=44100 -t 5 \
    -c:v libx264 -preset ultrafast -tune zerolatency -g 25 -pix_fmt yuv420p -c:a aac -b:a 64k \
    -f flv "$BASE/ffplay" >"$WORK/ffplay-publish.log" 2>&1 &
PIDS+=("$!")
sleep 1
if timeout 30 ffplay -nodisp -autoexit -loglevel info "$BASE/ffplay" >"$WORK/ffplay.log" 2>&1 \
        && grep -q "Video: h264" "$WORK/ffplay.log" && grep -q "Audio: aac" "$WORK/ffplay.log" \
        && ! grep -qiE "error|invalid" "$WORK/ffplay.log"; then
    record "ffplay play" PASS
else
    record "ffplay play" FAIL
fi

failed=0
printf '\n%-30s %s\n' "client" "result"
printf '%-30s %s\n' "------" "------"
for name in "${ORDER[@]}"; do
    printf '%-30s %s\n' "$name" "${RESULT[$name]}"
    [ "${RESULT[$name]}" = PASS ] || failed=1
done
echo "logs: $WORK"
if [ $failed -ne 0 ]; then
    for f in "$WORK"/*.log; do echo "--- $f"; tail -n 20 "$f"; done
fi
exit $failed
