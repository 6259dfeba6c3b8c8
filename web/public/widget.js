/*
 * Baclofen self-assessment chat widget.
 *
 * Embed with one script tag; everything else is loaded from the same server (no CDN):
 *   <script src="https://BOT-HOST/widget.js" data-rasa-url="https://RASA-HOST" defer></script>
 *
 * deep-chat (npm) draws the chat; this file adapts it to Rasa's socket.io protocol
 * (session_request / session_confirm / user_uttered / bot_uttered), renders Rasa's quick replies
 * as buttons, and shows an emergency banner when a reply's custom payload says so.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(script.src).origin;
  var rasaUrl = script.dataset.rasaUrl || base.replace(/:\d+$/, "") + ":5005";
  var fallbackNumber = script.dataset.emergencyNumber || "911";
  var KEY = "baclofen-bot";

  function load(src, isModule) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      if (isModule) s.type = "module";
      s.onload = resolve;
      s.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(s);
    });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.append(c); });
    return node;
  }

  function telLink(text) {
    var digits = (String(text).match(/\d[\d\s-]*\d|\d/) || [""])[0].replace(/[\s-]/g, "");
    return el("a", { href: "tel:" + digits }, [String(text)]);
  }

  function sessionId() {
    var id = localStorage.getItem(KEY + "-session");
    if (!id) {
      id = crypto.randomUUID ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
      localStorage.setItem(KEY + "-session", id);
    }
    return id;
  }

  // Quick replies are drawn as buttons. Titles and payloads are escaped: the html of a message
  // is only ever built here, from the bot's own buttons.
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function buttonsHtml(replies) {
    return '<div class="bb-replies" role="group" aria-label="Quick replies">' + replies.map(function (r) {
      return '<button type="button" class="deep-chat-button bb-reply" data-payload="' + escapeHtml(r.payload) + '">' + escapeHtml(r.title) + "</button>";
    }).join(" ") + "</div>";
  }

  function start() {
    var root = el("section", { class: "bb-widget", "aria-label": "Baclofen symptom self-assessment chat" });
    var banner = el("div", { class: "bb-banner", role: "alert", "data-testid": "emergency-banner", hidden: "" });
    var notice = el("div", { class: "bb-notice", role: "status", "data-testid": "urgent-notice", hidden: "" });
    var disclaimer = el("p", { class: "bb-disclaimer", "data-testid": "disclaimer" }, [
      "This chat is a self-assessment, not a diagnosis. In an emergency call ", telLink(fallbackNumber), " now.",
    ]);
    var chat = document.createElement("deep-chat");
    chat.className = "bb-chat";
    chat.setAttribute("aria-label", "Chat messages and message box");
    root.append(disclaimer, banner, notice);

    function showTriage(triage) {
      var contact = triage.contact || {};
      if (triage.level === "emergency") {
        banner.replaceChildren(
          el("strong", {}, ["Emergency"]),
          "Call ", telLink(contact.emergency_number || fallbackNumber), " now, or ask someone to call. Do not drive yourself."
        );
        if (contact.crisis_line) {
          banner.append(el("br"), "If you are thinking about harming yourself, call or text ", telLink(contact.crisis_line), ".");
        }
        banner.hidden = false;
        notice.hidden = true;
      } else if (triage.level === "urgent" && banner.hidden) {
        notice.replaceChildren("Contact the prescriber, the pump team or an urgent-care service today. If things get worse, call ",
          telLink(contact.emergency_number || fallbackNumber), ".");
        notice.hidden = false;
      }
    }
    var saved = localStorage.getItem(KEY + "-triage");
    if (saved) { try { JSON.parse(saved).forEach(showTriage); } catch (e) { localStorage.removeItem(KEY + "-triage"); } }
    function remember(triage) {
      var all = [];
      try { all = JSON.parse(localStorage.getItem(KEY + "-triage") || "[]"); } catch (e) { all = []; }
      all.push({ level: triage.level, contact: triage.contact });
      localStorage.setItem(KEY + "-triage", JSON.stringify(all.slice(-5)));
    }

    // A font family of our own (on the element's style) stops deep-chat from fetching its
    // default font from a CDN.
    chat.style.fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
    chat.chatStyle = { width: "100%", height: "min(70vh, 640px)", borderRadius: "8px" };
    chat.browserStorage = { key: KEY + "-messages", maxMessages: 200 };
    chat.introMessage = { text: "Describe in your own words how you (or the person you care for) feel, or ask a question about baclofen." };
    chat.textInput = { placeholder: { text: "Type how you feel…" }, characterLimit: 2000 };
    chat.requestBodyLimits = { maxMessages: 1 };
    chat.htmlClassUtilities = {
      "bb-reply": {
        events: { click: function (event) { chat.submitUserMessage({ text: event.target.dataset.payload }); } },
      },
    };
    chat.connect = {
      websocket: true,
      handler: function (_, signals) {
        var id = sessionId();
        var socket = window.io(rasaUrl, { transports: ["websocket"] });
        socket.on("connect", function () { socket.emit("session_request", { session_id: id }); });
        socket.on("session_confirm", function () { signals.onOpen(); });
        socket.on("disconnect", function () { signals.onClose(); });
        socket.on("bot_uttered", function (msg) {
          if (msg && msg.custom && msg.custom.triage) {
            remember(msg.custom.triage);
            showTriage(msg.custom.triage);
            return;
          }
          if (msg && msg.text) signals.onResponse({ text: msg.text });
          if (msg && msg.quick_replies && msg.quick_replies.length) signals.onResponse({ html: buttonsHtml(msg.quick_replies) });
        });
        signals.newUserMessage.listener = function (body) {
          var text = (body.messages || []).map(function (m) { return m.text || ""; }).join(" ");
          socket.emit("user_uttered", { message: text, session_id: id });
        };
      },
    };
    // Attached only now, with every property set: deep-chat reads them when it connects.
    root.append(chat);
    script.after(root);
  }

  var css = el("link", { rel: "stylesheet", href: base + "/widget.css" });
  document.head.appendChild(css);
  Promise.all([load(base + "/vendor/socket.io.min.js"), load(base + "/vendor/deepChat.bundle.js", true)])
    .then(start)
    .catch(function (error) {
      var p = el("p", { class: "bb-disclaimer", role: "alert" }, ["The chat could not load. In an emergency call ", telLink(fallbackNumber), " now."]);
      script.after(p);
      console.error(error);
    });
})();
