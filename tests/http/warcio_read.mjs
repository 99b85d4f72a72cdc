// Reads WARC files with warcio (webrecorder's reader, from npm), not with
// tiemap's own code, and prints what it found as JSON for
// tests/http/test_archive.py: each record's WARC headers, its block and
// payload as warcio splits them, and the SHA-256 of each computed here.
//   node tests/http/warcio_read.mjs FILE...
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(join(root, "web", "package.json"));
const { WARCParser } = require("warcio");

const sha = (bytes) => createHash("sha256").update(bytes).digest("hex");

async function read(path, parseHttp) {
  const out = [];
  const parser = new WARCParser(createReadStream(path), { parseHttp });
  for await (const record of parser) {
    const headers = {};
    for (const [k, v] of record.warcHeaders.headers) headers[k.toLowerCase()] = v;
    const bytes = await record.readFully(false);
    const r = { protocol: record.warcHeaders.protocol, headers, length: bytes.length, sha256: sha(bytes) };
    if (record.httpHeaders) {
      r.status = record.httpHeaders.statusCode;
      r.http = {};
      for (const [k, v] of record.httpHeaders.headers) r.http[k.toLowerCase()] = v;
      r.text = bytes.length <= 65536 ? Buffer.from(bytes).toString("utf8") : null;
    }
    out.push(r);
  }
  return out;
}

const files = {};
for (const path of process.argv.slice(2)) {
  try {
    // the block as it is, then the HTTP message split into headers and payload
    const blocks = await read(path, false);
    const messages = await read(path, true);
    files[path] = blocks.map((b, i) => ({
      ...b,
      block_sha256: b.sha256,
      block_length: b.length,
      payload_sha256: messages[i] ? messages[i].sha256 : null,
      payload_length: messages[i] ? messages[i].length : null,
      status: messages[i] ? messages[i].status : undefined,
      http: messages[i] ? messages[i].http : undefined,
      text: messages[i] ? messages[i].text : undefined,
    }));
  } catch (e) {
    files[path] = { error: String(e && e.stack ? e.stack : e) };
  }
}
process.stdout.write(JSON.stringify(files, null, 1) + "\n");
