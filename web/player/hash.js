// SHA-256 and HMAC-SHA256 for the fairness check and the device fingerprint.
//
// The browser's WebCrypto does the work. WebCrypto exists only in a secure context
// (https, or http on localhost); an operator who serves the app over plain http on
// another host would otherwise lose the fairness check, so a small JavaScript
// SHA-256 (FIPS 180-4) steps in there, and `hash_engine()` says which one ran.

export function hash_engine() {
  return globalThis.crypto && globalThis.crypto.subtle ? 'WebCrypto' : 'JavaScript SHA-256';
}

export async function sha256(bytes) {
  if (globalThis.crypto && globalThis.crypto.subtle) {
    return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
  }
  return sha256_js(bytes);
}

// Keys are imported once per seed: a slot round needs one block, but verifying
// many rounds of one seed reuses the key.
const key_cache = new Map();

export async function hmac_sha256(key_bytes, message_bytes) {
  if (globalThis.crypto && globalThis.crypto.subtle) {
    const cache_key = to_hex(key_bytes);
    let key = key_cache.get(cache_key);
    if (!key) {
      key = await globalThis.crypto.subtle.importKey(
        'raw', key_bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      if (key_cache.size > 64) key_cache.clear();
      key_cache.set(cache_key, key);
    }
    return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', key, message_bytes));
  }
  return hmac_js(key_bytes, message_bytes);
}

export function to_hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// Hex text to bytes; null when it is not an even number of hex digits.
export function from_hex(text) {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return null;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function utf8(text) {
  return new TextEncoder().encode(text);
}

// --- The fallback -------------------------------------------------------------

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

export function sha256_js(bytes) {
  const bit_len = bytes.length * 8;
  // Message, the 0x80 byte, zeros, and the 64-bit length: a multiple of 64 bytes.
  const padded = new Uint8Array(Math.ceil((bytes.length + 9) / 64) * 64);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bit_len / 2 ** 32));
  view.setUint32(padded.length - 4, bit_len >>> 0);
  const h = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  const w = new Uint32Array(64);
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i += 1) w[i] = view.getUint32(off + 4 * i);
    for (let i = 16; i < 64; i += 1) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let i = 0; i < 64; i += 1) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g; g = f; f = e; e = (d + t1) >>> 0;
      d = c; c = b; b = a; a = (t1 + t2) >>> 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  const out = new Uint8Array(32);
  const out_view = new DataView(out.buffer);
  for (let i = 0; i < 8; i += 1) out_view.setUint32(4 * i, h[i]);
  return out;
}

// RFC 2104 with a 64-byte block.
export function hmac_js(key_bytes, message_bytes) {
  const key = key_bytes.length > 64 ? sha256_js(key_bytes) : key_bytes;
  const block = new Uint8Array(64);
  block.set(key);
  const inner = new Uint8Array(64 + message_bytes.length);
  const outer = new Uint8Array(64 + 32);
  for (let i = 0; i < 64; i += 1) {
    inner[i] = block[i] ^ 0x36;
    outer[i] = block[i] ^ 0x5c;
  }
  inner.set(message_bytes, 64);
  outer.set(sha256_js(inner), 64);
  return sha256_js(outer);
}
