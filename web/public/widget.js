/*
 * Baclofen self-assessment chat widget.
 *
 * Embed with one script tag; everything else is loaded from the same server (no CDN):
 *   <script src="https://BOT-HOST/widget.js" data-rasa-url="https://RASA-HOST" defer></script>
 *
 * deep-chat (npm) draws the chat; this file adapts it to Rasa's socket.io protocol
 * (session_request / session_confirm / user_uttered / bot_uttered), renders Rasa's quick replies
 * as buttons, and shows an emergency banner when a reply's custom payload says so.
 *
 * When the bot cannot be reached, a lasting notice says so with the emergency number as a tel:
 * link, and what the person types waits here and is sent once the connection is back. Buttons of
 * an earlier question are not sent: the person is told to answer the latest one.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(script.src).origin;
  var rasaUrl = script.dataset.rasaUrl || base.replace(/:\d+$/, "") + ":5005";
  var fallbackNumber = script.dataset.emergencyNumber || "911";
  // The clinician view (off by default): what the bot understood beside the chat.
  var clinician = script.dataset.clinician === "true";
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
  function buttonsHtml(replies, group) {
    return '<div class="bb-replies" role="group" aria-label="Quick replies" data-group="' + group + '">' + replies.map(function (r) {
      return '<button type="button" class="deep-chat-button bb-reply" data-payload="' + escapeHtml(r.payload) + '">' + escapeHtml(r.title) + "</button>";
    }).join(" ") + "</div>";
  }

  function start() {
    var root = el("section", { class: "bb-widget", "aria-label": "Baclofen symptom self-assessment chat" });
    var banner = el("div", { class: "bb-banner", role: "alert", "data-testid": "emergency-banner", hidden: "" });
    var notice = el("div", { class: "bb-notice", role: "status", "data-testid": "urgent-notice", hidden: "" });
    var offline = el("div", { class: "bb-offline", role: "alert", "data-testid": "offline-notice", hidden: "" });
    var disclaimer = el("p", { class: "bb-disclaimer", "data-testid": "disclaimer" }, [
      "This chat is a self-assessment, not a diagnosis. In an emergency call ", telLink(fallbackNumber), " now.",
    ]);
    var chat = document.createElement("deep-chat");
    chat.className = "bb-chat";
    chat.setAttribute("aria-label", "Chat messages and message box");
    root.append(disclaimer, banner, offline, notice);
    // Not connected: said at once and kept on screen until the bot answers again.
    var waiting = [];
    function showOffline() {
      offline.replaceChildren(
        el("strong", {}, ["Not connected to the assistant."]),
        " If this is an emergency, call ", telLink(fallbackNumber), " now. ",
        waiting.length ? "Your message will be sent as soon as the connection is back." : "Trying to reconnect…"
      );
      offline.hidden = false;
    }
    // Buttons belong to the question they came with; only the latest question's can be pressed.
    var latestGroup = localStorage.getItem(KEY + "-buttons") || "";
    function newGroup() {
      latestGroup = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
      localStorage.setItem(KEY + "-buttons", latestGroup);
      return latestGroup;
    }
    var panel = clinician ? clinicianPanel(root) : null;
    var current = null;

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
    // No character limit here: deep-chat cut a pasted message at the limit without a word, so the
    // end of it (a red flag, say) was never sent. The server takes any length: it scans a message over
    // MAX_MESSAGE_CHARS for red flags, answers them, and says the message was too long.
    chat.textInput = { placeholder: { text: "Type how you feel…" } };
    chat.requestBodyLimits = { maxMessages: 1 };
    var respond = null;  // deep-chat's onResponse, once connected
    var latestSummary = null;  // the latest summary for the doctor (custom.summary), for printing
    chat.htmlClassUtilities = {
      "bb-print": { events: { click: function () { if (latestSummary) printSummary(latestSummary); } } },
      "bb-reply": {
        events: {
          click: function (event) {
            var group = event.target.closest(".bb-replies");
            if (!group || group.dataset.group !== latestGroup) {
              if (respond) respond({ text: "That button belongs to an earlier question, so I did not use it. Please answer the latest question, or type what you want to say." });
              return;
            }
            chat.submitUserMessage({ text: event.target.dataset.payload });
          },
        },
      },
    };
    // The summary as a page of its own, printed (or saved as a PDF) by the browser's print dialog.
    // Built with textContent only: nothing the person typed can become HTML.
    function printSummary(summary) {
      var page = window.open("", "_blank");
      if (!page) return;
      var doc = page.document;
      doc.title = "Summary for the doctor";
      var body = doc.body;
      function add(tag, text) { var node = doc.createElement(tag); node.textContent = text; body.appendChild(node); return node; }
      add("h1", "Summary for the doctor");
      add("p", "Made " + summary.made + " (UTC) by a self-assessment chatbot.");
      if (summary.route) add("p", "Baclofen taken as: " + summary.route + ".");
      [["What was reported", summary.reported], ["What happened with the doses", summary.doses],
       ["What the self-assessment said", summary.levels], ["Check-ins", summary.checkins]].forEach(function (part) {
        if (!part[1] || !part[1].length) return;
        add("h2", part[0]);
        var list = add("ul", "");
        part[1].forEach(function (line) { var li = doc.createElement("li"); li.textContent = line; list.appendChild(li); });
      });
      add("p", summary.note || "");
      page.print();
    }
    chat.connect = {
      websocket: true,
      handler: function (_, signals) {
        var id = sessionId();
        // deep-chat may call the handler again (when it re-renders): one live socket only,
        // or every reply would arrive twice.
        if (current) current.disconnect();
        // The default transports: long polling first, then an upgrade to websockets (a proxy that
        // blocks websockets still gets a chat).
        var socket = window.io(rasaUrl);
        var confirmed = false;
        current = socket;
        respond = signals.onResponse;
        function send(text) {
          latestGroup = "";  // any message answers the question on screen
          localStorage.setItem(KEY + "-buttons", "");
          socket.emit("user_uttered", { message: text, session_id: id });
          if (panel) panel.said(text);
        }
        signals.onOpen();  // the message box stays usable while disconnected: messages wait here
        socket.on("connect", function () { socket.emit("session_request", { session_id: id }); });
        socket.on("session_confirm", function () {
          confirmed = true;
          offline.hidden = true;
          waiting.splice(0).forEach(send);
        });
        function lost() {
          if (socket !== current) return;  // an old socket closed on purpose
          confirmed = false;
          showOffline();
        }
        socket.on("disconnect", lost);
        socket.on("connect_error", lost);
        socket.on("bot_uttered", function (msg) {
          if (msg && msg.custom && msg.custom.triage) {
            remember(msg.custom.triage);
            showTriage(msg.custom.triage);
            if (panel) panel.triage(msg.custom.triage);
            return;
          }
          if (msg && msg.custom && msg.custom.summary) {
            latestSummary = msg.custom.summary;
            signals.onResponse({ html: '<button class="bb-print" data-testid="print-summary">Printable summary (or save as PDF)</button>' });
            return;
          }
          if (msg && msg.text) signals.onResponse({ text: msg.text });
          if (msg && msg.quick_replies && msg.quick_replies.length) signals.onResponse({ html: buttonsHtml(msg.quick_replies, newGroup()) });
        });
        signals.newUserMessage.listener = function (body) {
          var text = (body.messages || []).map(function (m) { return m.text || ""; }).join(" ");
          if (confirmed) {
            send(text);
          } else {
            waiting.push(text);
            showOffline();
          }
        };
      },
    };
    // Attached only now, with every property set: deep-chat reads them when it connects.
    root.append(chat);
    script.after(root);
  }

  // The clinician panel: each message with the intent, its confidence and what was understood
  // (from the Rasa server's /webhooks/clinician/parse), each triage with its reasons and sources,
  // and a button that saves the conversation as a scenario file (tests/flows format).
  function clinicianPanel(root) {
    root.classList.add("bb-clinician");
    var list = el("ol", { class: "bb-turns" });
    var save = el("button", { type: "button", class: "bb-save", "data-testid": "save-scenario" }, ["Save as scenario"]);
    var aside = el("aside", { class: "bb-panel", "aria-label": "What the bot understood", "data-testid": "clinician-panel" }, [
      el("h2", {}, ["What the bot understood"]), list, save,
    ]);
    root.append(aside);
    var turns = [];  // {text, understood: ["id, context"], level}
    var titles = {};  // source id -> title, for the reasons
    fetch(rasaUrl + "/webhooks/clinician/sources").then(function (r) { return r.json(); })
      .then(function (b) { titles = b.sources || {}; }).catch(function () {});
    // A finding in the scenario format's words: "fever", "fever, negated", "confusion, someone else".
    function written(f) {
      var context = f.assertion === "present" ? "" : f.assertion;
      if (f.assertion === "present" && f.experiencer === "other") context = "someone else";
      return f.id + (context ? ", " + context : "");
    }
    save.addEventListener("click", function () {
      var judged = turns.map(function (t, i) { return { turn: i + 1, level: t.level }; }).filter(function (t) { return t.level; });
      var last = judged.length ? judged[judged.length - 1] : null;
      var lines = [
        "# yaml-language-server: $schema=../../bot/flows/scenario.schema.json",
        "topic: Saved from the clinician view",
        "scenarios:",
        "  - name: " + JSON.stringify("Conversation of " + new Date().toISOString().slice(0, 16).replace("T", " ")),
        "    turns:",
      ];
      turns.forEach(function (t) {
        lines.push("      - patient: " + JSON.stringify(t.text));
        if (t.understood && t.understood.length) lines.push("        understood: " + JSON.stringify(t.understood));
        if (t.level) lines.push("        level: " + t.level);
      });
      lines.push("    expect:", "      level: " + (last ? last.level : "none"));
      if (last) lines.push("      in turn: " + last.turn);
      var blob = new Blob([lines.join("\n") + "\n"], { type: "text/yaml" });
      var link = el("a", { href: URL.createObjectURL(blob), download: "scenario.yml" });
      document.body.append(link);
      link.click();
      link.remove();
    });
    return {
      said: function (text) {
        var turn = { text: text, understood: null, level: null };
        turns.push(turn);
        var item = el("li", { class: "bb-turn" }, [el("q", {}, [text])]);
        list.append(item);
        fetch(rasaUrl + "/webhooks/clinician/parse", {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text: text }),
        }).then(function (r) { return r.json(); }).then(function (p) {
          if (p.error) { item.append(el("div", {}, [p.error])); return; }
          item.append(el("div", { class: "bb-intent" }, ["intent: " + p.intent + " (" + p.confidence.toFixed(2) + ")"]));
          // Each finding once (a phrase may be matched twice), in the scenario format's words.
          var seen = {};
          var findings = (p.findings || []).filter(function (f) {
            var key = f.kind + ":" + f.id + ":" + f.assertion;
            if (seen[key]) return false;
            seen[key] = true;
            return true;
          });
          turn.understood = findings.map(written);
          // A carer's report: said once for the message (the triage counts every symptom in it as
          // the patient's), not per finding, where ConText's reach marked only some of them.
          var carer = findings.some(function (f) { return f.experiencer === "other"; });
          var shown = findings.map(function (f) { return f.kind + ": " + f.id + " (" + f.assertion + ")"; });
          if (carer) item.append(el("div", { class: "bb-carer", "data-testid": "carer-note" }, ["told by someone else about the patient"]));
          item.append(el("div", { class: "bb-understood" }, ["understood: " + (shown.join(", ") || "nothing from the catalogue")]));
        }).catch(function () { item.append(el("div", {}, ["(could not ask the server)"])); });
      },
      triage: function (triage) {
        if (turns.length) turns[turns.length - 1].level = triage.level;
        var reasons = el("ul", {}, (triage.reasons || []).map(function (r) {
          var cited = (r.sources || []).map(function (id) { return titles[id] || id; });
          return el("li", {}, [r.text, cited.length ? el("div", { class: "bb-sources" }, ["Sources: " + cited.join("; ")]) : ""]);
        }));
        list.append(el("li", { class: "bb-triage", "data-level": triage.level }, [el("strong", {}, ["Triage: " + triage.level]), reasons]));
      },
    };
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
