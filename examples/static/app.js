// Asks the device for its uptime once a second and shows it.
function refresh() {
  fetch("/api/uptime")
    .then((r) => r.json())
    .then((j) => { document.getElementById("uptime").textContent = j.uptime_ms; })
    .catch(() => { document.getElementById("uptime").textContent = "offline"; });
}
refresh();
setInterval(refresh, 1000);
