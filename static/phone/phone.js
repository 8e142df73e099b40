// The athlete's phone pages: the set queue (IndexedDB), its sync, and the logging form.
//
// A logged set is written to IndexedDB first, with a UUID made here, and only then sent. The
// server stores each client_id once, so sending it again after a lost answer, a reload or from
// a second tab is harmless; a set leaves the queue only when the server has answered for it.
(function () {
  "use strict";

  const PAGES_CACHE = "ironstride-pages";
  const RETRY_MS = 5000;
  const script = document.currentScript;

  // ------------------------------------------------------------------ the queue (IndexedDB)

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open("ironstride", 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore("queue", { keyPath: "client_id" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function store(mode, work) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const tx = db.transaction("queue", mode);
      const result = work(tx.objectStore("queue"));
      tx.oncomplete = () => { db.close(); resolve(result && result.result); };
      tx.onerror = () => { db.close(); reject(tx.error); };
    });
  }

  const queue = {
    all: () => store("readonly", (s) => s.getAll())
      .then((items) => items.sort((a, b) => a.queued_at - b.queued_at)),
    put: (item) => store("readwrite", (s) => s.put(item)),
    remove: (clientId) => store("readwrite", (s) => s.delete(clientId)),
  };

  // ------------------------------------------------------------------ talking to the server

  function csrfToken() {
    const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    if (cookie) return decodeURIComponent(cookie.split("=")[1]);
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken(),
        "Accept": "application/json",
      },
      body: JSON.stringify(body || {}),
    });
  }

  // The API's error body: {"detail": "…"}, or {"field": ["…", …]} for values it refuses.
  function errorText(data, fallback) {
    if (!data || typeof data !== "object") return fallback;
    return Object.values(data).flat().join(" ") || fallback;
  }

  // The copy of this page the worker shows offline must include what was just synced.
  function refreshSavedPage() {
    if (!("caches" in window) || !navigator.onLine) return;
    caches.open(PAGES_CACHE)
      .then((cache) => fetch(location.pathname, { credentials: "same-origin" })
        .then((response) => {
          if (response.ok && !response.redirected) return cache.put(location.pathname, response);
        }))
      .catch(() => undefined);
  }

  // ------------------------------------------------------------------ sync status

  const status = document.getElementById("sync-status");
  let waiting = 0;

  // Reads of the queue may finish out of order (a flush's read can start before a tap's write
  // and end after it): only the newest read may repaint, or a queued set would vanish from the
  // page and the count, and wait for a reload to be sent.
  let newestRead = 0;

  async function showWaiting() {
    const ticket = ++newestRead;
    const items = await queue.all();
    if (ticket !== newestRead) return items;
    waiting = items.length;
    status.dataset.count = String(waiting);
    status.hidden = waiting === 0;
    status.textContent = waiting === 1
      ? "1 set waiting to sync"
      : waiting + " sets waiting to sync";
    if (logger) logger.refresh(items);
    return items;
  }

  let flushing = false;
  let flushAgain = false;

  async function flush() {
    // A set queued while a flush is under way was not in the list that flush is sending:
    // send it right after, not at the next periodic retry.
    if (flushing) { flushAgain = true; return; }
    flushing = true;
    flushAgain = false;
    let changed = false;
    try {
      for (const item of await queue.all()) {
        let response;
        try {
          response = await post(item.url, item.body);
        } catch (offline) {
          break; // no connection: keep everything, try again later
        }
        const data = await response.json().catch(() => null);
        if (response.redirected || response.status === 403) {
          // Logged out (the login page answered) or the CSRF token is stale: keep the set.
          if (logger) logger.say("Log in again to sync your sets; they are kept on this phone.");
          break;
        }
        if ((response.status === 200 || response.status === 201) && data && data.set) {
          await queue.remove(item.client_id);
          changed = true;
          if (logger) logger.stored(item, data);
        } else if ([400, 404, 409].includes(response.status)) {
          // The server will never take this set (bad values, a session now done or gone):
          // say so plainly rather than retry forever.
          await queue.remove(item.client_id);
          if (logger) logger.refused(item, errorText(data, "The server refused this set."));
        } else {
          break; // 5xx, or an answer that is not the stored set: keep it for later
        }
      }
    } finally {
      flushing = false;
      await showWaiting();
      if (changed) refreshSavedPage();
      if (flushAgain && navigator.onLine !== false) flush();
    }
  }

  // ------------------------------------------------------------------ the logging form

  // Loads travel in kilograms (the server's unit, exact to 10 decimals); the athlete reads and
  // types them in their own unit, the form's data-unit. The server sends pounds beside
  // kilograms for an athlete in pounds (target_load_lb, load_lb), so the page shows exactly
  // what was typed; a set still in the queue only has its kilograms.
  const LB_IN_KG = 0.45359237;
  const logForm = document.getElementById("log-form");
  const unit = (logForm && logForm.dataset.unit) || "kg";

  function amount(value) {
    return value === null || value === "" || value === undefined ? "" : String(Number(value));
  }

  // values' load `base` ("load", "target_load") in the athlete's unit, or null.
  function loadOf(values, base) {
    if (!values) return null;
    const inUnit = values[base + "_" + unit];
    if (unit !== "kg" && inUnit !== undefined) return inUnit;
    const kgValue = values[base + "_kg"];
    if (kgValue === null || kgValue === undefined || kgValue === "") return null;
    return unit === "kg" ? kgValue : Math.round((Number(kgValue) / LB_IN_KG) * 100) / 100;
  }

  // "325.25" (lb) -> "147.5309183425" (kg), exactly: integers, not floating point.
  function poundsToKg(text) {
    const match = /^(\d{1,5})(?:\.(\d{1,2}))?$/.exec(text.trim());
    if (!match) return null;
    const hundredths = BigInt(match[1]) * 100n + BigInt((match[2] || "").padEnd(2, "0"));
    const digits = (hundredths * 45359237n).toString().padStart(11, "0"); // kg x 10^10
    const kgText = digits.slice(0, -10) + "." + digits.slice(-10);
    return kgText.replace(/0+$/, "").replace(/\.$/, "");
  }

  function doneText(values, prefix) {
    let text = prefix + values.reps;
    const load = loadOf(values, "load");
    if (load !== null) text += " × " + amount(load) + " " + unit;
    if (values.rir !== null) text += " · RIR " + values.rir;
    if (values.failed) text += " · failed";
    return text;
  }

  function Logger(form) {
    const sessionId = form.dataset.session;
    const sets = JSON.parse(document.getElementById("sets-data").textContent);
    const list = document.getElementById("sets");
    const message = document.getElementById("log-message");
    const heading = document.getElementById("log-heading");
    const targetLine = document.getElementById("log-target");
    const platesLine = document.getElementById("log-plates");
    const moreField = document.getElementById("rir-more-field");
    const cancel = document.getElementById("log-cancel");
    const doneWait = document.getElementById("done-wait");
    const doneButton = document.querySelector("#done-form button");
    let queued = [];
    let next = null;
    let editing = null;
    // Which set the form was last prepared for: a repaint of the queue (on load, every flush)
    // refills the form only when that changed, so it never overwrites what the athlete typed.
    let preparedFor = null;
    let prefilled = { shown: "", kg: "" };

    function say(text) { message.textContent = text; }

    // "Warm-up 2", "Set 1": working sets are counted from 1 after the warm-ups, as the page's
    // list names them (plans.domain.format.set_names).
    function nameOf(s) {
      const same = sets.filter((x) => x.is_warmup === s.is_warmup && x.order <= s.order).length;
      return (s.is_warmup ? "Warm-up " : "Set ") + same;
    }

    function rowFor(item) {
      return (item.set_id && list.querySelector('[data-set-id="' + item.set_id + '"]')) ||
        list.querySelector('[data-client-id="' + item.client_id + '"]');
    }

    function extraRow(clientId) {
      const li = document.createElement("li");
      li.className = "set";
      li.dataset.clientId = clientId;
      li.innerHTML = '<div class="set-head"><span class="set-name">Extra set</span></div>' +
        '<p class="done" data-done></p>';
      list.appendChild(li);
      return li;
    }

    function showQueued(item) {
      const li = rowFor(item) || extraRow(item.client_id);
      li.dataset.clientId = item.client_id;
      li.classList.add("set-queued");
      li.querySelector("[data-done]").textContent = doneText(item.body, "Waiting to sync: ");
    }

    function logValue(values) {
      return values.reps !== null && values.reps !== undefined;
    }

    // The next prescribed set not yet logged nor queued; else an extra set like the last one.
    function pickNext() {
      const taken = new Set(queued.map((item) => item.set_id).filter(Boolean));
      const open = sets.find((s) => !logValue(s) && !taken.has(s.id));
      const done = sets.filter(logValue).map((s) => ({ order: s.order, values: s }));
      const last = queued.length ? queued[queued.length - 1].body
        : (done.length ? done[done.length - 1].values : null);
      return { set: open || null, previous: last };
    }

    function keyOf(candidate) {
      // An extra set is the next one after every set logged or queued so far.
      return candidate.set ? "set " + candidate.set.id
        : "extra " + (sets.filter(logValue).length + queued.length);
    }

    function fill(values) {
      form.reps.value = values.reps == null ? "" : values.reps;
      form.load.value = amount(values.load);
      // The kilograms behind a prefilled load: sent back as they are when the athlete leaves
      // the load alone (40 kg shows as 88.18 lb, and 88.18 lb is not quite 40 kg).
      prefilled = { shown: form.load.value, kg: amount(values.kg) };
      const rir = values.rir;
      form.querySelectorAll('input[name="rir"]').forEach((chip) => { chip.checked = false; });
      if (rir !== null && rir !== undefined) {
        const chip = form.querySelector("#rir-" + (rir <= 4 ? rir : "more"));
        chip.checked = true;
        if (rir > 4) form.rir_more.value = rir;
      }
      moreField.hidden = !form.querySelector("#rir-more").checked;
      form.failed.checked = !!values.failed;
    }

    const submit = document.getElementById("log-submit");

    function prepareNext() {
      editing = null;
      cancel.hidden = true;
      submit.textContent = "Log set";
      next = pickNext();
      preparedFor = keyOf(next);
      const s = next.set;
      const prev = next.previous || {};
      if (s) {
        heading.textContent = "Log " + nameOf(s).toLowerCase();
        let target = "Target: " + (s.target_reps || "?") + " × " +
          (s.target_load_kg !== null ? amount(loadOf(s, "target_load")) + " " + unit : "your choice");
        if (s.target_rir !== null) target += " · RIR " + s.target_rir;
        targetLine.textContent = target;
        const plates = list.querySelector('[data-set-id="' + s.id + '"] .plates');
        platesLine.textContent = plates ? plates.textContent : "";
        fill({
          reps: s.target_reps != null ? s.target_reps : prev.reps,
          load: s.target_load_kg !== null ? loadOf(s, "target_load") : loadOf(prev, "load"),
          kg: s.target_load_kg !== null ? s.target_load_kg : prev.load_kg,
          rir: s.is_warmup ? null : (s.target_rir !== null ? s.target_rir : prev.rir),
          failed: false,
        });
      } else {
        heading.textContent = "Log an extra set";
        targetLine.textContent = "Every prescribed set is logged.";
        platesLine.textContent = "";
        fill({
          reps: prev.reps, load: loadOf(prev, "load"), kg: prev.load_kg, rir: prev.rir, failed: false,
        });
      }
    }

    function readValues() {
      const chip = form.querySelector('input[name="rir"]:checked');
      let rir = null;
      if (chip) rir = chip.value === "more" ? parseInt(form.rir_more.value, 10) : parseInt(chip.value, 10);
      const reps = parseInt(form.reps.value, 10);
      const typed = form.load.value === "" ? null : form.load.value;
      const max = Number(form.dataset.loadMax || 600);
      if (!(reps >= 1 && reps <= 100)) return { error: "Enter the reps you did (1 to 100)." };
      if (typed !== null && !(Number(typed) >= 0 && Number(typed) <= max)) {
        return { error: "Enter a load from 0 to " + amount(max) + " " + unit + "." };
      }
      let load = typed;
      if (typed !== null && typed === prefilled.shown && prefilled.kg !== "") {
        load = prefilled.kg;
      } else if (typed !== null && unit === "lb") {
        load = poundsToKg(typed);
        if (load === null) return { error: "Enter the load in lb with at most 2 decimals." };
      }
      if (rir !== null && !(rir >= 0 && rir <= 10)) return { error: "RIR is 0 to 10." };
      return { reps: reps, load_kg: load, rir: rir, failed: form.failed.checked };
    }

    form.addEventListener("change", (event) => {
      if (event.target.name === "rir") moreField.hidden = !form.querySelector("#rir-more").checked;
    });

    // A double tap is one set: while a set is being stored (on the phone, then on the wire for
    // up to STORE_WAIT_MS) the button is disabled and further taps are ignored. A real next set
    // comes a rest later; on a dead connection the set is queued and the button is back at once.
    const STORE_WAIT_MS = 3000;
    let storing = false;

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (storing) return;
      const values = readValues();
      if (values.error) { say(values.error); return; }
      say("");
      storing = true;
      submit.disabled = true;
      submit.setAttribute("aria-busy", "true");
      try {
        if (editing) { await saveEdit(values); return; }
        await logSet(values);
      } finally {
        storing = false;
        submit.disabled = false;
        submit.removeAttribute("aria-busy");
      }
    });

    async function logSet(values) {
      const item = {
        client_id: crypto.randomUUID(),
        session: sessionId,
        url: form.dataset.logUrl,
        set_id: next && next.set ? next.set.id : null,
        queued_at: Date.now(),
        body: null,
      };
      item.body = Object.assign({ client_id: item.client_id, set_id: item.set_id }, values);
      await queue.put(item); // first on the phone, then on the wire
      queued.push(item);
      showQueued(item);
      prepareNext();
      await showWaiting();
      await Promise.race([flush(), new Promise((resolve) => setTimeout(resolve, STORE_WAIT_MS))]);
    }

    async function saveEdit(values) {
      const url = form.dataset.editUrl.replace(/0\/$/, editing + "/");
      try {
        const response = await post(url, values);
        const data = await response.json().catch(() => null);
        if (response.ok) { location.reload(); return; }
        say(errorText(data, "Could not save the set."));
      } catch (offline) {
        say("You are offline: edit this set once you are back online.");
      }
    }

    list.addEventListener("click", async (event) => {
      const edit = event.target.closest("[data-edit]");
      const remove = event.target.closest("[data-delete]");
      if (edit) {
        const s = sets.find((x) => String(x.id) === edit.dataset.edit);
        editing = s.id;
        heading.textContent = "Edit " + nameOf(s).toLowerCase();
        submit.textContent = "Save set";
        targetLine.textContent = "";
        platesLine.textContent = "";
        fill(Object.assign({}, s, { load: loadOf(s, "load"), kg: s.load_kg }));
        cancel.hidden = false;
        form.reps.focus();
      } else if (remove && confirm("Delete this set?")) {
        const url = form.dataset.deleteUrl.replace(/0\/delete\/$/, remove.dataset.delete + "/delete/");
        try {
          const response = await post(url);
          const data = await response.json().catch(() => null);
          if (response.ok) { location.reload(); return; }
          say(errorText(data, "Could not delete the set."));
        } catch (offline) {
          say("You are offline: delete this set once you are back online.");
        }
      }
    });

    cancel.addEventListener("click", () => { prepareNext(); say(""); });

    function actions(s) {
      const box = document.createElement("div");
      box.className = "row actions";
      for (const [word, attr] of [["Edit", "edit"], ["Delete", "delete"]]) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-small";
        button.dataset[attr] = s.id;
        button.textContent = word;
        const hidden = document.createElement("span");
        hidden.className = "vh";
        hidden.textContent = " " + nameOf(s).toLowerCase();
        button.appendChild(hidden);
        box.appendChild(button);
      }
      return box;
    }

    function showViolations(violations) {
      const box = document.getElementById("violations");
      box.textContent = "";
      for (const v of violations || []) {
        const p = document.createElement("p");
        p.className = "note note-" + v.severity;
        p.dataset.code = v.code;
        p.textContent = v.message;
        box.appendChild(p);
      }
    }

    // Prefilled at once from the page's own sets; the queue, read later, changes it only if it
    // holds sets of this session.
    prepareNext();

    return {
      say: say,
      refresh(items) {
        queued = items.filter((item) => item.session === sessionId);
        queued.forEach(showQueued);
        const mine = queued.length;
        doneWait.hidden = mine === 0;
        doneWait.textContent = mine ? "Waiting for " + mine + " set(s) to sync before you can finish." : "";
        doneButton.disabled = mine > 0;
        if (!editing && keyOf(pickNext()) !== preparedFor) prepareNext();
      },
      stored(item, data) {
        if (item.session !== sessionId || !data) return;
        const s = data.set;
        const index = sets.findIndex((x) => x.id === s.id);
        if (index >= 0) sets[index] = s; else sets.push(s);
        const li = rowFor(item) || extraRow(item.client_id);
        li.dataset.setId = s.id;
        li.classList.remove("set-queued");
        li.classList.add("set-logged");
        li.querySelector("[data-done]").textContent = doneText(s, "Done: ");
        if (!li.querySelector("[data-edit]")) li.appendChild(actions(s));
        showViolations(data.violations);
      },
      refused(item, text) {
        if (item.session !== sessionId) return;
        const li = rowFor(item);
        if (li) li.querySelector("[data-done]").textContent = "Not saved: " + text;
        say("A set was not saved: " + text);
      },
    };
  }

  const form = document.getElementById("log-form");
  const logger = form && window.indexedDB ? Logger(form) : null;

  // ------------------------------------------------------------------ start

  document.querySelectorAll("form[data-logout]").forEach((logout) => {
    // Pages of this athlete stay on a shared phone otherwise; queued sets are kept.
    logout.addEventListener("submit", () => {
      if ("caches" in window) caches.delete(PAGES_CACHE);
    });
  });

  if ("serviceWorker" in navigator && script && script.dataset.sw) {
    navigator.serviceWorker.register(script.dataset.sw, { scope: "/" })
      .then(() => {
        // The first visit is not yet controlled by the worker: save this page ourselves.
        if (!navigator.serviceWorker.controller) refreshSavedPage();
      })
      .catch(() => undefined);
  }

  if (window.indexedDB) {
    showWaiting().then(flush);
    window.addEventListener("online", flush);
    setInterval(() => { if (waiting) flush(); }, RETRY_MS);
  }
})();
