/** The Studio's browser entry: mounts the app into #app. */
import { render } from "hono/jsx/dom";
import { App } from "./app.tsx";

const root = document.getElementById("app");
if (root) {
  root.textContent = "";
  render(<App />, root);
}
