// Browser sign-in: when the API answers 401, a small dialog asks for an
// API token and exchanges it for an HttpOnly cookie (POST /api/auth/login).
// Calls that fail meanwhile all wait for the same sign-in.

import { h } from "./dom.js";

export class Auth {
  constructor() {
    this.pending = null;
    this.signOutButton = document.getElementById("sign-out");
    this.signOutButton?.addEventListener("click", () => this.signOut());
  }

  // require shows the sign-in dialog (once, however many callers ask) and
  // resolves when a token has been accepted.
  require() {
    if (!this.pending) {
      this.pending = this.ask().finally(() => { this.pending = null; });
    }
    return this.pending;
  }

  ask() {
    return new Promise((resolve) => {
      const input = h("input", { id: "auth-token", name: "token", type: "password", autocomplete: "current-password",
        required: true, spellcheck: "false", "aria-describedby": "auth-help auth-error" });
      const error = h("p", { id: "auth-error", class: "field-error", role: "alert" });
      const submit = h("button", { type: "submit", class: "btn btn-primary" }, "Sign in");
      const form = h("form", { class: "auth-form", method: "dialog" },
        h("h2", { id: "auth-title", class: "dialog-title" }, "Sign in with your API token"),
        h("p", { id: "auth-help", class: "muted" },
          "This studio is protected. Paste a token from ", h("code", {}, "shoot token create"), "."),
        h("label", { for: "auth-token", class: "label" }, "API token"), input, error,
        h("div", { class: "dialog-actions" }, submit));
      const dialog = h("dialog", { class: "dialog", "aria-labelledby": "auth-title" }, form);
      dialog.addEventListener("cancel", (e) => e.preventDefault()); // nothing works until signed in
      form.addEventListener("submit", async (e) => {
        e.preventDefault();
        submit.disabled = true;
        error.textContent = "";
        const ok = await this.login(input.value.trim()).catch((err) => { error.textContent = err.message; return false; });
        submit.disabled = false;
        if (!ok) { input.select(); return; }
        dialog.close();
        dialog.remove();
        this.showSignOut(true);
        resolve();
      });
      document.body.append(dialog);
      dialog.showModal();
      input.focus();
    });
  }

  async login(token) {
    if (!token) throw new Error("Paste your token first.");
    const res = await fetch("/api/auth/login", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ token }),
    });
    if (res.ok) return true;
    const body = await res.json().catch(() => null);
    throw new Error(body?.error || (res.status === 401 ? "That token was not accepted." : `Sign-in failed (${res.status}).`));
  }

  // probe shows "Sign out" when the server says we are signed in; a
  // studio without access control (no /api/me, or auth "none") hides it.
  async probe() {
    const res = await fetch("/api/me", { credentials: "same-origin", headers: { Accept: "application/json" } }).catch(() => null);
    const me = res && res.ok ? await res.json().catch(() => null) : null;
    this.showSignOut(Boolean(me && me.auth && me.auth !== "none"));
  }

  showSignOut(on) {
    if (this.signOutButton) this.signOutButton.hidden = !on;
  }

  async signOut() {
    await fetch("/api/auth/logout", { method: "POST", credentials: "same-origin" }).catch(() => null);
    this.showSignOut(false);
    location.reload();
  }
}
