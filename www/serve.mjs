// A tiny static file server for the built app (www/dist), loopback only. Used by
// scripts/serve.sh (prints the URL) and by the end-to-end tests (port 0, in process).
// Usage: node serve.mjs [--root DIR] [--port N] [--host 127.0.0.1]

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** A content-hashed file name, as scripts/web-assets.py writes them. */
const HASHED = /^[a-z_-]+-[A-Z2-7]{8}\.(js|js\.map|wasm|css)$/;

/** A server for the files under `root`; never serves anything outside it. */
export function createServer(root) {
  const base = path.resolve(root);
  return http.createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end('bad request');
      return;
    }
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(base, `.${rel}`);
    if (file !== base && !file.startsWith(base + path.sep)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
        return;
      }
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        // A content-hashed name (scripts/web-assets.py) never changes content: keep it a
        // year. Everything else is revalidated on each load.
        'Cache-Control': HASHED.test(path.basename(file)) ? 'public, max-age=31536000, immutable' : 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        // A public static app: a sandboxed iframe (opaque origin) fetches its module
        // scripts and wasm with CORS, so allow any origin to read them (GitHub Pages does
        // the same).
        'Access-Control-Allow-Origin': '*',
      });
      res.end(data);
    });
  });
}

/** Listen on the first free port from `port` (up to 20 tries); resolves to the URL. */
export function listen(server, host, port) {
  return new Promise((resolve, reject) => {
    let tries = 0;
    const attempt = (p) => {
      server.once('error', (e) => {
        if (e.code === 'EADDRINUSE' && port !== 0 && ++tries < 20) attempt(p + 1);
        else reject(e);
      });
      server.listen(p, host, () => resolve(`http://${host}:${server.address().port}/`));
    };
    attempt(port);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
  };
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = opt('--root', path.join(here, 'dist'));
  const host = opt('--host', '127.0.0.1');
  const port = Number(opt('--port', process.env.PORT ?? '8080'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: --port must be an integer in 0..65535, got ${opt('--port', process.env.PORT)}`);
    process.exit(2);
  }
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    console.error(`serve: ${root}/index.html is missing; build first (bash scripts/serve.sh does)`);
    process.exit(1);
  }
  listen(createServer(root), host, port).then(
    (url) => console.log(`Caulk Lab is served at ${url}  (Ctrl-C stops)`),
    (e) => {
      console.error(`serve: cannot listen on ${host}:${port}: ${e.message}`);
      process.exit(1);
    },
  );
}
