/* Concord web chat widget: <script src=".../helpdesk/chat/widget.js" data-channel="TOKEN" async></script>
 * Injects a button and a chat panel, talks to Concord's public chat endpoints (no cookies: the channel
 * token and a visitor key kept in localStorage), polls for new messages every 2 s. Text is always set
 * with textContent, never as HTML. No framework. */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-channel]");
  if (!script || window.__concordChat) { return; }
  window.__concordChat = true;
  var token = script.getAttribute("data-channel");
  if (!token) { return; }
  var party = script.getAttribute("data-party") || "";
  var base = script.src.replace(/widget\.js(\?.*)?$/, "") + encodeURIComponent(token);
  var storeKey = "concord-chat:" + token;
  var ui = {
    open: "Chat with us", close: "Close the chat window", title: "Chat", message: "Your message",
    send: "Send", placeholder: "Type your question…", error: "The chat is not available right now.",
    visitor: "You", bot: "Assistant", agent: "Agent", system: ""
  };
  var state = load();
  var lastId = 0;
  var seen = {};
  var timer = null;
  var started = false;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "{}") || {}; } catch (e) { return {}; }
  }
  function save() {
    try { window.localStorage.setItem(storeKey, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  var css = ".cc-btn{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:24px;" +
    "padding:12px 18px;background:#0d6efd;color:#fff;font:600 15px system-ui,sans-serif;cursor:pointer;" +
    "box-shadow:0 4px 12px rgba(0,0,0,.25)}" +
    ".cc-panel{position:fixed;right:20px;bottom:80px;z-index:2147483000;width:340px;max-width:calc(100vw - 40px);" +
    "height:460px;max-height:calc(100vh - 120px);display:flex;flex-direction:column;background:#fff;color:#212529;" +
    "border:1px solid #ccc;border-radius:12px;box-shadow:0 8px 24px rgba(0,0,0,.25);font:14px system-ui,sans-serif}" +
    ".cc-panel[hidden]{display:none}" +
    ".cc-head{display:flex;align-items:center;padding:10px 12px;background:#0d6efd;color:#fff;border-radius:12px 12px 0 0}" +
    ".cc-head h2{font-size:15px;margin:0;flex:1}.cc-x{background:none;border:0;color:#fff;font-size:20px;cursor:pointer}" +
    ".cc-log{flex:1;overflow-y:auto;padding:10px;margin:0;list-style:none}" +
    ".cc-msg{margin:0 0 8px;padding:7px 10px;border-radius:10px;max-width:85%;white-space:pre-wrap;word-wrap:break-word}" +
    ".cc-visitor{background:#0d6efd;color:#fff;margin-left:auto}.cc-bot,.cc-agent{background:#f1f3f5}" +
    ".cc-system{color:#6c757d;font-size:12px;text-align:center;max-width:100%}" +
    ".cc-who{display:block;font-size:11px;opacity:.7}" +
    ".cc-form{display:flex;gap:6px;padding:8px;border-top:1px solid #ddd}" +
    ".cc-form textarea{flex:1;resize:none;height:40px;padding:6px;border:1px solid #ccc;border-radius:6px;font:inherit}" +
    ".cc-form button{border:0;border-radius:6px;background:#0d6efd;color:#fff;padding:0 12px;cursor:pointer}" +
    ".cc-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}" +
    ".cc-note{color:#b02a37;font-size:12px;padding:0 10px}";
  var style = el("style");
  style.textContent = css;
  var button = el("button", { type: "button", "class": "cc-btn", "aria-expanded": "false" }, ui.open);
  var panel = el("section", { "class": "cc-panel", role: "dialog", "aria-label": ui.title });
  panel.hidden = true;
  var head = el("div", { "class": "cc-head" });
  var title = el("h2", {}, ui.title);
  var closeBtn = el("button", { type: "button", "class": "cc-x", "aria-label": ui.close }, "×");
  head.appendChild(title); head.appendChild(closeBtn);
  var log = el("ol", { "class": "cc-log", "aria-live": "polite" });
  var note = el("div", { "class": "cc-note", role: "status" });
  var form = el("form", { "class": "cc-form" });
  var label = el("label", { "for": "cc-text-" + token, "class": "cc-sr" }, ui.message);
  var input = el("textarea", { id: "cc-text-" + token, name: "text", maxlength: "2000", placeholder: ui.placeholder });
  var send = el("button", { type: "submit" }, ui.send);
  form.appendChild(label); form.appendChild(input); form.appendChild(send);
  panel.appendChild(head); panel.appendChild(log); panel.appendChild(note); panel.appendChild(form);

  function mount() {
    document.head.appendChild(style);
    document.body.appendChild(button);
    document.body.appendChild(panel);
  }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }

  function applyUi(labels) {
    if (!labels) { return; }
    Object.keys(labels).forEach(function (k) { ui[k] = labels[k]; });
    button.textContent = ui.open; title.textContent = ui.title; label.textContent = ui.message;
    closeBtn.setAttribute("aria-label", ui.close); input.setAttribute("placeholder", ui.placeholder);
    send.textContent = ui.send; panel.setAttribute("aria-label", ui.title);
  }

  function request(method, url, body) {
    var options = { method: method, credentials: "omit", cache: "no-store" };
    if (body) { options.body = JSON.stringify(body); options.headers = { "Content-Type": "text/plain" }; }
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  function show(messages) {
    (messages || []).forEach(function (m) {
      if (seen[m.id]) { return; }
      seen[m.id] = true;
      lastId = Math.max(lastId, m.id);
      var item = el("li", { "class": "cc-msg cc-" + m.sender });
      var who = m.sender === "agent" && m.author ? m.author : ui[m.sender];
      if (who) { item.appendChild(el("span", { "class": "cc-who" }, who)); }
      item.appendChild(document.createTextNode(m.text));
      log.appendChild(item);
    });
    log.scrollTop = log.scrollHeight;
  }

  function start() {
    started = true;
    return request("POST", base + "/start", { visitor_key: state.visitor_key || "", party: party }).then(function (r) {
      if (r.status !== 201) { note.textContent = (r.data && r.data.detail) || ui.error; started = false; return; }
      state = { conversation: r.data.conversation, visitor_key: r.data.visitor_key };
      save();
      applyUi(r.data.ui);
      show(r.data.messages);
      poll();
    }).catch(function () { note.textContent = ui.error; started = false; });
  }

  function messagesUrl() { return base + "/conversations/" + state.conversation + "/messages"; }

  function poll() {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(function () {
      if (panel.hidden || !state.conversation) { timer = null; return; }
      var url = messagesUrl() + "?visitor=" + encodeURIComponent(state.visitor_key) + "&after=" + lastId;
      request("GET", url).then(function (r) {
        if (r.status === 200) { show(r.data.messages); }
        if (r.status === 404) { state = {}; save(); started = false; return; }
        poll();
      }).catch(poll);
    }, 2000);
  }

  button.addEventListener("click", function () {
    panel.hidden = !panel.hidden;
    button.setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden) {
      if (!started) { start(); } else { poll(); }
      input.focus();
    }
  });
  closeBtn.addEventListener("click", function () { panel.hidden = true; button.setAttribute("aria-expanded", "false"); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit")); }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text || !state.conversation) { return; }
    send.disabled = true;
    note.textContent = "";
    request("POST", messagesUrl(), { visitor_key: state.visitor_key, text: text, after: String(lastId) }).then(function (r) {
      send.disabled = false;
      if (r.status === 201) { input.value = ""; show(r.data.messages); return; }
      if (r.status === 409) { state = {}; save(); started = false; start(); }
      note.textContent = (r.data && r.data.detail) || ui.error;
    }).catch(function () { send.disabled = false; note.textContent = ui.error; });
  });
})();
