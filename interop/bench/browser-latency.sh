#!/usr/bin/env bash
# Publish-to-display latency in headless Chromium on the player page, for HTTP-FLV (mpegts.js),
# WebSocket-FLV (mpegts.js) and LL-HLS (hls.js): ffmpeg draws its wall clock into every frame, the
# page reads it from each frame it shows. The same encode goes to SRS (HTTP-FLV, HLS;
# ../shared/peers/srs or SRS_DIR) and nginx-rtmp (HLS, 1 s fragments), played on the same page with
# the same player settings. Prints each start's media events (milliseconds after the player's start,
# the playback position, the buffered range) and a table: the first frame over RTMP_BENCH_STARTS
# starts (5), then the latency median, p95 and max, waiting events and dropped frames of the first.
#
#   interop/bench/browser-latency.sh [SECONDS [ROWS]]   SECONDS played per row (30); ROWS: only the
#                                                       rows whose label contains it
#
# Needs chromium and ffmpeg (as the integration tests do).
set -euo pipefail
cd "$(dirname "$0")/../.."
export RTMP_BENCH=1 RTMP_BENCH_SECONDS="${1:-30}" RTMP_BENCH_ROWS="${2:-}"
unset JAVA_HOME
mvn -B -q verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=BrowserLatencyBenchmark \
    -Dfailsafe.failIfNoSpecifiedTests=false 2>&1 | sed -n -e "/, start [0-9]*: /p" -e "/^| server and transport/,/^$/p"
