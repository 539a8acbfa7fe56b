fetch("/api/uptime")
  .then((r) => r.json())
  .then((j) => { document.getElementById("uptime").textContent = j.uptime_ms; });
