// The certificate authorities a TLS output trusts when it names none of its own: Node's, that is
// its bundled roots plus the PEM file named by NODE_EXTRA_CA_CERTS.
//
// Node parses that file, with all its bundled roots, when it starts, whether or not a TLS
// connection is ever made: 34 ms of a 55 ms start on a host where it names the system bundle, and
// about 1.7 MiB. bin/ghostwatch therefore hands it over as GHOSTWATCH_EXTRA_CA_CERTS, and the outputs
// that connect over TLS read it here, when they are set up. Commands run for an alert get the
// variable back as the user set it (program.ts).
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { reason } from './output.js';

let trusted: string | null | undefined;

/**
 * The `ca` (PEM certificates one after the other) for a TLS connection that names no CA of its
 * own; undefined where Node's default store is the right one: nothing was handed over, or the file
 * cannot be read (warned about once; the bundled roots are trusted, as Node does then).
 */
export function defaultTrust(): string | undefined {
  if (trusted === undefined) trusted = loadTrust();
  return trusted ?? undefined;
}

function loadTrust(): string | null {
  const path = process.env.GHOSTWATCH_EXTRA_CA_CERTS;
  if (path === undefined || path === '') return null;
  try {
    return `${rootCertificates.join('\n')}\n${readFileSync(path, 'latin1')}`;
  } catch (e) {
    process.emitWarning(`Ignoring extra certs from \`${path}\`, load failed: ${reason(e)}`);
    return null;
  }
}
