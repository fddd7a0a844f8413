// The studio's entry point: builds the shared services and routes the
// hash (#/, #/sessions, #/session/<id>) to a view. Views are classes with
// mount(host) and destroy(); only one is alive at a time.

import { Api } from "./api.js";
import { Auth } from "./auth.js";
import { ConnectionBadge } from "./conn.js";
import { NewShootView } from "./newshoot.js";
import { SessionsView } from "./sessions.js";
import { SessionView } from "./session.js";

class App {
  constructor() {
    this.auth = new Auth();
    this.api = new Api(() => this.auth.require());
    this.main = document.getElementById("main");
    this.conn = new ConnectionBadge(document.getElementById("conn"));
    this.view = null;
    this.handoff = null;
    this.firstRoute = true;
  }

  start() {
    window.addEventListener("hashchange", () => this.route());
    this.route();
    this.auth.probe();
  }

  // go navigates to a route; the hashchange listener does the rest.
  go(hash) {
    if (location.hash === hash) this.route();
    else location.hash = hash;
  }

  route() {
    // A path link (/session/<id>, which the server also answers with this
    // page) becomes the hash route it names.
    if (!location.hash && location.pathname !== "/") history.replaceState(null, "", `/#${location.pathname}`);
    const path = location.hash.replace(/^#/, "") || "/";
    const m = path.match(/^\/session\/([A-Za-z0-9_-]+)$/);
    this.view?.destroy();
    this.conn.hide();
    let view;
    if (m) view = new SessionView(this, m[1]);
    else if (path === "/sessions") view = new SessionsView(this);
    else view = new NewShootView(this);
    this.view = view;
    this.markNav(m ? "sessions" : path === "/sessions" ? "sessions" : "new");
    this.main.replaceChildren();
    view.mount(this.main);
    if (!this.firstRoute) this.main.querySelector("h1")?.focus({ preventScroll: true });
    this.firstRoute = false;
    window.scrollTo({ top: 0 });
  }

  markNav(active) {
    for (const a of document.querySelectorAll("[data-nav]")) {
      if (a.dataset.nav === active) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
  }

  // takeHandoff returns the live exchange stream a new shoot left for the
  // session view, if it is for sessionId.
  takeHandoff(sessionId) {
    const h = this.handoff;
    this.handoff = null;
    return h && h.sessionId === sessionId ? h : null;
  }
}

new App().start();
