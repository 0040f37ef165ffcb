/**
 * Open-loop API load for the fleet benchmark (bench/fleet.ts), in a process of its own as real
 * clients would be: the backend's process (and its measured RSS) holds only the backend.
 *
 * Request i is due at start + i / rate whatever the answers do; its latency runs from that due
 * time, so a server that stalls is charged for the queue it causes. Like a browser, a request
 * whose reused keep-alive connection the server had just closed is sent once more on a new one
 * (the latency still runs from the first due time); any other failure is an error.
 *
 * One request goes first, alone and not counted (`warmUpMs`): a user's first request also pays
 * for the permission decision that later requests find cached, and for opening a connection.
 * Then `warmUpSeconds` of the same open-loop load, reported apart (`warmUpByDue`,
 * `warmUpErrors`): a running portal's replica has its code compiled and its database pool grown
 * by the traffic it already serves, which a replica that served nothing yet has not.
 *
 * The parent sends { baseUrl, paths, rate, seconds, warmUpSeconds, headers } and receives
 * { byDue, warmUpByDue, warmUpMs, warmUpErrors, statuses, errors, errorCodes, elapsedMs }, where
 * byDue[i] is measured request i's latency.
 */
const http = require('node:http');

process.send({ type: 'ready' });

process.once(
  'message',
  ({ baseUrl, paths, rate, seconds, warmUpSeconds = 0, headers }) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
    const statuses = {};
    const errorCodes = {};
    let errors = 0;
    let warmUpErrors = 0;

    function get(path, retried = false) {
      return new Promise(done => {
        const req = http.request(
          baseUrl + path,
          { agent, headers, timeout: 10_000 },
          res => {
            res.resume();
            res.on('end', () => done({ status: res.statusCode }));
            res.on('error', error => done({ status: 0, code: error.code }));
          },
        );
        req.on('timeout', () =>
          req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })),
        );
        req.on('error', error => {
          if (!retried && req.reusedSocket && error.code === 'ECONNRESET') {
            get(path, true).then(done);
            return;
          }
          done({ status: 0, code: error.code ?? error.message });
        });
        req.end();
      });
    }

    const warmUpCount = Math.round(rate * warmUpSeconds);
    const total = warmUpCount + Math.round(rate * seconds);
    const byDue = new Array(total);
    let t0 = 0;
    let warmUpMs = 0;
    let sent = 0;
    let finished = 0;
    function fire(i) {
      const due = t0 + (i * 1000) / rate;
      get(paths[(i * 7919) % paths.length]).then(({ status, code }) => {
        byDue[i] = performance.now() - due;
        if (i < warmUpCount) {
          if (status !== 200) warmUpErrors += 1;
        } else {
          statuses[status] = (statuses[status] || 0) + 1;
          if (status !== 200) errors += 1;
          if (code) errorCodes[code] = (errorCodes[code] || 0) + 1;
        }
        if (++finished === total) {
          agent.destroy();
          process.send(
            {
              byDue: byDue.slice(warmUpCount),
              warmUpByDue: byDue.slice(0, warmUpCount),
              warmUpMs,
              warmUpErrors,
              statuses,
              errors,
              errorCodes,
              elapsedMs: performance.now() - t0,
            },
            () => process.exit(0),
          );
        }
      });
    }
    function pump() {
      const now = performance.now();
      while (sent < total && t0 + (sent * 1000) / rate <= now) fire(sent++);
      if (sent < total) setTimeout(pump, 1);
    }
    const warmUpStart = performance.now();
    get(paths[0]).then(({ status }) => {
      warmUpMs = performance.now() - warmUpStart;
      if (status !== 200) errors += 1;
      t0 = performance.now() + 50;
      setTimeout(pump, 50);
    });
  },
);
