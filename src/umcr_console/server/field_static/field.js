// The field page (issue 24, docs/field.md). Plain JavaScript, no framework.
//
// Every action is an event of protocol v1 (plus the help-now extension) with an
// id made here (UUIDv7). It goes into the outbox (IndexedDB) first and is sent
// from there, in order, until the server answers for it: accepted, duplicate
// (sent before: nothing happens twice) or rejected (shown, with the reason).
// So an action taken with no signal waits on the phone, is shown as waiting,
// and leaves once, in order, when the signal returns.
//
// The token lives in sessionStorage (this tab only) and travels only in the
// Authorization header: no cookie, so no cross-site request can act for the team.
"use strict";
(() => {
  const API = "/api/v1";
  const TOKEN_KEY = "umcr-field-token";
  const ASSIGNMENT_KEY = "umcr-field-assignment";
  const STATION_KEY = "umcr-field-workstation";
  const POLL_MS = 4000;
  const POLL_HELP_MS = 1500;
  const RETRY_MS = 3000;
  const POSITION_EVERY_MS = 3 * 60 * 1000;
  const ON_CALL = ["dispatched", "en_route", "on_scene", "transporting"];
  const $ = (id) => document.getElementById(id);

  let assignment = null;
  let lastPosition = null;
  let watching = null;
  let flushing = false;
  let flushAgain = false;
  let retryTimer = null;
  let pollTimer = null;
  let lastPositionSent = 0;
  let refusedShown = [];
  let queuedItems = []; // the outbox as last read: render() shows it as done

  // ---- ids, time, text ---------------------------------------------------
  function uuid7() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    let ms = Date.now();
    for (let i = 5; i >= 0; i--) {
      b[i] = ms % 256;
      ms = Math.floor(ms / 256);
    }
    b[6] = (b[6] & 0x0f) | 0x70;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function workstation() {
    let id = localStorage.getItem(STATION_KEY);
    if (!id) {
      id = "field-" + uuid7().slice(-12);
      localStorage.setItem(STATION_KEY, id);
    }
    return id;
  }

  const clock = (iso) =>
    iso
      ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      : "";

  function setText(id, text) {
    $(id).textContent = text || "";
  }

  function listInto(id, items, render) {
    const list = $(id);
    list.replaceChildren(
      ...items.map((item) => {
        const li = document.createElement("li");
        li.textContent = render(item);
        return li;
      })
    );
  }

  // ---- the outbox (IndexedDB) ---------------------------------------------
  let dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const open = indexedDB.open("umcr-field", 1);
        open.onupgradeneeded = () =>
          open.result.createObjectStore("outbox", { keyPath: "n", autoIncrement: true });
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
    }
    return dbPromise;
  }

  async function store(mode, work) {
    const d = await db();
    return new Promise((resolve, reject) => {
      const t = d.transaction("outbox", mode);
      const request = work(t.objectStore("outbox"));
      // Resolved once the transaction is on disk, not when the request is queued.
      t.oncomplete = () => resolve(request.result);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
  }

  const queued = () => store("readonly", (s) => s.getAll()); // in key order: the order taken
  const enqueue = (item) => store("readwrite", (s) => s.add(item));
  const dequeue = (n) => store("readwrite", (s) => s.delete(n));

  // ---- the session -------------------------------------------------------
  const token = () => sessionStorage.getItem(TOKEN_KEY);

  function showSignIn(why) {
    $("signin").hidden = false;
    $("work").hidden = !assignment;
    setText("signin-error", why);
  }

  async function signIn(event) {
    event.preventDefault();
    setText("signin-error", "");
    $("signin-button").disabled = true;
    try {
      const response = await fetch(API + "/auth/token", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username: $("username").value.trim(), password: $("password").value }),
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        setText("signin-error", body.detail || `sign-in refused (${response.status})`);
        return;
      }
      if (body.role !== "field") {
        await fetch(API + "/auth/token", {
          method: "DELETE",
          headers: { Authorization: "Bearer " + body.access_token },
        }).catch(() => {});
        setText("signin-error", "This page is for field teams; use the console.");
        return;
      }
      sessionStorage.setItem(TOKEN_KEY, body.access_token);
      $("password").value = "";
      $("signin").hidden = true;
      $("work").hidden = false;
      setText("session", `${body.username} · until ${clock(body.expires_at)}`);
      await refresh();
      flush();
    } catch (e) {
      setLink(false);
      setText("signin-error", "No signal: sign in when the phone is back online.");
    } finally {
      $("signin-button").disabled = false;
    }
  }

  async function signOut() {
    const t = token();
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(ASSIGNMENT_KEY);
    assignment = null;
    if (t) {
      await fetch(API + "/auth/token", {
        method: "DELETE",
        headers: { Authorization: "Bearer " + t },
      }).catch(() => {});
    }
    $("work").hidden = true;
    showSignIn("");
  }

  // ---- link state --------------------------------------------------------
  function setLink(online) {
    const link = $("link");
    link.textContent = online ? "online" : "NO SIGNAL";
    link.className = online ? "link-online" : "link-offline";
    document.body.dataset.link = online ? "online" : "offline";
  }

  function scheduleRetry() {
    if (retryTimer === null) {
      retryTimer = setTimeout(() => {
        retryTimer = null;
        flush();
      }, RETRY_MS);
    }
  }

  // ---- sending -----------------------------------------------------------
  async function act(type, entityId, payload, label) {
    const event = {
      event_id: uuid7(),
      type,
      entity_id: entityId,
      occurred_at: new Date().toISOString(),
      workstation_id: workstation(),
      expected_version: null,
      payload,
    };
    await enqueue({ event, label, queued_at: event.occurred_at });
    await renderQueue();
    flush();
    return event;
  }

  async function flush() {
    if (flushing) {
      flushAgain = true;
      return;
    }
    flushing = true;
    let sentSome = false;
    try {
      for (;;) {
        flushAgain = false;
        const items = await queued();
        await renderQueue(items);
        if (!items.length) break;
        const t = token();
        if (!t) {
          showSignIn("Sign in again to send what is waiting (nothing is lost).");
          break;
        }
        const batch = items.slice(0, 50);
        let response;
        try {
          response = await fetch(API + "/events", {
            method: "POST",
            headers: { "Content-Type": "application/json", Authorization: "Bearer " + t },
            body: JSON.stringify({ events: batch.map((i) => i.event) }),
          });
        } catch (e) {
          setLink(false);
          scheduleRetry();
          break;
        }
        setLink(true);
        if (response.status === 401) {
          sessionStorage.removeItem(TOKEN_KEY);
          showSignIn("The session ended: sign in again; what is waiting will be sent.");
          break;
        }
        if (response.status === 403 || response.status === 422) {
          // Not a batch this user may send at all: nothing of it was stored.
          const body = await response.json().catch(() => ({}));
          for (const item of batch) {
            refused(item, body.detail || `refused (${response.status})`);
            await dequeue(item.n);
          }
          continue;
        }
        if (!response.ok) {
          scheduleRetry(); // 503 and the like: nothing was stored, send again
          break;
        }
        const body = await response.json();
        for (let k = 0; k < body.results.length; k++) {
          const result = body.results[k];
          if (result.status === "rejected") refused(batch[k], result.detail, result.code);
          await dequeue(batch[k].n);
        }
        sentSome = true;
      }
    } finally {
      flushing = false;
      await renderQueue();
    }
    if (flushAgain) flush();
    if (sentSome) refresh();
  }

  function refused(item, detail, code) {
    const already = item.event.type === "team.help_requested" && code === "invalid_transition";
    refusedShown.unshift(
      already ? "Help was already called; dispatch has not answered yet." : `${item.label}: not done: ${detail}`
    );
    refusedShown = refusedShown.slice(0, 5);
    listInto("refused", refusedShown, (text) => text);
  }

  async function renderQueue(items) {
    items = items || (await queued());
    queuedItems = items; // render() shows what waits as already done
    setText("queue-count", String(items.length));
    $("queue-box").hidden = items.length === 0;
    listInto("queue", items, (i) => `${clock(i.queued_at)} ${i.label}`);
    document.body.dataset.queued = String(items.length);
    render();
  }

  // ---- reading the assignment --------------------------------------------
  async function refresh() {
    const t = token();
    if (!t) return;
    try {
      const response = await fetch(API + "/field/assignment", {
        headers: { Authorization: "Bearer " + t },
      });
      setLink(true);
      if (response.status === 401) {
        sessionStorage.removeItem(TOKEN_KEY);
        showSignIn("The session ended: sign in again.");
        return;
      }
      if (!response.ok) return;
      assignment = await response.json();
      sessionStorage.setItem(ASSIGNMENT_KEY, JSON.stringify(assignment));
      setText("session", `${assignment.username} · until ${clock(assignment.expires_at)}`);
      await renderQueue();
    } catch (e) {
      setLink(false);
    } finally {
      schedulePoll();
    }
  }

  function schedulePoll() {
    clearTimeout(pollTimer);
    const helpOpen = assignment && assignment.help && !assignment.help.acknowledged_at;
    pollTimer = setTimeout(refresh, helpOpen ? POLL_HELP_MS : POLL_MS);
  }


  function render() {
    if (!assignment) return;
    const a = assignment;
    setText("team-name", a.team.call_sign);
    // What the team did offline shows at once; the server judges it when it arrives.
    let status = a.team.status;
    let projected = false;
    for (const item of queuedItems) {
      if (item.event.type === "team.status_changed") {
        status = item.event.payload.status;
        projected = true;
      }
    }
    const labels = Object.fromEntries(a.next_statuses.map((c) => [c.status, c.label]));
    const label = (s) =>
      labels[s] || s.replace("_", " ").replace(/^./, (c) => c.toUpperCase());
    setText("status", projected ? `${label(status)} (waiting to send)` : a.team.status_label);
    setText("status-since", projected ? "" : `since ${clock(a.team.status_since)}`);
    document.body.dataset.status = status;
    const choices = projected ? a.transitions[status] || [] : a.next_statuses.map((c) => c.status);
    const buttons = choices.map((s) => {
      const button = document.createElement("button");
      button.type = "button";
      button.id = "status-" + s;
      button.textContent = label(s);
      button.addEventListener("click", () => changeStatus(s, label(s)));
      return button;
    });
    $("status-buttons").replaceChildren(...buttons);

    const call = a.incident;
    setText("call-title", call ? `${call.number} · priority ${call.priority}` : "No call assigned");
    setText("call-address", call ? call.address : "");
    setText("call-type", call ? call.call_type_label + (call.language ? ` · ${call.language}` : "") : "");
    const flags = call ? Object.entries(call.safety).filter(([, v]) => v).map(([k]) => k) : [];
    setText("call-safety", flags.length ? "Safety flags: " + flags.join(", ") : "");
    const who = call ? [call.person, call.caller_name, call.caller_phone].filter(Boolean) : [];
    setText("call-person", who.join(" · "));
    setText("call-narrative", call ? call.narrative : "");
    listInto("call-notes", call ? call.notes.slice(-5).reverse() : [], (n) => `${clock(n.at)} ${n.author}: ${n.text}`);
    listInto("cautions", a.cautions, (c) => `CAUTION (${c.category.replace("_", " ")}): ${c.text}`);
    $("note-button").disabled = !call;
    $("note").placeholder = call ? "" : "No call: use the radio";
    renderHelp();
  }

  function renderHelp() {
    const help = assignment && assignment.help;
    const pending = queuedItems.some((i) => i.event.type === "team.help_requested");
    const button = $("help");
    button.classList.remove("raised", "acknowledged");
    if (pending) {
      button.classList.add("raised");
      button.textContent = "HELP CALLED";
      setText("help-state", "Sending the call for help… it keeps trying until dispatch has it.");
    } else if (help && !help.acknowledged_at) {
      button.classList.add("raised");
      button.textContent = "HELP CALLED";
      setText("help-state", `Dispatch alerted at ${clock(help.requested_at)}: waiting for a dispatcher to answer.`);
    } else if (help && help.acknowledged_at) {
      button.textContent = "HELP NOW";
      const note = help.acknowledgement_note ? `: ${help.acknowledgement_note}` : "";
      setText("help-state", `Dispatch has it: ${help.acknowledged_by} at ${clock(help.acknowledged_at)}${note}`);
    } else {
      button.textContent = "HELP NOW";
      setText("help-state", "");
    }
    document.body.dataset.help = pending ? "sending" : help ? (help.acknowledged_at ? "acknowledged" : "open") : "none";
  }

  // ---- actions -----------------------------------------------------------
  async function changeStatus(status, label) {
    await act("team.status_changed", assignment.team.id, { status, note: "" }, label);
    sendPosition(true);
  }

  async function checkIn() {
    await act("team.checked_in", assignment.team.id, { note: "" }, "Check in: we're OK");
  }

  async function sendNote(event) {
    event.preventDefault();
    const text = $("note").value.trim();
    if (!text || !assignment || !assignment.incident) return;
    await act("incident.note_added", assignment.incident.id, { text }, `Note: ${text.slice(0, 40)}`);
    $("note").value = "";
  }

  async function helpNow() {
    if (!assignment) return;
    const items = await queued();
    const open = assignment.help && !assignment.help.acknowledged_at;
    if (open || items.some((i) => i.event.type === "team.help_requested")) {
      flush(); // already called: make sure it is on its way, never a second alert
      return;
    }
    const payload = { note: "" };
    if (lastPosition) {
      payload.lat = lastPosition.lat;
      payload.lon = lastPosition.lon;
      payload.accuracy_m = lastPosition.accuracy_m;
      payload.position_at = lastPosition.at;
    }
    await act("team.help_requested", assignment.team.id, payload, "HELP NOW");
  }

  // ---- position (only with the team's permission) ------------------------
  function sharePosition() {
    if (!("geolocation" in navigator)) {
      setText("position-state", "This phone cannot tell its position.");
      return;
    }
    if (watching !== null) return;
    watching = navigator.geolocation.watchPosition(
      (p) => {
        lastPosition = {
          lat: p.coords.latitude,
          lon: p.coords.longitude,
          accuracy_m: p.coords.accuracy,
          at: new Date(p.timestamp).toISOString(),
        };
        setText("position-state", `shared · ±${Math.round(p.coords.accuracy)} m`);
        document.body.dataset.position = "shared";
        sendPosition(false);
      },
      (e) => setText("position-state", `not shared: ${e.message}`),
      { enableHighAccuracy: true, maximumAge: 30000, timeout: 30000 }
    );
    $("position-button").disabled = true;
  }

  async function sendPosition(force) {
    const t = token();
    if (!lastPosition || !t || !assignment) return;
    const status = document.body.dataset.status;
    const due = Date.now() - lastPositionSent >= POSITION_EVERY_MS && ON_CALL.includes(status);
    if (!force && !due) return;
    try {
      const response = await fetch(API + "/field/position", {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: "Bearer " + t },
        body: JSON.stringify(lastPosition),
      });
      if (response.ok) lastPositionSent = Date.now();
    } catch (e) {
      // A position is not queued: the next one supersedes it.
    }
  }

  // ---- start -------------------------------------------------------------
  async function start() {
    $("signin-form").addEventListener("submit", signIn);
    $("signout").addEventListener("click", signOut);
    $("help").addEventListener("click", helpNow);
    $("checkin").addEventListener("click", checkIn);
    $("note-form").addEventListener("submit", sendNote);
    $("position-button").addEventListener("click", sharePosition);
    window.addEventListener("online", () => flush());
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/field/sw.js", { scope: "/field/" }).catch(() => {});
    }
    setInterval(() => sendPosition(false), 30000);
    const kept = sessionStorage.getItem(ASSIGNMENT_KEY);
    if (kept) assignment = JSON.parse(kept);
    queuedItems = await queued();
    if (token()) {
      $("work").hidden = false;
      render();
      await refresh();
      flush();
    } else {
      showSignIn("");
    }
    document.body.dataset.ready = "1";
  }

  document.addEventListener("DOMContentLoaded", start);
})();
