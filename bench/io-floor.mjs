// The I/O floor of `lifecycle preview --output json`: what node needs merely to read and parse the
// describe-images file (as the CLI reads it: readFileSync as UTF-8, then JSON.parse) and to write an
// output of the preview's shape and byte size to the same sink (stdout), in 1 MiB chunks.
// `node bench/io-floor.mjs IMAGES_FILE OUTPUT_BYTES [METHOD]`
//
// The output is the preview's JSON with no decision in it: one result per listed image, in the
// file's order (memory order: the cheapest to read back), each `EXPIRE` by rule 1, until the
// preview's byte count is reached (the last bytes are JSON whitespace). No validation, no timestamp
// conversion, no evaluation. METHOD picks how the text is produced, so that the floor is the
// cheapest way node has, not one way among others:
//   bytes     (default) ASCII copied character by character into a reused 1 MiB chunk, with
//             JSON.stringify for any string that needs escaping: the fastest measured here;
//   stringify JSON.stringify of each result object, encoded into the chunk (the obvious way).
import { readFileSync, writeSync } from 'node:fs';

const [path, bytesArgument, method = 'bytes'] = process.argv.slice(2);
const outputBytes = Number(bytesArgument);
if (
  !path ||
  !Number.isSafeInteger(outputBytes) ||
  outputBytes < 0 ||
  !['bytes', 'stringify'].includes(method)
) {
  process.stderr.write('usage: node bench/io-floor.mjs IMAGES_FILE OUTPUT_BYTES [bytes|stringify]\n');
  process.exit(2);
}
const document = JSON.parse(readFileSync(path, 'utf8'));
const details = document.imageDetails;
if (!Array.isArray(details) || details.length === 0) throw new Error(`${path}: no imageDetails`);

const HEAD = '{\n  "status": "COMPLETE",\n  "previewResults": [';
const TAIL = '\n  ],\n  "summary": {\n    "expiringImageTotalCount": 0\n  }\n}\n';
const CHUNK_BYTES = 1 << 20;
const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
let used = 0;
let written = 0;

// stdout is a file or /dev/null in the bench: synchronous, so one chunk is reused.
function flush() {
  let at = 0;
  while (at < used) at += writeSync(1, chunk, at, used - at);
  written += used;
  used = 0;
}

/** The text of one result, JSON.stringify's escaping where a string needs it. */
function resultText(detail, first) {
  const result = {
    imageDigest: detail.imageDigest,
    imageTags: detail.imageTags ?? [],
    imagePushedAt: detail.imagePushedAt,
    action: { type: 'EXPIRE' },
    appliedRulePriority: 1,
    storageClass: 'STANDARD',
  };
  return `${first ? '' : ','}\n    ${JSON.stringify(result)}`;
}

function putText(text) {
  // UTF-8 is at most 3 bytes a UTF-16 unit.
  if (used + text.length * 3 > CHUNK_BYTES) flush();
  used += chunk.write(text, used, 'utf8');
}

function putAsciiOrEscaped(value) {
  const length = value.length;
  if (used + length * 6 + 2 > CHUNK_BYTES) flush();
  chunk[used] = 0x22;
  let at = used + 1;
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) {
      used += chunk.write(JSON.stringify(value), used, 'utf8');
      return;
    }
    chunk[at++] = code;
  }
  chunk[at++] = 0x22;
  used = at;
}

function putAscii(text) {
  if (used + text.length > CHUNK_BYTES) flush();
  for (let i = 0; i < text.length; i++) chunk[used++] = text.charCodeAt(i);
}

const budget = outputBytes - HEAD.length - TAIL.length;
let emitted = 0;
let longest = 0;
putAscii(HEAD);
// Results until the next one might not fit; the rest of the budget (less than two results) is
// whitespace, so that the output has exactly the preview's size.
for (let n = 0; budget - emitted > 2 * longest + 1024; n++) {
  const detail = details[n % details.length];
  const before = written + used;
  if (method === 'bytes') {
    putAscii(n === 0 ? '\n    {"imageDigest":' : ',\n    {"imageDigest":');
    putAsciiOrEscaped(detail.imageDigest);
    putAscii(',"imageTags":[');
    const tags = detail.imageTags ?? [];
    for (let t = 0; t < tags.length; t++) {
      if (t > 0) putAscii(',');
      putAsciiOrEscaped(tags[t]);
    }
    putAscii('],"imagePushedAt":');
    const pushedAt = detail.imagePushedAt;
    if (typeof pushedAt === 'string') putAsciiOrEscaped(pushedAt);
    else putAscii(JSON.stringify(pushedAt));
    putAscii(',"action":{"type":"EXPIRE"},"appliedRulePriority":1,"storageClass":"STANDARD"}');
  } else {
    putText(resultText(detail, n === 0));
  }
  const size = written + used - before;
  emitted += size;
  if (size > longest) longest = size;
}
for (let fill = budget - emitted; fill > 0; fill--) {
  if (used === CHUNK_BYTES) flush();
  chunk[used++] = 0x20;
}
putAscii(TAIL);
flush();
