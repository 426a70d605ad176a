// The WebSocket to the server (docs/protocol.md): one JSON object per text frame,
// requests matched to replies by `id`, pushes (frames without `id`) handed to a
// listener, and a reconnect with backoff when the socket drops. It knows nothing of
// sessions: whoever owns it listens for 'open' and sends `resume` itself.

// The server answers within request_timeout_ms (15 s by default) or says
// `unavailable`; a reply later than this is taken as lost.
const request_timeout_ms = 20_000;
// Reconnect delays: doubling from the first up to the cap, each with up to a quarter
// of random jitter so that many clients dropped together do not return together.
const reconnect_first_ms = 500;
const reconnect_max_ms = 15_000;

export class RequestError extends Error {
  constructor(code, message, extra = {}) {
    super(message || code);
    this.code = code;
    Object.assign(this, extra);
  }
}

export class Connection {
  constructor(url) {
    this.url_ = url;
    this.socket_ = null;
    this.next_id_ = 1;
    this.pending_ = new Map(); // id -> {resolve, reject, timer, type}
    this.listeners_ = new Map(); // event -> Set of functions
    this.state = 'idle'; // idle | connecting | open | waiting (to reconnect) | closed
    this.attempts_ = 0;
    this.retry_timer_ = null;
    this.retry_at_ = 0;
    this.welcome = null;
  }

  // Events: 'state' (state), 'open' (welcome), 'push' (frame), 'close' (event).
  on(event, fn) {
    if (!this.listeners_.has(event)) this.listeners_.set(event, new Set());
    this.listeners_.get(event).add(fn);
    return () => this.listeners_.get(event).delete(fn);
  }

  emit_(event, value) {
    for (const fn of this.listeners_.get(event) || []) {
      try {
        fn(value);
      } catch (e) {
        // One failing listener must not stop the others, nor the socket's handler.
        queueMicrotask(() => { throw e; });
      }
    }
  }

  set_state_(state) {
    this.state = state;
    this.emit_('state', state);
  }

  connect() {
    clearTimeout(this.retry_timer_);
    if (this.socket_) return;
    this.set_state_('connecting');
    const socket = new WebSocket(this.url_);
    this.socket_ = socket;
    socket.onmessage = (e) => this.on_message_(e);
    socket.onclose = (e) => this.on_close_(socket, e);
    // 'error' is always followed by 'close'; the reconnect is handled there.
    socket.onerror = () => {};
  }

  // Stops for good (the page is leaving); no reconnect.
  close() {
    clearTimeout(this.retry_timer_);
    this.set_state_('closed');
    if (this.socket_) this.socket_.close(1000, 'bye');
  }

  // Skips the rest of the backoff wait.
  reconnect_now() {
    if (this.state === 'waiting') this.connect();
  }

  // Milliseconds until the next reconnect attempt (0 when none is waiting).
  retry_in_ms() {
    return this.state === 'waiting' ? Math.max(0, this.retry_at_ - Date.now()) : 0;
  }

  // Sends one request; resolves with the reply, rejects with a RequestError whose
  // `code` is the server's error code, or `timeout` / `offline`.
  request(type, fields = {}, { timeout_ms = request_timeout_ms } = {}) {
    if (this.state !== 'open') {
      return Promise.reject(new RequestError('offline', 'not connected'));
    }
    const id = this.next_id_++;
    const frame = { ...fields, type, id };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending_.delete(id);
        reject(new RequestError('timeout', `no reply to ${type} within ${timeout_ms} ms`));
      }, timeout_ms);
      this.pending_.set(id, { resolve, reject, timer, type });
      this.socket_.send(JSON.stringify(frame));
    });
  }

  on_message_(event) {
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return; // The server only sends JSON; anything else is not ours to handle.
    }
    if (!frame || typeof frame !== 'object') return;
    if (frame.type === 'welcome' && frame.id === undefined) {
      this.welcome = frame;
      this.attempts_ = 0;
      this.set_state_('open');
      this.emit_('open', frame);
      return;
    }
    if (frame.id !== undefined && this.pending_.has(frame.id)) {
      const p = this.pending_.get(frame.id);
      this.pending_.delete(frame.id);
      clearTimeout(p.timer);
      if (frame.type === 'error') {
        p.reject(new RequestError(frame.code, frame.message, { retry_at_us: frame.retry_at_us }));
      } else {
        p.resolve(frame);
      }
      return;
    }
    if (frame.id === undefined) this.emit_('push', frame);
    // A reply whose request already timed out is dropped: its caller has moved on.
  }

  on_close_(socket, event) {
    if (socket !== this.socket_) return;
    this.socket_ = null;
    for (const [, p] of this.pending_) {
      clearTimeout(p.timer);
      p.reject(new RequestError('offline', 'the connection closed'));
    }
    this.pending_.clear();
    this.emit_('close', event);
    if (this.state === 'closed') return;
    const delay = Math.min(reconnect_max_ms, reconnect_first_ms * 2 ** this.attempts_);
    this.attempts_ += 1;
    const jittered = Math.round(delay * (1 + Math.random() / 4));
    this.retry_at_ = Date.now() + jittered;
    this.set_state_('waiting');
    this.retry_timer_ = setTimeout(() => this.connect(), jittered);
  }
}

// ws://host/v1 beside the page (wss:// when the page came over https).
export function default_url(location = window.location) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/v1`;
}
