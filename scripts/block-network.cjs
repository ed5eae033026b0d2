'use strict';

/**
 * Preloaded (`node --require`) into every Node process of the `osls package` that deploy/package-stack.ts
 * runs, to prove that packaging needs no network: any DNS lookup or TCP connection throws, and is
 * recorded in the file named by PACKAGE_CHECK_NETWORK_LOG, so that test/package/packaging.test.ts fails
 * even if the caller swallowed the error.
 * Unix sockets and pipes (IPC with child processes such as esbuild) stay allowed.
 */

const dns = require('node:dns');
const fs = require('node:fs');
const net = require('node:net');

const logFile = process.env.PACKAGE_CHECK_NETWORK_LOG;

function refuse(what) {
  const line = `network access attempted during offline packaging: ${what} (pid ${process.pid}, ${process.argv.slice(1).join(' ')})`;
  if (logFile) fs.appendFileSync(logFile, `${line}\n`);
  const error = new Error(line);
  error.code = 'ENETUNREACH';
  return error;
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(...args) {
  const [first] = args;
  const options = Array.isArray(first) ? first[0] : first;
  const isPipe =
    (typeof options === 'string' && Number.isNaN(Number(options))) ||
    (options !== null && typeof options === 'object' && typeof options.path === 'string');
  if (isPipe) return originalConnect.apply(this, args);
  const target =
    options !== null && typeof options === 'object'
      ? `${options.host ?? 'localhost'}:${options.port}`
      : `${args[1] ?? 'localhost'}:${first}`;
  throw refuse(`connect ${target}`);
};

for (const method of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny']) {
  dns[method] = (hostname) => {
    throw refuse(`dns.${method} ${hostname}`);
  };
  dns.promises[method] = async (hostname) => {
    throw refuse(`dns.promises.${method} ${hostname}`);
  };
}
