// The Prometheus text exposition format 0.0.4 (what GET /metrics answers), read in
// the browser: samples by name, counters turned into rates between two scrapes, and
// quantiles estimated from a histogram's cumulative buckets the way Prometheus's
// histogram_quantile() does (linear within a bucket).

// One sample line: name, optional {labels}, value, optional timestamp.
const sample_re = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/;
const label_re = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g;

function unescape_label(v) {
  return v.replace(/\\(["\\n])/g, (_, c) => (c === 'n' ? '\n' : c));
}

function parse_value(text) {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

// -> {at_ms, types: {name: type}, samples: Map(name -> [{labels, value}])}
export function parse_metrics(text, at_ms = Date.now()) {
  const types = {};
  const samples = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const m = /^#\s+TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (m) types[m[1]] = m[2];
      continue;
    }
    const m = sample_re.exec(line);
    if (!m) continue; // a line we cannot read is skipped, not fatal
    const labels = {};
    if (m[3]) for (const l of m[3].matchAll(label_re)) labels[l[1]] = unescape_label(l[2]);
    if (!samples.has(m[1])) samples.set(m[1], []);
    samples.get(m[1]).push({ labels, value: parse_value(m[4]) });
  }
  return { at_ms, types, samples };
}

export function has(scrape, name) {
  return scrape.samples.has(name);
}

export function series(scrape, name) {
  return scrape.samples.get(name) || [];
}

// The value of a metric without labels (or the sum over its labels); null when absent.
export function value(scrape, name, match = null) {
  const list = series(scrape, name).filter((s) => !match ||
    Object.entries(match).every(([k, v]) => s.labels[k] === v));
  if (list.length === 0) return null;
  return list.reduce((a, s) => a + s.value, 0);
}

// Per second between two scrapes. A counter that went down restarted (the server
// restarted): count from zero, as Prometheus's rate() does.
export function rate(prev, cur, name, match = null) {
  if (!prev || !cur) return null;
  const a = value(prev, name, match);
  const b = value(cur, name, match);
  const dt = (cur.at_ms - prev.at_ms) / 1000;
  if (a === null || b === null || dt <= 0) return null;
  return (b >= a ? b - a : b) / dt;
}

// A histogram's buckets: [{le, count}] ascending, cumulative; plus its sum and count.
export function histogram(scrape, name) {
  const buckets = series(scrape, name + '_bucket')
    .map((s) => ({ le: parse_value(s.labels.le), count: s.value }))
    .sort((x, y) => x.le - y.le);
  return {
    buckets,
    sum: value(scrape, name + '_sum') || 0,
    count: value(scrape, name + '_count') || 0,
  };
}

// What was observed between two scrapes: the difference of the cumulative counts.
// Without a previous scrape (or after a restart) the whole histogram is used.
export function histogram_delta(prev, cur, name) {
  const b = histogram(cur, name);
  if (!prev) return b;
  const a = histogram(prev, name);
  if (a.count > b.count || a.buckets.length !== b.buckets.length) return b;
  return {
    buckets: b.buckets.map((x, i) => ({ le: x.le, count: x.count - a.buckets[i].count })),
    sum: b.sum - a.sum,
    count: b.count - a.count,
  };
}

// The q-quantile (0..1) of a histogram; null when it holds no observation. Within
// the bucket that holds it, linear between the bucket's bounds; in the +Inf bucket
// it is the highest finite bound (all we know is "above it").
export function quantile(q, hist) {
  const { buckets } = hist;
  if (!buckets.length) return null;
  const total = buckets[buckets.length - 1].count;
  if (!total) return null;
  const rank = q * total;
  let lower_le = 0;
  let lower_count = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return lower_le;
      const in_bucket = b.count - lower_count;
      if (in_bucket <= 0) return b.le;
      return lower_le + (b.le - lower_le) * ((rank - lower_count) / in_bucket);
    }
    lower_le = b.le;
    lower_count = b.count;
  }
  return lower_le;
}
