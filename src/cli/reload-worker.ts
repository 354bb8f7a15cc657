// The loading half of a reload, on a worker thread (see reload.ts): the configuration and the
// rules files read and compiled while the event loop goes on reading events. It answers each
// request (the command line's options) with the rules to run, as plain data, or with the error
// line; and with the log lines written meanwhile, which the main thread writes in its place.
import { parentPort } from 'node:worker_threads';
import { loadForReload, type RunOptions } from './run.js';

parentPort?.on('message', (o: RunOptions) => {
  parentPort?.postMessage(loadForReload(o));
});
