/** The page served at `/` until the Studio UI is embedded: workspace health from /api/v1/doctor. */
export const STATUS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>skills-runtime</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { max-width: 56rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
  h1 { font-size: 1.4rem; margin-bottom: 0.2rem; }
  .muted { opacity: 0.7; }
  li { margin: 0.3rem 0; }
  .ok { color: #2a7a2a; } .warn { color: #a66b00; } .error { color: #b3261e; }
  code, pre { font-family: ui-monospace, monospace; font-size: 0.9em; }
  pre { overflow: auto; padding: 0.8rem; border: 1px solid #8884; border-radius: 6px; max-height: 30rem; }
</style>
</head>
<body>
<h1>skills-runtime</h1>
<p class="muted">This server is running. The full Studio (sessions, runs, approvals) is not part of this build yet;
this page shows the workspace health from <code>GET /api/v1/doctor</code>.</p>
<ul id="checks"><li class="muted">Checking…</li></ul>
<details><summary>Effective config and sources</summary><pre id="config"></pre></details>
<script>
const token = new URLSearchParams(location.search).get("token");
const headers = token ? { authorization: "Bearer " + token } : {};
fetch("/api/v1/doctor", { headers }).then((r) => r.json()).then((report) => {
  const list = document.getElementById("checks");
  list.textContent = "";
  for (const check of report.checks) {
    const li = document.createElement("li");
    li.className = check.status;
    li.textContent = "[" + check.status + "] " + check.name + ": " + check.message + (check.fix ? " (fix: " + check.fix + ")" : "");
    list.appendChild(li);
  }
  document.getElementById("config").textContent = JSON.stringify({ config: report.config, sources: report.sources }, null, 2);
}).catch((error) => {
  document.getElementById("checks").textContent = "Could not reach the server: " + error;
});
</script>
</body>
</html>
`;
