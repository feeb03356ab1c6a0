"use strict";
// The player page: /play/APP/NAME plays the live stream with hls.js over LL-HLS
// (/APP/NAME/index.m3u8), or with mpegts.js over HTTP-FLV or WebSocket-FLV (/APP/NAME.flv), the
// lowest-latency choice. The page's query (a play token) goes with every request.

const stream = location.pathname.replace(/^\/play\//, "");
const video = document.getElementById("video");
const status = document.getElementById("status");
const NAMES = {hls: "LL-HLS", http: "HTTP-FLV", ws: "WebSocket-FLV"};
let player = null;
let transport = null;
let retry = null;

function show(text) {
  status.textContent = text;
}

function stop() {
  clearTimeout(retry);
  if (player) {
    player.destroy();
    player = null;
  }
}

function again(kind, why) {
  // A stream not (yet, or any more) published answers 404: ask again shortly.
  show("not playing (" + why + "); trying again…");
  stop();
  retry = setTimeout(() => start(kind), 2000);
}

function startHls(url) {
  if (!Hls.isSupported()) {
    if (video.canPlayType("application/vnd.apple.mpegurl")) {
      // Safari plays HLS itself, low-latency included.
      video.src = url;
      video.play().catch(() => { /* autoplay refused: the controls start it */ });
      return;
    }
    show("this browser cannot play HLS: it has no Media Source Extensions");
    return;
  }
  // After a stall, play up to 1.5x until back at the target latency rather than stay behind. hls.js
  // also moves that target 1 s further back per stall, up to a target duration: one stall of a
  // loaded machine kept a viewer 2.8 s behind instead of 0.8 s for the rest of the show. A quarter
  // of a second per stall still backs off from a network that keeps stalling.
  player = new Hls({lowLatencyMode: true, backBufferLength: 30, maxLiveSyncPlaybackRate: 1.5,
    liveSyncOnStallIncrease: 0.25});
  player.on(Hls.Events.ERROR, (event, data) => {
    if (data.fatal) {
      again("hls", data.type + ": " + data.details);
    }
  });
  player.loadSource(url);
  player.attachMedia(video);
  video.play().catch(() => { /* autoplay refused: the controls start it */ });
  show("connecting to " + url + "…");
}

function startFlv(kind, url) {
  if (!mpegts.getFeatureList().mseLivePlayback) {
    show("this browser cannot play live FLV: it has no Media Source Extensions");
    return;
  }
  player = mpegts.createPlayer({type: "flv", isLive: true, url: url}, {
    enableWorker: false,
    // The stash buffer collects hundreds of kilobytes before parsing: fine for files, a delay live.
    enableStashBuffer: false,
    lazyLoad: false,
    // Stay near the live edge: skip ahead when more than 0.9 s is buffered. The stream starts at
    // the latest cached keyframe, up to a keyframe interval behind live; with a 1.5 s bound a viewer
    // who joined just before a keyframe stayed that far behind for good (1.36 s measured).
    liveBufferLatencyChasing: true,
    liveBufferLatencyMaxLatency: 0.9,
    liveBufferLatencyMinRemain: 0.3,
    // Below that bound a viewer stayed wherever it joined, anywhere up to 0.9 s behind: play a
    // little faster, without a skip, while more than half a second is buffered.
    liveSync: true,
    liveSyncMaxLatency: 0.5,
    liveSyncTargetLatency: 0.35,
    liveSyncPlaybackRate: 1.2,
  });
  player.on(mpegts.Events.ERROR, (type, detail) => again(kind, type + ": " + detail));
  player.attachMediaElement(video);
  player.load();
  video.play().catch(() => { /* autoplay refused: the controls start it */ });
  show("connecting to " + url + "…");
}

function start(kind) {
  stop();
  video.removeAttribute("src");
  transport = kind;
  for (const id of Object.keys(NAMES)) {
    document.getElementById(id).setAttribute("aria-pressed", String(id === kind));
  }
  const path = "/" + stream + (kind === "hls" ? "/index.m3u8" : ".flv") + location.search;
  if (kind === "hls") {
    startHls(path);
  } else {
    startFlv(kind, kind === "ws" ? (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path : path);
  }
}

// What is buffered ahead of the picture is most of the delay behind live.
setInterval(() => {
  if (video.buffered.length && !video.paused && video.videoWidth) {
    const ahead = video.buffered.end(video.buffered.length - 1) - video.currentTime;
    show(NAMES[transport] + " · " + video.videoWidth + "x" + video.videoHeight + " · " + ahead.toFixed(2)
      + " s buffered");
  }
}, 1000);

// The stream's URLs, to copy into other players. RTMP's port is the API's to tell, which answers
// only those the API admits; the page then shows the HTTP ones alone.
function showUrls(rtmp) {
  const http = location.origin + "/" + stream;
  const urls = [["HLS", http + "/index.m3u8"], ["HTTP-FLV", http + ".flv"],
    ["WebSocket-FLV", http.replace(/^http/, "ws") + ".flv"]];
  for (const base of rtmp) {
    urls.unshift([base.startsWith("rtmps:") ? "RTMPS" : "RTMP", base + stream]);
  }
  document.getElementById("urls").replaceChildren(...urls.map(([label, url]) => {
    const input = document.createElement("input");
    input.readOnly = true;
    input.value = url + location.search;
    input.addEventListener("focus", () => input.select());
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "copy";
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(input.value).then(() => { button.textContent = "copied"; },
        () => input.select());
    });
    const row = document.createElement("div");
    row.className = "url";
    const name = document.createElement("span");
    name.textContent = label;
    row.append(name, input, button);
    return row;
  }));
}
showUrls([]);
fetch("/api/server").then(r => r.ok ? r.json() : {rtmp: [], rtmps: []})
  .then(s => showUrls([...(s.rtmp || []), ...(s.rtmps || [])]), () => { /* the HTTP URLs stay */ });

document.getElementById("name").textContent = decodeURIComponent(stream);
for (const id of Object.keys(NAMES)) {
  document.getElementById(id).addEventListener("click", () => start(id));
}
// #http, #ws or #hls (and #flv, for HTTP-FLV) choose the first transport; LL-HLS otherwise.
const wanted = location.hash.slice(1);
start(Object.hasOwn(NAMES, wanted) ? wanted : wanted === "flv" ? "http" : "hls");
