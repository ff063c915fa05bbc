// A fixed-rate load for bench/run.mjs: GETs url at `rate` requests a second
// for `seconds`, over keep-alive connections, and prints one JSON line with
// the latency percentiles. Each request's latency counts from the moment it
// was due, not from when it was sent, so a server that falls behind shows
// it (no coordinated omission). Bounded: rate * seconds requests at most,
// and it gives up 10 seconds after the last was due.
//   node bench/rate.mjs URL RATE SECONDS [HEADER: VALUE]...
import http from 'node:http';

const [url, rateArg, secondsArg, ...headerArgs] = process.argv.slice(2);
const rate = Number(rateArg);
const total = Math.round(rate * Number(secondsArg));
const headers = Object.fromEntries(headerArgs.map((h) => {
  const i = h.indexOf(':');
  return [h.slice(0, i).trim(), h.slice(i + 1).trim()];
}));
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const latencies = [];
let errors = 0;
let sent = 0;
let finished = 0;

function get(due) {
  const req = http.get(url, { agent, headers }, (res) => {
    res.resume();
    res.on('end', () => {
      if (res.statusCode >= 400) errors++;
      latencies.push(performance.now() - due);
      finished++;
    });
  });
  req.on('error', () => { errors++; finished++; });
}

// the connections are opened first, so the measure is of requests, not of
// TCP handshakes
await Promise.all(Array.from({ length: 8 }, () => new Promise((r) => {
  http.get(url, { agent, headers }, (res) => { res.resume(); res.on('end', r); }).on('error', r);
})));
const start = performance.now() + 50;
await new Promise((resolve) => {
  const tick = () => {
    const now = performance.now();
    while (sent < total && start + (sent * 1000) / rate <= now) get(start + (sent++ * 1000) / rate);
    if (sent < total) setTimeout(tick, 0);
    else resolve();
  };
  tick();
});
const deadline = performance.now() + 10000;
while (finished < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
agent.destroy();
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
console.log(JSON.stringify({
  requests: total, answered: latencies.length, errors, p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? NaN,
}));
