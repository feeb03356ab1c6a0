#!/usr/bin/env bash
# Refreshes the player libraries the player page ships (hls.js, mpegts.js) from npm:
#
#   interop/update-players.sh HLS_VERSION MPEGTS_VERSION     e.g. 1.7.4 1.8.2
#
# Copies each package's built file and licence under versioned names into the jar's resources,
# rewrites SHA256SUMS, and prints what to change in the page, HttpApi and vendor/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: $0 HLS_VERSION MPEGTS_VERSION" >&2; exit 2; }
HLS=$1
MPEGTS=$2
VENDOR=src/main/resources/dev/rtmpserver/http/vendor
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

(cd "$WORK" && npm pack --silent "hls.js@$HLS" "mpegts.js@$MPEGTS" >/dev/null)
mkdir "$WORK/hls" "$WORK/mpegts"
tar xzf "$WORK/hls.js-$HLS.tgz" -C "$WORK/hls"
tar xzf "$WORK/mpegts.js-$MPEGTS.tgz" -C "$WORK/mpegts"

git rm -q --ignore-unmatch "$VENDOR"/hls-*.js "$VENDOR"/hls-*.LICENSE "$VENDOR"/mpegts-*.js "$VENDOR"/mpegts-*.LICENSE \
    "$VENDOR"/mpegts-*.LICENSE.txt
cp "$WORK/hls/package/dist/hls.min.js" "$VENDOR/hls-$HLS.min.js"
cp "$WORK/hls/package/LICENSE" "$VENDOR/hls-$HLS.min.LICENSE"
cp "$WORK/mpegts/package/dist/mpegts.js" "$VENDOR/mpegts-$MPEGTS.js"
cp "$WORK/mpegts/package/LICENSE" "$VENDOR/mpegts-$MPEGTS.LICENSE"
cp "$WORK/mpegts/package/dist/mpegts.js.LICENSE.txt" "$VENDOR/mpegts-$MPEGTS.js.LICENSE.txt"
(cd "$VENDOR" && sha256sum "mpegts-$MPEGTS.js" "hls-$HLS.min.js" > SHA256SUMS)

echo "npm integrity: hls.js $(npm view "hls.js@$HLS" dist.integrity), mpegts.js $(npm view "mpegts.js@$MPEGTS" dist.integrity)"
echo "now change the versions in play.html, HttpApi (HLS_JS_PATH, MPEGTS_PATH) and $VENDOR/README.md"
