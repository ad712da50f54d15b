// borderwatch watch console: alerts arrive by server-sent events, newest first.
// Every piece of data (names are attacker-controlled) reaches the page as text nodes or
// attribute values set one by one: never as HTML.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const BAND_LABEL = { confirmed: "Confirmed", probable: "Probable", possible: "Possible" };
const DECISION_LABEL = {
  confirmed: "Confirmed",
  false_positive: "False positive",
  escalated: "Escalated",
  suppressed: "Suppressed",
};
const DECISION_BUTTON = {
  confirmed: "Confirm match",
  false_positive: "False positive",
  escalated: "Escalate",
};
const OFFICER_KEY = "borderwatch.officer";

const state = {
  config: null,
  views: new Map(), // alert_id -> {alert, places, decisions}
  selected: null,
  fresh: new Set(), // alert ids that arrived live, highlighted once
  snapshotSeen: false,
};

// ---- DOM helpers -------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function setAttrs(node, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

// ---- formatting --------------------------------------------------------------------------

// "2026-11-22T08:15:00+07:00" -> "2026-11-22 08:15 UTC+07:00", the checkpoint's local time.
function localTime(iso) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::[\d.]+)?(Z|[+-]\d{2}:\d{2})?$/.exec(iso || "");
  if (!m) return iso || "";
  const zone = !m[3] || m[3] === "Z" || m[3] === "+00:00" ? "UTC" : "UTC" + m[3];
  return `${m[1]} ${m[2]} ${zone}`;
}

function utcTime(iso) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso || "";
  return new Date(t).toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

function gap(fromIso, toIso) {
  const minutes = Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60000);
  if (!Number.isFinite(minutes)) return "";
  const sign = minutes < 0 ? "earlier" : "later";
  let m = Math.abs(minutes);
  const d = Math.floor(m / 1440);
  m -= d * 1440;
  const h = Math.floor(m / 60);
  m -= h * 60;
  const parts = [];
  if (d) parts.push(`${d} d`);
  if (h) parts.push(`${h} h`);
  if (!d && (m || !h)) parts.push(`${m} min`);
  return `${parts.join(" ")} ${sign}`;
}

function signed(value) {
  const v = Number(value);
  return (v < 0 ? "\u2212" : "+") + Math.abs(v).toFixed(2);
}

function checkpointName(cp) {
  return cp.name || cp.code;
}

function latestDecision(view) {
  return view.decisions.length ? view.decisions[view.decisions.length - 1] : null;
}

function sortedViews() {
  return [...state.views.values()].sort((a, b) => {
    const t = Date.parse(b.alert.alerted_at) - Date.parse(a.alert.alerted_at);
    return t || (a.alert.alert_id < b.alert.alert_id ? -1 : 1);
  });
}

// ---- header ------------------------------------------------------------------------------

function renderHeader() {
  const cfg = state.config;
  if (cfg) {
    document.getElementById("agency").textContent = cfg.agency || "Coordination centre";
    document.getElementById("topic").textContent = cfg.topic;
    document.title = `${cfg.agency || "Coordination centre"} · borderwatch watch console`;
  }
  const views = [...state.views.values()];
  const open = views.filter((v) => !latestDecision(v)).length;
  const high = views.filter((v) => v.alert.priority === "high").length;
  const counts = document.getElementById("counts");
  clear(counts);
  append(counts, [
    el("span", { class: "count" }, el("b", { text: views.length }), " alerts"),
    el("span", { class: "count" }, el("b", { text: open }), " undecided"),
    el("span", { class: high ? "count count-high" : "count" }, el("b", { text: high }),
      " high priority"),
  ]);
}

function renderStatus(status) {
  const box = document.getElementById("status");
  box.dataset.state = status.state;
  const label = { live: "Live", connecting: "Catching up", waiting: "Waiting", offline: "Offline" };
  document.getElementById("status-text").textContent = label[status.state] || status.state;
  box.title = status.detail || "";
  const detail = document.getElementById("status-detail");
  detail.textContent = status.detail || "";
  detail.hidden = status.state === "live" || !status.detail;
}

// ---- the alert list ----------------------------------------------------------------------

function renderList() {
  const list = document.getElementById("alerts");
  clear(list);
  const views = sortedViews();
  document.getElementById("empty").hidden = views.length > 0;
  for (const view of views) list.appendChild(card(view));
  renderHeader();
}

function card(view) {
  const a = view.alert;
  const e = a.event;
  const decision = latestDecision(view);
  const classes = ["card", `band-${a.band}`];
  if (a.alert_id === state.selected) classes.push("selected");
  if (state.fresh.has(a.alert_id)) classes.push("fresh");
  const button = el(
    "button",
    { type: "button", class: classes.join(" "), "data-alert-id": a.alert_id },
    el("div", { class: "card-top" },
      el("span", { class: `band-chip band-${a.band}`, text: BAND_LABEL[a.band] || a.band }),
      el("span", { class: "score", text: a.score.toFixed(2) }),
      a.priority === "high" ? el("span", { class: "badge high", text: "HIGH" }) : null,
      a.retro ? el("span", { class: "badge retro", text: "RETRO" }) : null,
      el("span", {
        class: decision ? `decision-chip decided-${decision.disposition}` : "decision-chip",
        text: decision ? DECISION_LABEL[decision.disposition] : "Undecided",
      })),
    el("div", { class: "card-names" },
      el("span", { class: "query", text: a.query_name || e.traveller.names[0] }),
      el("span", { class: "tilde", text: " \u2248 " }),
      el("span", { class: "matched", text: a.matched_name || a.entry.identity.names[0] })),
    el("div", { class: "card-entry" },
      el("span", { class: "entry-id", text: a.entry.entry_id }),
      el("span", { class: `action action-${a.entry.action}`, text: a.entry.action })),
    el("div", { class: "card-where" },
      `${e.direction === "entry" ? "Entry" : "Exit"} · ${checkpointName(e.checkpoint)} ` +
        `(${e.checkpoint.code}) · ${localTime(e.occurred_at)}`),
  );
  button.addEventListener("click", () => select(a.alert_id));
  return el("li", {}, button);
}

function select(alertId) {
  state.selected = alertId;
  state.fresh.delete(alertId);
  renderList();
  renderDetail();
}

// ---- the detail panel --------------------------------------------------------------------

function renderDetail() {
  const panel = document.getElementById("detail");
  clear(panel);
  const view = state.views.get(state.selected);
  if (!view) {
    panel.appendChild(el("p", {
      class: "empty",
      text: "Select an alert to see why it matched, where the subject has been, and to record a decision.",
    }));
    return;
  }
  const a = view.alert;
  const e = a.event;
  const entry = a.entry;
  const head = el("header", { class: `detail-head band-${a.band}` },
    el("div", { class: "chips" },
      el("span", { class: `band-chip big band-${a.band}`, text: BAND_LABEL[a.band] || a.band }),
      el("span", { class: "score big", text: `score ${a.score.toFixed(2)}` }),
      a.priority === "high"
        ? el("span", { class: "badge high big", text: "HIGH PRIORITY",
          title: "Seen in another country within the trail window" })
        : null,
      a.retro ? el("span", { class: "badge retro big", text: "RETRO-HUNT" }) : null,
      el("span", { class: `action action-${entry.action} big`, text: `requested: ${entry.action}` })),
    el("h2", { class: "who" },
      el("span", { class: "query", text: a.query_name || e.traveller.names[0] }),
      el("span", { class: "tilde", text: " matches " }),
      el("span", { class: "matched", text: a.matched_name || entry.identity.names[0] })),
    el("p", { class: "where" },
      el("b", { text: `${e.direction === "entry" ? "Entry" : "Exit"} at ${checkpointName(e.checkpoint)}` }),
      ` (${e.checkpoint.code}, ${e.checkpoint.country}) · ${localTime(e.occurred_at)} · reported by ${e.agency}` +
        (e.mode ? ` · ${e.mode}` : "")),
    el("p", { class: "meta" },
      `Entry ${entry.entry_id} on list ${entry.list_id}` +
        (entry.issuing_agency ? `, issued by ${entry.issuing_agency}` : "") +
        ` · alert ${a.alert_id} · raised ${utcTime(a.alerted_at)}`),
  );
  panel.appendChild(el("article", { class: "detail-card" },
    head,
    el("div", { class: "detail-grid" },
      whySection(a),
      decisionSection(view),
      trailSection(view),
      mapSection(view),
      peopleSection(a)),
  ));
}

function whySection(a) {
  const rows = a.features.map((f) => {
    const bar = el("span", { class: f.value < 0 ? "bar minus" : "bar plus" });
    bar.style.width = `${Math.min(Math.abs(f.value), 1) * 100}%`;
    return el("tr", {},
      el("td", { class: f.value < 0 ? "value minus" : "value plus", text: signed(f.value) }),
      el("td", { class: "barcell" }, el("span", { class: "track" }, bar)),
      el("td", { class: "feature" },
        el("span", { class: "feature-name", text: f.name.replace(/_/g, " ") }),
        el("span", { class: "feature-detail", text: f.detail })));
  });
  return el("section", { class: "panel why" },
    el("h3", { text: "Why it matched" }),
    el("p", { class: "explanation", text: a.explanation }),
    el("table", { class: "features" },
      el("thead", {}, el("tr", {},
        el("th", { text: "effect" }), el("th", { text: "" }), el("th", { text: "evidence" }))),
      el("tbody", {}, rows)));
}

function trailSection(view) {
  const items = [];
  let previous = null;
  for (const [i, p] of view.places.entries()) {
    const moved = previous && previous.checkpoint.country !== p.checkpoint.country;
    items.push(el("li", { class: `stop band-${p.band}${p.current ? " current" : ""}` },
      el("span", { class: "stop-no", text: i + 1 }),
      el("div", { class: "stop-body" },
        el("div", { class: "stop-when" },
          el("b", { text: localTime(p.occurred_at) }),
          previous ? el("span", { class: "stop-gap", text: gap(previous.occurred_at, p.occurred_at) }) : null),
        el("div", { class: "stop-where" },
          `${p.direction === "entry" ? "Entry" : "Exit"} · ${checkpointName(p.checkpoint)} ` +
            `(${p.checkpoint.code}, ${p.checkpoint.country})`,
          moved ? el("span", { class: "badge moved", text: "new country" }) : null),
        el("div", { class: "stop-meta" },
          `reported by ${p.agency} · ${BAND_LABEL[p.band] || p.band}`,
          p.current ? el("span", { class: "badge current-badge", text: "this crossing" }) : null))));
    previous = p;
  }
  const count = view.places.length;
  return el("section", { class: "panel trail" },
    el("h3", { text: "Movement trail" }),
    el("p", { class: "panel-note", text: count > 1
      ? `${count} alerted crossings of this listed person, oldest first.`
      : "The first alerted crossing of this listed person." }),
    el("ol", { class: "timeline" }, items));
}

function mapSection(view) {
  const map = state.config.map;
  const placed = view.places.filter((p) => p.place.x !== null && p.place.on_map);
  // Zoom to the trail (at least 14 degrees across, room for the labels), within the map.
  let box = { x: 0, y: 0, w: map.width, h: map.height };
  if (placed.length) {
    const left = Math.min(...placed.map((p) => p.place.x)) - 40;
    const right = Math.max(...placed.map((p) => p.place.x)) + 90;
    const top = Math.min(...placed.map((p) => p.place.y)) - 40;
    const bottom = Math.max(...placed.map((p) => p.place.y)) + 40;
    const size = Math.max(140, right - left, bottom - top);
    const w = Math.min(size, map.width);
    const h = Math.min(size, map.height);
    box = {
      x: Math.min(Math.max((left + right) / 2 - w / 2, 0), map.width - w),
      y: Math.min(Math.max((top + bottom) / 2 - h / 2, 0), map.height - h),
      w, h,
    };
  }
  const k = Math.max(box.w, box.h) / 300; // sizes in map units that look alike at any zoom
  const root = svg("svg", {
    class: "map-svg", viewBox: `${box.x} ${box.y} ${box.w} ${box.h}`,
    role: "img", "aria-label": "Map of the crossings of this listed person",
  });
  root.style.aspectRatio = `${box.w} / ${box.h}`;
  root.appendChild(svg("rect", { class: "sea", x: 0, y: 0, width: map.width, height: map.height }));
  for (const d of map.graticule) root.appendChild(svg("path", { class: "graticule", d, "stroke-width": 0.6 * k }));
  for (const d of map.land) root.appendChild(svg("path", { class: "land", d, "stroke-width": 0.8 * k }));
  for (const d of map.borders) root.appendChild(svg("path", { class: "border", d, "stroke-width": 0.9 * k, "stroke-dasharray": `${3 * k} ${2 * k}` }));
  for (const l of map.labels) {
    root.appendChild(svg("text", { class: "country-label", x: l.x, y: l.y, "font-size": 9 * k, text: l.text }));
  }
  const used = new Set(view.places.map((p) => p.checkpoint.code));
  for (const c of map.checkpoints) {
    if (used.has(c.code)) continue;
    root.appendChild(svg("circle", { class: "known-checkpoint", cx: c.x, cy: c.y, r: 2.2 * k },
      svg("title", { text: `${c.name} (${c.code})` })));
  }
  if (placed.length > 1) {
    root.appendChild(svg("polyline", {
      class: "route", points: placed.map((p) => `${p.place.x},${p.place.y}`).join(" "),
      "stroke-width": 2 * k,
    }));
  }
  const labelled = new Set();
  const boxes = []; // label boxes drawn so far, to keep labels from overlapping
  placed.forEach((p) => {
    const n = view.places.indexOf(p) + 1;
    const g = svg("g", { class: `stop-marker band-${p.band}${p.current ? " current" : ""}` },
      svg("title", { text: `${n}. ${checkpointName(p.checkpoint)} (${p.checkpoint.code})` +
        `${p.place.exact ? "" : " - approximate: country centroid"} · ${localTime(p.occurred_at)}` }));
    if (p.current) g.appendChild(svg("circle", { class: "halo", cx: p.place.x, cy: p.place.y, r: 11 * k }));
    g.appendChild(svg("circle", { cx: p.place.x, cy: p.place.y, r: (p.current ? 7 : 5.5) * k, "stroke-width": 1.5 * k }));
    g.appendChild(svg("text", { class: "stop-label", x: p.place.x, y: p.place.y + 3 * k, "font-size": 7.5 * k, text: n }));
    if (!labelled.has(p.checkpoint.code)) {
      labelled.add(p.checkpoint.code);
      const w = p.checkpoint.code.length * 5.6 * k;
      const h = 9 * k;
      const x = p.place.x + 9 * k;
      let y = p.place.y - 6 * k;
      while (boxes.some((b) => x < b.x + b.w && b.x < x + w && y - h < b.y && b.y - h < y)) y += h;
      boxes.push({ x, y, w });
      g.appendChild(svg("text", { class: "place-label", x, y, "font-size": 8.5 * k, text: p.checkpoint.code }));
    }
    root.appendChild(g);
  });
  const missing = view.places.filter((p) => !p.place.on_map);
  const approx = view.places.filter((p) => p.place.on_map && !p.place.exact);
  return el("section", { class: "panel map" },
    el("h3", { text: "Where" }),
    el("div", { class: "map-frame" }, root),
    approx.length ? el("p", { class: "panel-note", text: "Approximate (country centroid): " +
      approx.map((p) => `${p.checkpoint.code} (${p.checkpoint.country})`).join(", ") }) : null,
    missing.length ? el("p", { class: "panel-note", text: "Not on this map: " +
      missing.map((p) => `${checkpointName(p.checkpoint)} (${p.checkpoint.country})`).join(", ") }) : null);
}

function identityList(identity, extra) {
  const rows = [
    ["Names", identity.names.join(" · ")],
    ["Born", (identity.birth_dates || []).join(", ")],
    ["Nationality", (identity.nationalities || []).join(", ")],
    ["Sex", identity.sex || ""],
    ["Documents", (identity.documents || []).map((d) =>
      `${d.kind ? d.kind.replace(/_/g, " ") + " " : ""}${d.number}${d.country ? " (" + d.country + ")" : ""}`).join(", ")],
    ...extra,
  ].filter(([, value]) => value);
  return el("dl", { class: "facts" },
    rows.map(([term, value]) => [el("dt", { text: term }), el("dd", { text: value })]));
}

function peopleSection(a) {
  const entry = a.entry;
  return el("section", { class: "panel people" },
    el("div", { class: "person" },
      el("h3", { text: "Listed person" }),
      identityList(entry.identity, [
        ["Grounds", entry.reason || ""],
        ["Requested", entry.action],
        ["Valid", [entry.valid_from, entry.valid_until].filter(Boolean).join(" to ")],
      ])),
    el("div", { class: "person" },
      el("h3", { text: "Traveller as scanned" }),
      identityList(a.event.traveller, [["MRZ", a.event.mrz || ""]])));
}

function decisionHistory(view) {
  if (!view.decisions.length) {
    return el("p", { class: "panel-note history", text: "No decision recorded yet." });
  }
  return el("ol", { class: "history" }, view.decisions.map((d) =>
    el("li", { class: `decided-${d.disposition}` },
      el("span", { class: `decision-chip decided-${d.disposition}`, text: DECISION_LABEL[d.disposition] || d.disposition }),
      el("span", { class: "who-decided", text: ` by ${d.by}${d.agency ? " (" + d.agency + ")" : ""} · ${utcTime(d.at)}` }),
      d.note ? el("div", { class: "decision-note", text: d.note }) : null)));
}

function decisionSection(view) {
  const officer = el("input", {
    id: "officer", name: "officer", type: "text", maxlength: 100, autocomplete: "name",
    placeholder: "Your name", required: true,
  });
  officer.value = localStorage.getItem(OFFICER_KEY) || "";
  const note = el("textarea", { id: "note", name: "note", rows: 2, maxlength: 2000, placeholder: "What you saw or did (optional)" });
  const result = el("p", { class: "result", id: "decision-result", role: "status" });
  const buttons = state.config.decisions.map((kind) => {
    const b = el("button", { type: "button", class: `decide decide-${kind}`, "data-decision": kind, text: DECISION_BUTTON[kind] || kind });
    b.addEventListener("click", () => decide(view.alert.alert_id, kind, officer, note, result, buttons));
    return b;
  });
  const order = ["confirmed", "escalated", "false_positive"];
  buttons.sort((x, y) => order.indexOf(x.dataset.decision) - order.indexOf(y.dataset.decision));
  return el("section", { class: "panel decide-panel" },
    el("h3", { text: "Decision" }),
    el("div", { id: "decision-history" }, decisionHistory(view)),
    el("div", { class: "decide-form" },
      el("label", { for: "officer", text: "Officer" }), officer,
      el("label", { for: "note", text: "Note" }), note),
    el("div", { class: "decide-buttons" }, buttons),
    result);
}

async function decide(alertId, kind, officer, note, result, buttons) {
  const by = officer.value.trim();
  if (!by) {
    result.className = "result error";
    result.textContent = "Enter your name first: every decision is signed.";
    officer.focus();
    return;
  }
  localStorage.setItem(OFFICER_KEY, by);
  for (const b of buttons) b.disabled = true;
  result.className = "result";
  result.textContent = "Recording…";
  try {
    const response = await fetch(`/api/alerts/${encodeURIComponent(alertId)}/disposition`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ disposition: kind, by, note: note.value }),
    });
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      result.className = "result ok";
      result.textContent = `${DECISION_LABEL[kind]} recorded by ${body.by} at ${utcTime(body.at)}.`;
      note.value = "";
    } else {
      result.className = "result error";
      result.textContent = `Not recorded: ${body.error || response.statusText}`;
    }
  } catch (err) {
    result.className = "result error";
    result.textContent = `Not recorded: ${err}`;
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

// ---- events ------------------------------------------------------------------------------

function upsert(view, live) {
  const id = view.alert.alert_id;
  if (live && !state.views.has(id)) state.fresh.add(id);
  state.views.set(id, view);
  if (state.selected === null) state.selected = id;
}

function onSnapshot(data) {
  state.views.clear();
  for (const view of data.alerts) upsert(view, false);
  if (!state.views.has(state.selected)) {
    state.selected = sortedViews().length ? sortedViews()[0].alert.alert_id : null;
  }
  state.snapshotSeen = true;
  renderStatus(data.status);
  renderList();
  renderDetail();
}

function onAlert(view) {
  const wasSelected = state.selected === view.alert.alert_id;
  const hadSelection = state.selected !== null;
  upsert(view, true);
  renderList();
  if (wasSelected || !hadSelection) renderDetail();
}

function onDecision(data) {
  const view = state.views.get(data.alert_id);
  if (!view) return;
  view.decisions = data.decisions;
  renderList();
  if (state.selected === data.alert_id) {
    const box = document.getElementById("decision-history");
    if (box) {
      clear(box);
      box.appendChild(decisionHistory(view));
    }
  }
}

function connect() {
  const source = new EventSource("/api/events");
  const on = (name, fn) => source.addEventListener(name, (ev) => fn(JSON.parse(ev.data)));
  on("snapshot", onSnapshot);
  on("alert", onAlert);
  on("decision", onDecision);
  on("status", renderStatus);
  source.onerror = () => renderStatus({ state: "offline", detail: "reconnecting to the console" });
}

async function start() {
  const response = await fetch("/api/config");
  state.config = await response.json();
  renderHeader();
  connect();
}

start();
