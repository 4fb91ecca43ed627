/** The viewer's page: mounts the app (everything it shows comes from `smpsim ui`'s JSON API). */
import { render } from "preact";
import { App } from "./app.tsx";
import "./style.css";

const root = document.getElementById("app")!;
// The "Loading" text is plain HTML for the moment before the script runs: render replaces it, not appends.
root.textContent = "";
render(<App />, root);
