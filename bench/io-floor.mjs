// The I/O floor of `lifecycle preview --output json`: what node needs merely to read and parse the
// describe-images file (as the CLI reads it: readFileSync as UTF-8, then JSON.parse) and to write
// as many bytes as the preview prints, to the same sink (stdout), in 1 MiB chunks. No evaluation,
// no serialization: the bytes are a fill. `node bench/io-floor.mjs IMAGES_FILE OUTPUT_BYTES`
import { readFileSync } from 'node:fs';

const [path, bytesArgument] = process.argv.slice(2);
const outputBytes = Number(bytesArgument);
if (!path || !Number.isSafeInteger(outputBytes) || outputBytes < 0) {
  process.stderr.write('usage: node bench/io-floor.mjs IMAGES_FILE OUTPUT_BYTES\n');
  process.exit(2);
}
const document = JSON.parse(readFileSync(path, 'utf8'));
if (!Array.isArray(document.imageDetails)) throw new Error(`${path}: no imageDetails array`);
const CHUNK_BYTES = 1 << 20;
for (let written = 0; written < outputBytes; written += CHUNK_BYTES) {
  process.stdout.write(Buffer.alloc(Math.min(CHUNK_BYTES, outputBytes - written), 0x20));
}
