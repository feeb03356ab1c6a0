#!/usr/bin/env bash
# Interop matrix: real RTMP clients (ffmpeg, ffplay, rtmpdump, GStreamer's rtmp2 and librtmp
# elements, VLC) against rtmp-server, over rtmp:// and, for ffmpeg, rtmps://.
#
#   interop/run.sh                 starts target/rtmp-server.jar on free ports, with RTMPS on a
#                                  self-signed certificate (mvn package first)
#   interop/run.sh --port PORT [--tls-port PORT]
#                                  uses a server already listening on 127.0.0.1; without
#                                  --tls-port the rtmps rows are skipped
#
# Prints a pass/fail matrix; exits 0 only if no client failed. Logs stay in the work directory.
set -u
cd "$(dirname "$0")/.."

PORT=""
TLS_PORT=""
while [ $# -gt 0 ]; do
    case "$1" in
        --port) PORT="${2:?usage: $0 [--port PORT [--tls-port PORT]]}"; shift 2 ;;
        --tls-port) TLS_PORT="${2:?usage: $0 [--port PORT [--tls-port PORT]]}"; shift 2 ;;
        *) echo "usage: $0 [--port PORT [--tls-port PORT]]" >&2; exit 2 ;;
    esac
done
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

# Starts the server with RTMPS on the given port; fails if it does not come up.
start_server() {
    "$JAVA" -jar target/rtmp-server.jar --port 0 --bind 127.0.0.1 --http-port off \
        --tls-port "$1" --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem" >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do
        PORT=$(sed -n 's/.*RTMP listening on [0-9.]*:\([0-9]*\).*/\1/p' "$WORK/server.log" | head -1)
        [ -n "$PORT" ] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    # Not up in time: stop it, or it would outlive the script.
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
    return 1
}

if [ -z "$PORT" ]; then
    # The installation's own runtime: the machine's default java may be older than 21.
    JAVA=target/rtmp-server/bin/java
    [ -x "$JAVA" ] || JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -days 2 \
        -subj /CN=localhost >"$WORK/openssl.log" 2>&1 || { echo "openssl failed:"; cat "$WORK/openssl.log"; exit 1; }
    # --tls-port 0 means no RTMPS, so the server cannot pick a free port itself: try random ports
    # below Linux's ephemeral range (so no outgoing connection holds them), again if one is taken.
    for _ in 1 2 3 4 5; do
        TLS_PORT=$((20000 + RANDOM % 12000))
        start_server "$TLS_PORT" && break
        grep -q "Address already in use" "$WORK/server.log" || break
    done
    [ -n "$SERVER_PID" ] || { echo "server did not start:"; cat "$WORK/server.log"; exit 1; }
fi
BASE="rtmp://127.0.0.1:$PORT/live"
TLS_BASE="rtmps://127.0.0.1:$TLS_PORT/live"

declare -A RESULT
ORDER=()
record() { ORDER+=("$1"); RESULT["$1"]="$2"; }
# PASS or FAIL by the exit status of the check just run.
verdict() { if [ "$2" -eq 0 ]; then record "$1" PASS; else record "$1" FAIL; fi; }

# A file holds h264 and aac, at least a second of each, and decodes without a single error; says
# what is wrong otherwise.
decodes() {
    local file=$1 streams names video audio errors
    [ -s "$file" ] || { echo "no media in $file"; return 1; }
    streams=$(ffprobe -v error -count_packets -show_entries stream=codec_name,nb_read_packets -of csv=p=0 "$file" | sort)
    names=$(cut -d, -f1 <<<"$streams" | tr '\n' ' ')
    [ "$names" = "aac h264 " ] || { echo "streams in $file: $names"; return 1; }
    video=$(sed -n 's/^h264,//p' <<<"$streams")
    audio=$(sed -n 's/^aac,//p' <<<"$streams")
    # A second is 25 frames of the test picture and 43 AAC frames of 1024 samples at 44.1 kHz.
    if [ "$video" -lt 25 ] || [ "$audio" -lt 43 ]; then
        echo "$file holds only $video video and $audio audio frames"
        return 1
    fi
    errors=$(ffmpeg -v error -nostdin -i "$file" -f null - 2>&1)
    [ -z "$errors" ] || { echo "decoding $file: $errors"; return 1; }
}

# The server's certificate is self-signed: ffmpeg must not verify it. Debian's ffmpeg does not by
# default, but other builds may; the option is refused on an rtmp:// input, so only for rtmps://.
tls_options() {
    case "$1" in rtmps://*) echo "-tls_verify 0" ;; esac
}

# ffmpeg records SECONDS of URL to NAME.flv, copying, not transcoding; the file must decode.
ffmpeg_records() {
    local url=$1 name=$2 seconds=$3
    timeout 30 ffmpeg -hide_banner -loglevel warning -nostdin -y $(tls_options "$url") -i "$url" -t "$seconds" \
        -c copy "$WORK/$name.flv" >"$WORK/$name.log" 2>&1 && decodes "$WORK/$name.flv" >>"$WORK/$name.log" 2>&1
}

# ffmpeg publishes a test picture and tone at SIZE for SECONDS, paced in real time.
ffmpeg_publish() {
    local url=$1 size=$2 seconds=$3 log=$4
    ffmpeg -hide_banner -loglevel warning -nostdin -re \
        -f lavfi -i "testsrc=size=$size:rate=25" -f lavfi -i sine=frequency=440:sample_rate=44100 -t "$seconds" \
        -c:v libx264 -preset ultrafast -tune zerolatency -g 25 -pix_fmt yuv420p -c:a aac -b:a 64k \
        $(tls_options "$url") -f flv "$url" >"$log" 2>&1 &
    PIDS+=("$!")
}

# GStreamer publishes 6 s of H.264 + AAC through SINK (rtmp2sink or the librtmp rtmpsink).
# flvmux waits up to a second for a late input: without that, when x264enc is slow to start on a
# busy machine, flvmux sends audio first and then clamps the late video frames' timestamps onto
# the audio's ("Got backwards dts!"), and the duplicate timestamps fail the decode check.
gst_publish() {
    local sink=$1 url=$2 log=$3
    gst-launch-1.0 -e flvmux name=mux streamable=true latency=1000000000 ! "$sink" location="$url" \
        videotestsrc is-live=true num-buffers=150 ! video/x-raw,width=320,height=240,framerate=25/1 \
        ! x264enc tune=zerolatency key-int-max=25 speed-preset=ultrafast ! h264parse ! queue ! mux. \
        audiotestsrc is-live=true num-buffers=260 ! audioconvert ! avenc_aac ! aacparse ! queue ! mux. \
        >"$log" 2>&1 &
    PIDS+=("$!")
}

# ffmpeg publishes the stream the players below read, for longer than they need (about 30 s), so a
# slow machine does not end it under the last of them; it is stopped when the script ends.
ffmpeg_publish "$BASE/interop" 640x360 60 "$WORK/ffmpeg-publish.log"
FFMPEG_PUB=${PIDS[-1]}
sleep 2
if kill -0 "$FFMPEG_PUB" 2>/dev/null; then record "ffmpeg publish" PASS; else record "ffmpeg publish" FAIL; fi

# ffmpeg play.
ffmpeg_records "$BASE/interop" ffmpeg-play 4
verdict "ffmpeg play" $?

# ffmpeg plays over TLS what was published in the clear: both listeners serve the same streams.
if [ -n "$TLS_PORT" ]; then
    ffmpeg_records "$TLS_BASE/interop" ffmpeg-play-rtmps 4
    verdict "ffmpeg play rtmps" $?
else
    record "ffmpeg play rtmps" "SKIP (no --tls-port given)"
fi

# rtmpdump: records the live stream until interrupted; the file must decode.
timeout --preserve-status -k 10 -s INT 5 rtmpdump -r "$BASE/interop" --live -o "$WORK/rtmpdump.flv" \
    >"$WORK/rtmpdump.log" 2>&1
code=$?
# rtmpdump exits 2 ("incomplete download") when interrupted, which is how a live capture ends.
{ [ $code -eq 0 ] || [ $code -eq 2 ]; } && decodes "$WORK/rtmpdump.flv" >>"$WORK/rtmpdump.log" 2>&1
verdict "rtmpdump play" $?

# GStreamer rtmp2src: reads 4 s of FLV, then EOS on interrupt.
timeout -k 10 -s INT 5 gst-launch-1.0 -e rtmp2src location="$BASE/interop" ! filesink location="$WORK/gst-play.flv" \
    >"$WORK/gst-play.log" 2>&1
decodes "$WORK/gst-play.flv" >>"$WORK/gst-play.log" 2>&1
verdict "gstreamer rtmp2src play" $?

# GStreamer rtmpsrc (librtmp), which needs " live=1" in its location to play a live stream. It
# stops by itself after 64 blocks of 4 KiB (5 to 6 s of this stream): stopped by an interrupt, it
# closes its socket under its own blocked read, which then hangs for up to librtmp's 30 s receive
# timeout. Its last block ends mid-tag, so flvdemux and flvmux rewrite the output as whole tags.
timeout 20 gst-launch-1.0 -e rtmpsrc location="$BASE/interop live=1" num-buffers=64 ! flvdemux name=demux \
    flvmux name=mux ! filesink location="$WORK/gst-rtmpsrc.flv" \
    demux.video ! queue ! h264parse ! mux. demux.audio ! queue ! aacparse ! mux. \
    >"$WORK/gst-rtmpsrc.log" 2>&1 && decodes "$WORK/gst-rtmpsrc.flv" >>"$WORK/gst-rtmpsrc.log" 2>&1
verdict "gstreamer rtmpsrc play" $?

# VLC records 5 s of the stream, copied into MP4: that muxer only writes a readable file when VLC
# ends cleanly (the TS muxer loses the last audio frame when --run-time stops the input). VLC
# refuses to run as root, as CI does, so it then runs as nobody, in a directory of its own that is
# also its $HOME (nobody's does not exist).
mkdir "$WORK/vlc"
vlc=(env HOME="$WORK/vlc" cvlc)
if [ "$(id -u)" -eq 0 ]; then
    chmod o+x "$WORK" # nobody has to pass through the private work directory
    chown nobody "$WORK/vlc"
    vlc=(runuser -u nobody -- "${vlc[@]}")
fi
timeout 30 "${vlc[@]}" --no-dbus --aout dummy --run-time 5 \
    --sout "#std{access=file,mux=mp4,dst=$WORK/vlc/vlc.mp4}" "$BASE/interop" vlc://quit \
    >"$WORK/vlc.log" 2>&1 && decodes "$WORK/vlc/vlc.mp4" >>"$WORK/vlc.log" 2>&1
verdict "vlc play" $?

# ffmpeg publishes over TLS; ffmpeg plays it back in the clear.
if [ -n "$TLS_PORT" ]; then
    ffmpeg_publish "$TLS_BASE/tls" 320x240 8 "$WORK/ffmpeg-publish-rtmps.log"
    sleep 1
    ffmpeg_records "$BASE/tls" ffmpeg-published-rtmps 3
    verdict "ffmpeg publish rtmps" $?
else
    record "ffmpeg publish rtmps" "SKIP (no --tls-port given)"
fi

# GStreamer rtmp2sink publishes; ffmpeg plays it back.
gst_publish rtmp2sink "$BASE/gst" "$WORK/gst-publish.log"
sleep 1
ffmpeg_records "$BASE/gst" gst-published 3
verdict "gstreamer rtmp2sink publish" $?

# GStreamer rtmpsink (librtmp) publishes; ffmpeg plays it back.
gst_publish rtmpsink "$BASE/gst-librtmp" "$WORK/gst-rtmpsink.log"
sleep 1
ffmpeg_records "$BASE/gst-librtmp" gst-rtmpsink-published 3
verdict "gstreamer rtmpsink publish" $?

# ffplay, headless: plays a short stream to its end and must exit by itself (-autoexit) when the
# publisher stops, having found both streams and reported no error. (-t does not end a live
# stream, and -nostats would also hide the stream summary checked here.)
ffmpeg_publish "$BASE/ffplay" 320x240 5 "$WORK/ffplay-publish.log"
sleep 1
timeout 30 ffplay -nodisp -autoexit -loglevel info "$BASE/ffplay" >"$WORK/ffplay.log" 2>&1 \
    && grep -q "Video: h264" "$WORK/ffplay.log" && grep -q "Audio: aac" "$WORK/ffplay.log" \
    && ! grep -qiE "error|invalid" "$WORK/ffplay.log"
verdict "ffplay play" $?

# FFmpeg 8 (unpacked by mvn verify from Maven Central; FFMPEG8_DIR to use another) publishes each
# Enhanced RTMP codec and plays it back, announcing the codecs with -rtmp_enhanced_codecs.
FFMPEG8_DIR=${FFMPEG8_DIR:-target/ffmpeg8/org/bytedeco/ffmpeg/linux-x86_64-gpl}
ff8() {
    local tool=$1
    shift
    LD_LIBRARY_PATH="$FFMPEG8_DIR" "$FFMPEG8_DIR/$tool" "$@"
}

# A file holds exactly the streams NAMES ("codec[,width,height]" each, sorted, space-separated),
# at least a second of video, and FFmpeg 8 decodes all of it without an error.
decodes8() {
    local file=$1 want=$2 streams frames errors
    [ -s "$file" ] || { echo "no media in $file"; return 1; }
    streams=$(ff8 ffprobe -v error -show_entries stream=codec_name,width,height -of csv=p=0 "$file" | sort | tr '\n' ' ')
    [ "$streams" = "$want " ] || { echo "streams in $file: $streams, expected $want"; return 1; }
    frames=$(ff8 ffprobe -v error -select_streams v:0 -count_packets -show_entries stream=nb_read_packets \
        -of csv=p=0 "$file")
    [ "$frames" -ge 25 ] || { echo "$file holds only $frames video frames"; return 1; }
    errors=$(ff8 ffmpeg -v error -nostdin -i "$file" -map 0 -f null - 2>&1)
    [ -z "$errors" ] || { echo "decoding $file: $errors"; return 1; }
}

# FFmpeg 8 publishes 6 s of a test picture and tone, with the further inputs and encoder arguments
# given, and FFmpeg 8 plays 3 s of it back.
ff8_row() {
    local name=$1 want=$2
    shift 2
    ff8 ffmpeg -hide_banner -loglevel warning -nostdin -re -f lavfi -i testsrc=size=320x240:rate=25 \
        -f lavfi -i sine=frequency=440:sample_rate=48000 "$@" -t 6 -pix_fmt yuv420p -g 25 \
        -f flv "$BASE/$name" >"$WORK/$name-publish.log" 2>&1 &
    PIDS+=("$!")
    sleep 2
    LD_LIBRARY_PATH="$FFMPEG8_DIR" timeout 30 "$FFMPEG8_DIR/ffmpeg" -hide_banner -loglevel warning -nostdin -rtmp_enhanced_codecs hvc1,av01,vp09,avc1,Opus,mp4a \
        -i "$BASE/$name" -map 0 -t 3 -c copy -y "$WORK/$name.flv" >"$WORK/$name.log" 2>&1 \
        && decodes8 "$WORK/$name.flv" "$want" >>"$WORK/$name.log" 2>&1
}

if [ -x "$FFMPEG8_DIR/ffmpeg" ] || [ -f "$FFMPEG8_DIR/ffmpeg" ]; then
    chmod +x "$FFMPEG8_DIR/ffmpeg" "$FFMPEG8_DIR/ffprobe" # a jar keeps no file modes
    x265=(-c:v libx265 -preset ultrafast -x265-params log-level=error)
    ff8_row ff8-hevc "aac hevc,320,240" "${x265[@]}" -c:a aac
    verdict "ffmpeg 8 HEVC + AAC" $?
    ff8_row ff8-av1 "aac av1,320,240" -c:v libsvtav1 -preset 12 -svtav1-params lp=2 -c:a aac
    verdict "ffmpeg 8 AV1 + AAC" $?
    ff8_row ff8-vp9 "aac vp9,320,240" -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -c:a aac
    verdict "ffmpeg 8 VP9 + AAC" $?
    ff8_row ff8-opus "h264,320,240 opus" -c:v libx264 -preset ultrafast -c:a libopus
    verdict "ffmpeg 8 H.264 + Opus" $?
    ff8_row ff8-hevc-opus "hevc,320,240 opus" "${x265[@]}" -c:a libopus
    verdict "ffmpeg 8 HEVC + Opus" $?
    # Multitrack: a second video track (HEVC, smaller) and a second audio track beside the first.
    ff8_row ff8-multitrack "aac aac h264,320,240 hevc,160,120" -f lavfi -i testsrc2=size=160x120:rate=25 \
        -f lavfi -i sine=frequency=880:sample_rate=44100 -map 0:v -map 2:v -map 1:a -map 3:a \
        -c:v:0 libx264 -preset ultrafast -c:v:1 libx265 -x265-params log-level=error -c:a aac
    verdict "ffmpeg 8 multitrack" $?
else
    record "ffmpeg 8 (Enhanced RTMP)" "SKIP (no FFmpeg 8 in $FFMPEG8_DIR; mvn verify unpacks it)"
fi

failed=0
printf '\n%-30s %s\n' "client" "result"
printf '%-30s %s\n' "------" "------"
for name in "${ORDER[@]}"; do
    printf '%-30s %s\n' "$name" "${RESULT[$name]}"
    case "${RESULT[$name]}" in PASS | SKIP*) ;; *) failed=1 ;; esac
done
echo "logs: $WORK"
if [ $failed -ne 0 ]; then
    for f in "$WORK"/*.log; do echo "--- $f"; tail -n 20 "$f"; done
fi
exit $failed
