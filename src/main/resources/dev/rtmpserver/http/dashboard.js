"use strict";
// Everything from the server, stream names above all, is inserted as text (el() makes text nodes,
// or textContent): names come from RTMP peers and must never become markup.
const REFRESH_MS = 1000;
const TOKEN_KEY = "rtmp-server-api-token";

// The token lives in this tab's sessionStorage and goes only in the Authorization header: never
// in a URL the server, a proxy or the history would record. A link may carry it in the fragment
// (#token=...), which browsers never send; it is moved to storage and taken off the address bar.
let token = initialToken();

function initialToken() {
  for (const part of location.hash.slice(1).split("&")) {
    if (part.startsWith("token=")) {
      let value = part.slice("token=".length);
      try { value = decodeURIComponent(value); } catch (e) { /* not percent-encoded: use as is */ }
      remember(value);
      history.replaceState(null, "", location.pathname + location.search);
      return value || null;
    }
  }
  try { return sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; }
}

function remember(value) {
  try {
    if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY);
  } catch (e) { /* storage disabled: the token lasts until the page is reloaded */ }
}

document.getElementById("auth").addEventListener("submit", e => {
  e.preventDefault();
  const input = document.getElementById("token");
  token = input.value.trim() || null;
  remember(token);
  input.value = "";
  refresh();
});

// Control characters and bidirectional overrides in a name would be invisible or reorder what the
// operator reads; they are shown as \uXXXX, as the API's JSON writes them.
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function printable(s) {
  return s.replace(HIDDEN, c => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(printable(String(c))));
  return e;
}

function figure(value, label) {
  return el("div", {class: "figure"}, el("b", {}, value), el("span", {}, label));
}

function duration(s) {
  const h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
  return (h ? h + "h " : "") + (h || m ? m + "m " : "") + sec + "s";
}

function chart(history) {
  const c = el("canvas", {width: 360, height: 60});
  const g = c.getContext("2d");
  const max = Math.max(1, ...history);
  g.strokeStyle = "#1f7ae0";
  g.lineWidth = 1.5;
  g.beginPath();
  history.forEach((v, i) => {
    const x = c.width - (history.length - 1 - i) * (c.width / 300);
    const y = c.height - 4 - (v / max) * (c.height - 8);
    i === 0 ? g.moveTo(x, y) : g.lineTo(x, y);
  });
  g.stroke();
  g.fillStyle = "#6b7785";
  g.font = "10px sans-serif";
  g.fillText(Math.round(max) + " kbit/s", 4, 11);
  g.fillText("last 5 min", 4, c.height - 4);
  return c;
}

function streamCard(s) {
  const video = s.video ? s.video.summary.replace(/^video /, "") : "no video";
  const audio = s.audio ? s.audio.summary.replace(/^audio /, "") : "no audio";
  const status = s.publisher
    ? el("span", {}, "published by " + s.publisher + " for " + duration(s.uptimeSeconds))
    : el("span", {class: "offline"}, s.reconnecting ? "publisher reconnecting…" : "waiting for a publisher");
  const players = el("table", {},
    el("tr", {}, el("th", {}, "player"), el("th", {}, "address"), el("th", {}, "lag"), el("th", {}, "dropped"),
      el("th", {}, "sent")));
  for (const p of s.players) {
    players.append(el("tr", {class: p.lagMs > 1000 ? "lagging" : ""},
      el("td", {}, "conn-" + p.connection), el("td", {}, p.address), el("td", {}, p.lagMs + " ms"),
      el("td", {}, p.droppedFrames), el("td", {}, (p.bytesOut / 1e6).toFixed(1) + " MB")));
  }
  return el("section", {class: "stream", "data-stream": s.app + "/" + s.name},
    el("h2", {}, s.app + "/" + s.name),
    el("div", {class: "meta"}, status, " · ", video, " · ", audio),
    el("div", {class: "row"},
      figure(Math.round(s.bitrateInKbps) + " kbit/s", "in"),
      figure(Math.round(s.bitrateOutKbps) + " kbit/s", "out"),
      figure(s.frameRate.toFixed(1), "fps"),
      figure((s.keyframeIntervalMs / 1000).toFixed(1) + " s", "keyframe interval"),
      figure(s.players.length, "players"),
      chart(s.bitrateHistoryKbps)),
    s.players.length ? players : el("div", {class: "meta"}, "no players"));
}

function refused(status, error) {
  const message = status === 401
    ? (token ? "The server refused this API token. Enter the value of its --api-token option above."
             : "The API needs a token: enter the value of the server's --api-token option above, or open this page as /#token=TOKEN.")
    : "The API refused this browser: " + (error || "forbidden") + ".";
  document.getElementById("streams").replaceChildren(el("div", {class: "notice", role: "alert"}, message));
  document.getElementById("totals").textContent = status === 401 ? "not authorized" : "forbidden";
}

async function refresh() {
  try {
    const r = await fetch("/api/streams", {cache: "no-store", headers: token ? {Authorization: "Bearer " + token} : {}});
    if (r.status === 401 || r.status === 403) {
      const body = await r.json().catch(() => ({}));
      refused(r.status, body.error);
      return;
    }
    if (!r.ok) {
      throw new Error("HTTP " + r.status);
    }
    const data = await r.json();
    const main = document.getElementById("streams");
    main.replaceChildren(...(data.streams.length
      ? data.streams.map(streamCard)
      : [el("div", {class: "empty"}, "No live streams. Publish to rtmp://" + location.hostname + ":1935/APP/KEY")]));
    const players = data.streams.reduce((n, s) => n + s.players.length, 0);
    const kbps = data.streams.reduce((n, s) => n + s.bitrateInKbps, 0);
    document.getElementById("totals").textContent =
      data.streams.length + " streams · " + players + " players · " + Math.round(kbps) + " kbit/s in · updated " +
      new Date().toLocaleTimeString();
  } catch (e) {
    document.getElementById("totals").textContent = "cannot reach the server: " + e;
  }
}

refresh();
setInterval(refresh, REFRESH_MS);
