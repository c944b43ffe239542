// Opens N subscribers on one record (Server-Sent Events or WebSockets), waits until all have the
// current state, changes the record once, and reports how long until every subscriber had the change.
// The server's memory and CPU are read from /proc by the caller (see docs/live.md).
//   node subscribers.mjs sse|ws N http://127.0.0.1:9926 /Dog/fan admin:secret
import http from 'node:http';
import { createRequire } from 'node:module';

const [kind, countText, base, path, credentials] = process.argv.slice(2);
const count = Number(countText);
const authorization = 'Basic ' + Buffer.from(credentials).toString('base64');
const url = new URL(base);
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
let synced = 0;
let changed = 0;
const sockets = [];

function counted(text) {
  if (text.includes('synced')) synced++;
  if (text.includes('"fanout":true')) changed++;
}

function openSse() {
  const request = http.get({ host: url.hostname, port: url.port, path, agent,
    headers: { Accept: 'text/event-stream', Authorization: authorization } }, response => {
    response.setEncoding('utf8');
    response.on('data', counted);
  });
  request.on('error', error => console.error('sse', error.message));
  sockets.push(request);
}

function openWs() {
  const require = createRequire(process.env.PIER_TOOLS + '/node_modules/');
  const WebSocket = require('ws');
  const socket = new WebSocket(base.replace('http', 'ws') + path, { headers: { Authorization: authorization } });
  socket.on('message', data => counted(data.toString()));
  socket.on('error', error => console.error('ws', error.message));
  sockets.push(socket);
}

const until = (condition) => new Promise(resolve => {
  const timer = setInterval(() => { if (condition()) { clearInterval(timer); resolve(); } }, 50);
});

for (let i = 0; i < count; i++) {
  kind === 'ws' ? openWs() : openSse();
  if (i % 500 === 499) await new Promise(resolve => setTimeout(resolve, 50));
}
await until(() => synced >= count);
console.log(`${count} ${kind} subscribers synced`);
const started = Date.now();
await fetch(base + path, { method: 'PATCH', headers: { Authorization: authorization,
  'Content-Type': 'application/json' }, body: JSON.stringify({ fanout: true }) });
await until(() => changed >= count);
console.log(`one change reached all ${count} in ${Date.now() - started} ms`);
if (process.env.HOLD) await new Promise(resolve => setTimeout(resolve, Number(process.env.HOLD)));
sockets.forEach(socket => socket.destroy ? socket.destroy() : socket.terminate());
process.exit(0);
