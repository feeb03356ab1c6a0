#!/usr/bin/env bash
# Publish-to-display latency in headless Chromium on the player page, for HTTP-FLV (mpegts.js),
# WebSocket-FLV (mpegts.js) and LL-HLS (hls.js): ffmpeg draws its wall clock into every frame, the
# page reads it from each frame it shows. Prints a table (first frame, median, p95, max, waiting
# events, dropped frames). The same encode goes to SRS (HTTP-FLV, HLS; ../shared/peers/srs or SRS_DIR)
# and nginx-rtmp (HLS, 1 s fragments), played on the same page with the same player settings.
#
#   interop/bench/browser-latency.sh [SECONDS]      measured per transport; default 30
#
# Needs chromium and ffmpeg (as the integration tests do).
set -euo pipefail
cd "$(dirname "$0")/../.."
export RTMP_BENCH=1 RTMP_BENCH_SECONDS="${1:-30}"
unset JAVA_HOME
mvn -B -q verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=BrowserLatencyBenchmark \
    -Dfailsafe.failIfNoSpecifiedTests=false 2>&1 | sed -n "/^| server and transport/,/^$/p"
