// BLAKE2b (RFC 7693) with any digest length, for the generator: a Share
// question's key is the first bytes of an unkeyed 6-byte BLAKE2b of its text
// (src/practices/share/questions.c), and Node's crypto only offers the
// 64-byte digest, whose bytes differ (the length is hashed in). Slow (BigInt)
// and only for a few hundred short strings.
const MASK = (1n << 64n) - 1n;
const IV = [0x6a09e667f3bcc908n, 0xbb67ae8584caa73bn, 0x3c6ef372fe94f82bn, 0xa54ff53a5f1d36f1n,
  0x510e527fade682d1n, 0x9b05688c2b3e6c1fn, 0x1f83d9abfb41bd6bn, 0x5be0cd19137e2179n];
const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];
const rotr = (x, n) => ((x >> n) | (x << (64n - n))) & MASK;

// The hex digest of bytes (a Buffer or Uint8Array), length bytes long (1-64).
export function blake2b(bytes, length) {
  const h = IV.slice();
  h[0] ^= 0x01010000n ^ BigInt(length);
  const blocks = Math.max(1, Math.ceil(bytes.length / 128));
  for (let b = 0; b < blocks; b++) {
    const block = new Uint8Array(128);
    block.set(bytes.subarray(b * 128, b * 128 + 128));
    const view = new DataView(block.buffer);
    const m = Array.from({ length: 16 }, (_, i) => view.getBigUint64(i * 8, true));
    const last = b === blocks - 1;
    const v = [...h, ...IV];
    v[12] ^= BigInt(last ? bytes.length : (b + 1) * 128);
    if (last) v[14] ^= MASK;
    const mixG = (a, c, e, d, x, y) => {
      v[a] = (v[a] + v[c] + x) & MASK; v[d] = rotr(v[d] ^ v[a], 32n);
      v[e] = (v[e] + v[d]) & MASK; v[c] = rotr(v[c] ^ v[e], 24n);
      v[a] = (v[a] + v[c] + y) & MASK; v[d] = rotr(v[d] ^ v[a], 16n);
      v[e] = (v[e] + v[d]) & MASK; v[c] = rotr(v[c] ^ v[e], 63n);
    };
    for (let r = 0; r < 12; r++) {
      const s = SIGMA[r % 10];
      mixG(0, 4, 8, 12, m[s[0]], m[s[1]]); mixG(1, 5, 9, 13, m[s[2]], m[s[3]]);
      mixG(2, 6, 10, 14, m[s[4]], m[s[5]]); mixG(3, 7, 11, 15, m[s[6]], m[s[7]]);
      mixG(0, 5, 10, 15, m[s[8]], m[s[9]]); mixG(1, 6, 11, 12, m[s[10]], m[s[11]]);
      mixG(2, 7, 8, 13, m[s[12]], m[s[13]]); mixG(3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (let i = 0; i < 8; i++) h[i] ^= v[i] ^ v[i + 8];
  }
  const out = Buffer.alloc(64);
  h.forEach((x, i) => out.writeBigUInt64LE(x, i * 8));
  return out.subarray(0, length).toString('hex');
}
