// The dashboard: readings from /events (Server-Sent Events) drawn as an SVG chart, the LED
// switched through the REST API (/api/led). No library: the board may have no internet.
"use strict";
const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
const KEEP = 60; // points on the chart: a minute
const W = 600, H = 200, PAD = 24;
const points = [];

function svg(tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  for (const k in attrs) el.setAttribute(k, attrs[k]);
  if (text !== undefined) el.textContent = text;
  return el;
}

function draw() {
  const chart = $("chart");
  chart.replaceChildren();
  const values = points.filter((v) => v !== null);
  if (!values.length) return;
  let lo = Math.min(...values), hi = Math.max(...values);
  if (hi - lo < 1) { lo -= 0.5; hi += 0.5; }
  const x = (i) => PAD + (i + KEEP - points.length) * (W - 2 * PAD) / (KEEP - 1);
  const y = (v) => H - PAD - (v - lo) * (H - 2 * PAD) / (hi - lo);
  chart.append(svg("text", {x: 2, y: PAD - 6}, hi.toFixed(1)),
               svg("text", {x: 2, y: H - PAD + 14}, lo.toFixed(1)));
  const xy = [];
  points.forEach((v, i) => {
    if (v === null) return;
    xy.push(x(i).toFixed(1) + "," + y(v).toFixed(1));
    chart.append(svg("circle", {class: "point", cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 3}));
  });
  chart.prepend(svg("polyline", {points: xy.join(" ")}));
}

function showLed(on) {
  $("led").textContent = on ? "on" : "off";
  $("led").classList.toggle("on", !!on);
  $("led").setAttribute("aria-pressed", on ? "true" : "false");
}

async function api(method, body) {
  const r = await fetch("/api/led", body === undefined ? {method} : {
    method, headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
  if (!r.ok) throw new Error(method + " /api/led: " + r.status);
  showLed((await r.json()).on);
}

$("led").onclick = () => api("PUT", {on: $("led").classList.contains("on") ? 0 : 1});
api("GET");
fetch("/api/sensor").then((r) => r.json()).then((s) => {
  $("name").textContent = s.name;
  $("unit").textContent = s.unit;
});

const events = new EventSource("/events");
events.onopen = () => { $("state").textContent = "live"; };
events.onerror = () => { $("state").textContent = "reconnecting"; };
events.addEventListener("reading", (e) => {
  const r = JSON.parse(e.data);
  points.push(r.value);
  if (points.length > KEEP) points.shift();
  $("value").textContent = r.value === null ? "–" : r.value.toFixed(1);
  showLed(r.led); // switched from another tab too
  draw();
});
