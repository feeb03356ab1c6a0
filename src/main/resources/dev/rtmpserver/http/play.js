"use strict";
// The player page: /play/APP/NAME plays the live stream /APP/NAME.flv with mpegts.js, over a long
// HTTP response or a WebSocket. The page's query (a play token) goes with every request.

const stream = location.pathname.replace(/^\/play\//, "");
const flvPath = "/" + stream + ".flv" + location.search;
const video = document.getElementById("video");
const status = document.getElementById("status");
let player = null;
let transport = null;
let retry = null;

function show(text) {
  status.textContent = text;
}

function start(kind) {
  clearTimeout(retry);
  if (player) {
    player.destroy();
    player = null;
  }
  transport = kind;
  for (const id of ["http", "ws"]) {
    document.getElementById(id).setAttribute("aria-pressed", String(id === kind));
  }
  if (!mpegts.getFeatureList().mseLivePlayback) {
    show("this browser cannot play live FLV: it has no Media Source Extensions");
    return;
  }
  const url = kind === "ws" ? (location.protocol === "https:" ? "wss://" : "ws://") + location.host + flvPath
    : flvPath;
  player = mpegts.createPlayer({type: "flv", isLive: true, url: url}, {
    enableWorker: false,
    lazyLoad: false,
    // Stay near the live edge: skip ahead when more than 1.5 s is buffered.
    liveBufferLatencyChasing: true,
    liveBufferLatencyMaxLatency: 1.5,
    liveBufferLatencyMinRemain: 0.3,
  });
  player.on(mpegts.Events.ERROR, (type, detail) => {
    // A stream not (yet, or any more) published answers 404: ask again shortly.
    show("not playing (" + type + ": " + detail + "); trying again…");
    retry = setTimeout(() => start(kind), 2000);
  });
  player.attachMediaElement(video);
  player.load();
  video.play().catch(() => { /* autoplay refused: the controls start it */ });
  show("connecting to " + url + "…");
}

// What is buffered ahead of the picture is most of the delay behind live.
setInterval(() => {
  if (player && video.buffered.length && !video.paused) {
    const ahead = video.buffered.end(video.buffered.length - 1) - video.currentTime;
    show((transport === "ws" ? "WebSocket-FLV" : "HTTP-FLV") + " · " + video.videoWidth + "x" + video.videoHeight
      + " · " + ahead.toFixed(2) + " s buffered");
  }
}, 1000);

document.getElementById("name").textContent = decodeURIComponent(stream);
document.getElementById("http").addEventListener("click", () => start("http"));
document.getElementById("ws").addEventListener("click", () => start("ws"));
start("http");
