"use strict";
// Everything from the server, stream names above all, is inserted as text (el() makes text nodes,
// or textContent, or attribute values): names come from RTMP peers and must never become markup.
const REFRESH_MS = 1000;
const TOKEN_KEY = "rtmp-server-api-token";
/** Seconds of bitrate history the server keeps: the chart's width. */
const HISTORY_SECONDS = 300;

// The token lives in this tab's sessionStorage and goes only in the Authorization header: never
// in a URL the server, a proxy or the history would record. A link may carry it in the fragment
// (#token=...), which browsers never send; it is moved to storage and taken off the address bar.
let token = initialToken();
/** GET /api/server: the URLs publishers and players use; null until read. */
let server = null;

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

function authHeaders() {
  return token ? {Authorization: "Bearer " + token} : {};
}

document.getElementById("auth").addEventListener("submit", e => {
  e.preventDefault();
  const input = document.getElementById("token");
  token = input.value.trim() || null;
  remember(token);
  input.value = "";
  server = null;
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

function plural(n, word) {
  return n + " " + word + (n === 1 ? "" : "s");
}

function kbps(k) {
  return k >= 10000 ? Math.round(k / 1000) + " Mbit/s" : k >= 1000 ? (k / 1000).toFixed(1) + " Mbit/s"
    : Math.round(k) + " kbit/s";
}

function bytes(n) {
  return n >= 1e9 ? (n / 1e9).toFixed(2) + " GB" : n >= 1e6 ? (n / 1e6).toFixed(1) + " MB" : Math.round(n / 1e3) + " kB";
}

function figure(value, label) {
  return el("div", {class: "figure"}, el("b", {}, value), el("span", {}, label));
}

function duration(s) {
  const h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
  return (h ? h + "h " : "") + (h || m ? m + "m " : "") + sec + "s";
}

/** The URLs of a stream, or the URL to publish a new one to (name KEY): rtmp first, then rtmps. */
function urls(path) {
  const bases = server ? server.rtmp.concat(server.rtmps) : ["rtmp://" + location.hostname + ":1935/"];
  return bases.map(base => base + path);
}

/**
 * A read-only address with a copy button. The clipboard API exists only in secure contexts
 * (https, or a page on this machine); elsewhere, and if it refuses, the address is selected for
 * the operator to copy with Ctrl+C, as it is whenever the box is clicked.
 */
function copyable(label, url) {
  const input = el("input", {type: "text", readonly: "", value: url, "aria-label": label + " URL", spellcheck: "false"});
  input.addEventListener("focus", () => input.select());
  const button = el("button", {type: "button", class: "copy"}, "copy");
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(input.value);
      flash(button, "copied");
    } catch (e) {
      input.focus();
      input.select();
      flash(button, "press Ctrl+C");
    }
  });
  return el("div", {class: "url"}, el("span", {class: "label"}, label), input, button);
}

function flash(button, text) {
  button.textContent = text;
  setTimeout(() => { button.textContent = "copy"; }, 2000);
}

/** Rounds the chart's top up to 1, 2 or 5 times a power of ten, so its scale reads at a glance. */
function niceMax(v) {
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  return [1, 2, 5, 10].map(m => m * p).find(m => v <= m);
}

/** The last five minutes of bitrate, one point a second, newest at the right; sized to the canvas as laid out. */
function drawChart(canvas, history) {
  const w = canvas.clientWidth, h = canvas.clientHeight;
  if (!w || !h) return;
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const g = canvas.getContext("2d");
  g.scale(dpr, dpr);
  // Labels get bands of their own above and below the plot, so the line never runs through them.
  const top = 18, bottom = h - 18;
  const max = niceMax(Math.max(1, ...history));
  const x = i => w - 1 - (history.length - 1 - i) * (w - 2) / (HISTORY_SECONDS - 1);
  const y = v => bottom - v / max * (bottom - top);
  g.strokeStyle = "#e3e8ee";
  g.lineWidth = 1;
  for (const f of [0, 0.5, 1]) {
    const gy = Math.round(y(f * max)) + 0.5;
    g.beginPath();
    g.moveTo(0, gy);
    g.lineTo(w, gy);
    g.stroke();
  }
  if (history.length > 1) {
    g.beginPath();
    history.forEach((v, i) => i === 0 ? g.moveTo(x(i), y(v)) : g.lineTo(x(i), y(v)));
    g.strokeStyle = "#1f7ae0";
    g.lineWidth = 1.5;
    g.stroke();
    g.lineTo(x(history.length - 1), bottom);
    g.lineTo(x(0), bottom);
    g.closePath();
    g.fillStyle = "rgba(31, 122, 224, 0.12)";
    g.fill();
  }
  g.fillStyle = "#5f6b79";
  g.font = "11px system-ui, sans-serif";
  g.textBaseline = "top";
  g.fillText(kbps(max) + " in", 4, 3);
  g.textBaseline = "bottom";
  g.fillText("5 min ago", 4, h - 3);
  g.textAlign = "right";
  g.fillText("now", w - 4, h - 3);
}

// Cards are kept and updated in place, not rebuilt every second, so that a selected URL, a focused
// button or a message stays where the operator left it.
const cards = new Map();

function newCard(s) {
  const key = s.app + "/" + s.name;
  const c = {
    section: el("section", {class: "stream", "data-stream": key}),
    meta: el("div", {class: "meta"}),
    urls: el("div", {class: "urls"}),
    urlText: null,
    kick: el("button", {type: "button", class: "kick"}, "end stream"),
    message: el("div", {class: "message", role: "alert"}),
    figures: el("div", {class: "row"}),
    canvas: el("canvas", {"aria-label": "bitrate over the last five minutes"}),
    tables: el("div", {class: "tables"}),
  };
  c.section.append(el("div", {class: "title"}, el("h2", {}, key), c.kick), c.meta, c.urls, c.message,
    el("div", {class: "row"}, c.figures, el("div", {class: "chart"}, c.canvas)), c.tables);
  c.kick.addEventListener("click", () => kick(s.app, s.name, c));
  return c;
}

// One codec line per kind; an Enhanced RTMP multitrack stream lists each of its tracks.
function codecs(s, type) {
  const tracks = s.tracks.filter(t => t.type === type);
  if (tracks.length > 1) {
    return tracks.map(t => "track " + t.id + ": " + t.summary.replace(/^(video|audio) /, "")).join("; ");
  }
  return s[type] ? s[type].summary.replace(/^(video|audio) /, "") : "no " + type;
}

function updateCard(c, s) {
  const video = codecs(s, "video");
  const audio = codecs(s, "audio");
  const status = s.publisher
    ? el("span", {}, "published by " + s.publisher + " for " + duration(s.uptimeSeconds))
    : el("span", {class: "offline"}, s.reconnecting ? "publisher reconnecting…" : "waiting for a publisher");
  c.meta.replaceChildren(status, " · ", video, " · ", audio);

  const play = urls(s.app + "/" + s.name);
  if (c.urlText !== play.join(" ")) {
    c.urlText = play.join(" ");
    c.urls.replaceChildren(...play.map(u => copyable(u.startsWith("rtmps:") ? "play TLS" : "play", u)),
      el("a", {href: "/play/" + encodeURIComponent(s.app) + "/" + s.name.split("/").map(encodeURIComponent).join("/"),
        target: "_blank", rel: "noopener", class: "watch"}, "watch in the browser"));
  }
  c.kick.hidden = !s.publisher && !s.reconnecting;

  c.figures.replaceChildren(
    figure(kbps(s.bitrateInKbps), "in"),
    figure(kbps(s.bitrateOutKbps), "out"),
    figure(s.frameRate.toFixed(1), "fps"),
    figure((s.keyframeIntervalMs / 1000).toFixed(1) + " s", "keyframe interval"),
    figure(s.players.length, s.players.length === 1 ? "player" : "players"),
    figure(s.recorders, s.recorders === 1 ? "recorder" : "recorders"));
  drawChart(c.canvas, s.bitrateHistoryKbps);

  const tables = [];
  if (s.players.length) {
    const players = el("table", {},
      el("caption", {}, plural(s.players.length, "player")),
      el("tr", {}, el("th", {}, "player"), el("th", {}, "protocol"), el("th", {}, "address"),
        el("th", {class: "num"}, "lag"), el("th", {class: "num"}, "dropped"), el("th", {class: "num"}, "sent")));
    for (const p of s.players) {
      players.append(el("tr", {class: p.lagMs > 1000 ? "lagging" : ""},
        el("td", {}, p.connection !== undefined ? "conn-" + p.connection : "viewer-" + p.viewer),
        el("td", {}, p.protocol), el("td", {}, p.address), el("td", {class: "num"}, p.lagMs + " ms"),
        el("td", {class: "num"}, p.droppedFrames), el("td", {class: "num"}, bytes(p.bytesOut))));
    }
    tables.push(el("div", {class: "table"}, players));
  } else {
    tables.push(el("div", {class: "meta"}, "no players"));
  }
  if (s.recorders) {
    tables.push(el("div", {class: "meta"}, plural(s.recorders, "recorder") + " writing this stream to disk"));
  }
  if (s.pushes && s.pushes.length) {
    const pushes = el("table", {},
      el("caption", {}, s.pushes.length + (s.pushes.length === 1 ? " push" : " pushes") + " to other servers"),
      el("tr", {}, el("th", {}, "target"), el("th", {}, "state"), el("th", {class: "num"}, "attempts"),
        el("th", {class: "num"}, "dropped"), el("th", {class: "num"}, "sent"), el("th", {}, "last error")));
    for (const p of s.pushes) {
      // The URL comes with its stream key already redacted by the server.
      const state = p.state === "waiting" ? "retry in " + Math.ceil(p.nextRetryMs / 1000) + " s" : p.state;
      pushes.append(el("tr", {class: p.state === "publishing" ? "" : "lagging"},
        el("td", {}, p.url), el("td", {}, state), el("td", {class: "num"}, p.attempts),
        el("td", {class: "num"}, p.droppedFrames), el("td", {class: "num"}, bytes(p.bytesSent)),
        el("td", {}, p.lastError || "")));
    }
    tables.push(el("div", {class: "table"}, pushes));
  }
  c.tables.replaceChildren(...tables);
}

async function kick(app, name, c) {
  const key = app + "/" + name;
  if (!confirm("End " + printable(key) + " now? Its publisher is disconnected and its players are told it ended.")) {
    return;
  }
  c.message.textContent = "";
  try {
    const r = await fetch("/api/streams/" + encodeURIComponent(app) + "/" + encodeURIComponent(name),
      {method: "DELETE", cache: "no-store", headers: authHeaders()});
    if (r.status === 204) {
      refresh();
      return;
    }
    const body = await r.json().catch(() => ({}));
    const why = r.status === 401 ? "the API token is missing or wrong"
      : r.status === 403 ? "the API does not answer this browser"
      : r.status === 404 ? "nobody publishes it any more"
      : "HTTP " + r.status;
    c.message.textContent = printable("Could not end " + key + ": " + why + (body.error ? " (" + body.error + ")" : "") + ".");
  } catch (e) {
    c.message.textContent = "Could not end " + printable(key) + ": " + e;
  }
}

/**
 * Shows the message {@code build} makes above the streams, or none if {@code text} is null; rebuilt
 * only when {@code text} changes, so that it can be selected.
 */
let statusText = null;

function showStatus(text, build) {
  if (statusText !== text) {
    statusText = text;
    document.getElementById("status").replaceChildren(...(text === null ? [] : [build()]));
  }
}

function renderCards(streams) {
  const main = document.getElementById("streams");
  const keys = new Set(streams.map(s => s.app + "/" + s.name));
  for (const [key, c] of cards) {
    if (!keys.has(key)) {
      c.section.remove();
      cards.delete(key);
    }
  }
  let previous = null;
  for (const s of streams) {
    const key = s.app + "/" + s.name;
    let c = cards.get(key);
    if (!c) {
      c = newCard(s);
      cards.set(key, c);
    }
    // Moved only when out of place: moving a node would take the focus and selection off it.
    const place = previous ? previous.nextSibling : main.firstChild;
    if (c.section !== place) main.insertBefore(c.section, place);
    updateCard(c, s);
    previous = c.section;
  }
}

function render(streams) {
  renderCards(streams);
  const publish = urls("live/KEY");
  showStatus(streams.length ? null : "empty " + publish.join(" "), () => el("div", {class: "empty"},
    el("div", {}, "No live streams."),
    el("div", {}, "Publish to ", ...publish.flatMap((u, i) => i === 0 ? [el("b", {}, u)] : [" or ", el("b", {}, u)]),
      ", then play the same URL.")));
}

function refused(status, error) {
  const message = status === 401
    ? (token ? "The server refused this API token. Enter the value of its --api-token option above."
             : "The API needs a token: enter the value of the server's --api-token option above, or open this page as /#token=TOKEN.")
    : "The API refused this browser: " + (error || "forbidden") + ".";
  renderCards([]);
  showStatus("refused " + message, () => el("div", {class: "notice", role: "alert"}, message));
  document.getElementById("totals").textContent = status === 401 ? "not authorized" : "forbidden";
}

async function loadServer() {
  const r = await fetch("/api/server", {cache: "no-store", headers: authHeaders()});
  return r.ok ? r.json() : null;
}

async function refresh() {
  try {
    if (!server) server = await loadServer();
    const r = await fetch("/api/streams", {cache: "no-store", headers: authHeaders()});
    if (r.status === 401 || r.status === 403) {
      const body = await r.json().catch(() => ({}));
      refused(r.status, body.error);
      return;
    }
    if (!r.ok) {
      throw new Error("HTTP " + r.status);
    }
    const data = await r.json();
    render(data.streams);
    const players = data.streams.reduce((n, s) => n + s.players.length, 0);
    const recorders = data.streams.reduce((n, s) => n + s.recorders, 0);
    const kbpsIn = data.streams.reduce((n, s) => n + s.bitrateInKbps, 0);
    document.getElementById("totals").textContent = [plural(data.streams.length, "stream"), plural(players, "player")]
      .concat(recorders ? [plural(recorders, "recorder")] : [])
      .concat([kbps(kbpsIn) + " in", "updated " + new Date().toLocaleTimeString()]).join(" · ");
  } catch (e) {
    document.getElementById("totals").textContent = "cannot reach the server: " + e;
  }
}

async function loop() {
  await refresh();
  setTimeout(loop, REFRESH_MS);
}

loop();
