// Bare decoding, the floor the rules engine is compared with: read every event block of a capture
// and touch each event's header, nothing else (no state, no fields).
import { readCapture } from '../src/capture/reader.js';

let types = 0;
await readCapture(process.argv[2], {
  header() {},
  event(e) {
    types += e.type;
  },
});
if (types < 0) process.stdout.write('unreachable\n');
