// The chat page: one WebSocket to /ws; each text frame is one line of the
// server's text protocol. Every line received is put into the page with
// `textContent` (never parsed as HTML), so text is always shown as text; control
// characters are shown as small labels (<ESC>, <U+0007>) rather than passed to
// the page.
"use strict";

const log = document.getElementById("log");
const statusLine = document.getElementById("status");
const joinForm = document.getElementById("join");
const sendForm = document.getElementById("send");
const message = document.getElementById("message");
const sendButton = document.getElementById("send-button");

// Reconnect after a dropped connection: 0.5 s, then doubling, at most 15 s,
// with some jitter so that many pages do not come back at once.
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 15000;
const LOG_MAX = 1000;

let socket = null;
let wanted = null; // { nick, room } while the person wants to be connected
let backoff = BACKOFF_FIRST_MS;
let retryTimer = null;

const NAMES = { 0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x09: "TAB", 0x0a: "LF", 0x0d: "CR", 0x1b: "ESC", 0x7f: "DEL" };

function isControl(code) {
  return code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0x2028 || code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069) ||
    code === 0x200e || code === 0x200f || code === 0x061c;
}

// Appends `text` to `parent` as text nodes, with each control character
// replaced by a labelled span whose text is its name.
function appendInert(parent, text) {
  let run = "";
  for (const ch of text) {
    const code = ch.codePointAt(0);
    if (isControl(code)) {
      if (run) { parent.appendChild(document.createTextNode(run)); run = ""; }
      const label = document.createElement("span");
      label.className = "ctl";
      label.textContent = NAMES[code] || "U+" + code.toString(16).toUpperCase().padStart(4, "0");
      parent.appendChild(label);
    } else {
      run += ch;
    }
  }
  if (run) parent.appendChild(document.createTextNode(run));
}

function show(text, kind) {
  const item = document.createElement("li");
  if (kind) item.className = kind;
  appendInert(item, text);
  const atBottom = log.parentElement.scrollTop + log.parentElement.clientHeight >= log.parentElement.scrollHeight - 4;
  log.appendChild(item);
  while (log.childElementCount > LOG_MAX) log.firstElementChild.remove();
  if (atBottom) log.parentElement.scrollTop = log.parentElement.scrollHeight;
}

function setStatus(text) { statusLine.textContent = text; }

function setConnected(on) {
  message.disabled = !on;
  sendButton.disabled = !on;
}

function connect() {
  clearTimeout(retryTimer);
  retryTimer = null;
  if (!wanted) return;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(scheme + "//" + location.host + "/ws");
  socket = ws;
  setStatus("connecting…");
  ws.onopen = () => {
    backoff = BACKOFF_FIRST_MS;
    setStatus("connected as " + wanted.nick);
    setConnected(true);
    ws.send("/nick " + wanted.nick);
    if (wanted.room && wanted.room !== "lobby") ws.send("/join " + wanted.room);
  };
  ws.onmessage = (event) => {
    if (typeof event.data !== "string") return;
    const line = event.data;
    const kind = line.startsWith("! ") ? "error" : line.startsWith("* ") ? "notice" : "";
    show(line, kind);
  };
  ws.onclose = (event) => {
    if (socket !== ws) return;
    socket = null;
    setConnected(false);
    if (!wanted) { setStatus("not connected"); return; }
    const delay = Math.round(backoff * (0.75 + Math.random() * 0.5));
    backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
    setStatus("disconnected (" + (event.code || "no code") + "); reconnecting in " + (delay / 1000).toFixed(1) + " s");
    retryTimer = setTimeout(connect, delay);
  };
}

joinForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const nick = document.getElementById("nick").value.trim();
  const room = document.getElementById("room").value.trim() || "lobby";
  if (!nick) return;
  wanted = { nick, room };
  backoff = BACKOFF_FIRST_MS;
  if (socket) {
    const old = socket;
    socket = null;
    old.close();
  }
  connect();
});

sendForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = message.value;
  if (!text || !socket || socket.readyState !== WebSocket.OPEN) return;
  // One message is one line: the server refuses a frame with a line break.
  for (const line of text.split(/\r?\n/)) {
    if (line) {
      socket.send(line);
      if (!line.startsWith("/")) show(wanted.nick + ": " + line, "mine");
    }
  }
  message.value = "";
});

// `?nick=ann&room=den` connects at once (the browser test uses it).
const params = new URLSearchParams(location.search);
if (params.get("nick")) {
  document.getElementById("nick").value = params.get("nick");
  if (params.get("room")) document.getElementById("room").value = params.get("room");
  joinForm.requestSubmit();
}
