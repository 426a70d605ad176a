// The operator API client (docs/openapi.yaml): same origin, the key as a Bearer
// token, JSON both ways, and every failure turned into one ApiError carrying the
// API's stable `code`, so that screens and the error messages never parse text.

let api_key = '';
let on_unauthorized = () => {};

// The key lives in the auth module; the client only needs to send it.
export function set_key(key) {
  api_key = key || '';
}

// Called when a call answers 401 after sign-in: the key was removed or rotated.
export function set_unauthorized_handler(fn) {
  on_unauthorized = fn;
}

export class ApiError extends Error {
  constructor(status, code, message, request_id) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.request_id = request_id || '';
  }
}

// True for the rejection of a call that was aborted on purpose (the operator left
// the screen); those are not errors to show.
export function is_abort(e) {
  return e && (e.name === 'AbortError' || e.code === 'aborted');
}

async function error_of(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy's page): the status alone tells what happened.
  }
  const err = body && body.error;
  return new ApiError(
    res.status,
    (err && err.code) || `http_${res.status}`,
    (err && err.message) || res.statusText,
    (body && body.request_id) || res.headers.get('X-Request-Id'),
  );
}

// api('GET', '/v1/players/42') -> the parsed body. Throws ApiError.
// `query` values that are '', null or undefined are left out.
export async function api(method, path, { body, query, signal, headers } = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== '' && v !== null && v !== undefined) url.searchParams.set(k, String(v));
  }
  const init = {
    method,
    signal,
    headers: { Authorization: 'Bearer ' + api_key, ...(headers || {}) },
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    if (is_abort(e)) throw e;
    throw new ApiError(0, 'network', 'the server could not be reached');
  }
  if (!res.ok) {
    const e = await error_of(res);
    if (res.status === 401 && api_key) on_unauthorized(e);
    throw e;
  }
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

// GET /v1/whoami with a key that is not signed in yet: the only call made with a
// key other than the current one.
export async function whoami(key) {
  let res;
  try {
    res = await fetch('/v1/whoami', { headers: { Authorization: 'Bearer ' + key } });
  } catch {
    throw new ApiError(0, 'network', 'the server could not be reached');
  }
  if (!res.ok) throw await error_of(res);
  return res.json();
}

// /metrics is public text (Prometheus exposition format); no key is sent.
export async function metrics_text(signal) {
  let res;
  try {
    res = await fetch('/metrics', { signal });
  } catch (e) {
    if (is_abort(e)) throw e;
    throw new ApiError(0, 'network', 'the server could not be reached');
  }
  if (!res.ok) throw await error_of(res);
  return res.text();
}

// Path segments the operator typed (a vendor id, a CIDR) go through this.
export function seg(value) {
  return encodeURIComponent(String(value));
}

// A fresh idempotency key ("con-" and 24 hex digits). crypto.getRandomValues works
// on plain http too, where crypto.randomUUID does not.
export function idempotency_key(prefix = 'con') {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return prefix + '-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
