// The studio's one door to the HTTP API. Every call sends the session
// cookie; a 401 asks the user to sign in (auth.js) and then tries again, so
// no view has to care whether access control is on.

// ApiError is a failed call: the HTTP status and the server's message.
export class ApiError extends Error {
  constructor(status, message, body) {
    super(message || `Request failed (${status})`);
    this.status = status;
    this.body = body;
  }
}

// Api wraps fetch. signIn is an async function that resolves once the user
// has signed in (or rejects if they gave up).
export class Api {
  constructor(signIn) {
    this.signIn = signIn;
  }

  // fetch sends a request, signing in and retrying once on 401.
  async fetch(path, init = {}) {
    const opts = { credentials: "same-origin", ...init };
    let res = await fetch(path, opts);
    if (res.status === 401 && !path.startsWith("/api/auth/")) {
      await this.signIn();
      res = await fetch(path, opts);
    }
    return res;
  }

  // json sends a request and decodes the JSON answer, throwing ApiError on
  // any status that is not 2xx.
  async json(method, path, body, init = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method === "POST") headers["Idempotency-Key"] = idempotencyKey();
    const res = await this.fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), ...init,
    });
    return decode(res);
  }

  get(path, init) { return this.json("GET", path, undefined, init); }
  post(path, body, init) { return this.json("POST", path, body, init); }
  del(path) { return this.json("DELETE", path); }

  // upload posts one file as the multipart field "images". The answer's
  // per-file errors come back as data (status 400 when every file failed).
  async upload(file) {
    const form = new FormData();
    form.append("images", file, file.name);
    const res = await this.fetch("/api/upload", {
      method: "POST", body: form, headers: { Accept: "application/json", "Idempotency-Key": idempotencyKey() },
    });
    const body = await res.json().catch(() => null);
    if (body && Array.isArray(body.errors)) return body;
    throw new ApiError(res.status, body && body.error, body);
  }

  // stream POSTs JSON to an SSE route and returns the open Response once
  // its status is known to be 200; errors before the stream are thrown.
  async stream(path, body, signal) {
    const res = await this.fetch(path, {
      method: "POST", signal, body: JSON.stringify(body),
      headers: {
        "Content-Type": "application/json", Accept: "text/event-stream", "Idempotency-Key": idempotencyKey(),
      },
    });
    if (!res.ok) await decode(res);
    return res;
  }
}

// idempotencyKey draws the key of one user action: every POST that starts
// work or stores data carries it, and the retry after a sign-in (fetch
// above) sends the same headers, so the studio runs the action once.
export function idempotencyKey() {
  let id;
  if (globalThis.crypto && typeof crypto.randomUUID === "function") {
    id = crypto.randomUUID();
  } else {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  return `"${id}"`;
}

async function decode(res) {
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!res.ok) {
    const message = body && body.error ? body.error : `${res.status} ${res.statusText}`.trim();
    throw new ApiError(res.status, message, body);
  }
  return body;
}
