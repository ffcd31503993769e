// The independent side of the cross-check: Alibaba's own `@alicloud/openapi-util` signer.
// Reads JSON lines {method, secret, params: [[key, value], ...]} on stdin and writes, per line,
// "<canonical query>\t<string to sign>\t<signature>". The string to sign is captured from the
// official HMAC call itself (kitx.sha1), so nothing here re-implements a signing stage.
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const require = createRequire(import.meta.url);
const OpenApiUtil = require('@alicloud/openapi-util').default;
const kitx = require(require.resolve('kitx', { paths: [require.resolve('@alicloud/openapi-util')] }));

let captured = null;
const officialSha1 = kitx.sha1;
kitx.sha1 = (stringToSign, key, encoding) => {
  captured = stringToSign;
  return officialSha1(stringToSign, key, encoding);
};

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
const out = [];
for await (const line of lines) {
  if (!line) continue;
  const { method, secret, params } = JSON.parse(line);
  captured = null;
  const signature = OpenApiUtil.getRPCSignature(Object.fromEntries(params), method, secret);
  // StringToSign = METHOD & %2F & enc(canonical): the third field, decoded, is the canonical query.
  const canonical = decodeURIComponent(captured.split('&')[2]);
  out.push(`${canonical}\t${captured}\t${signature}`);
}
process.stdout.write(out.join('\n') + '\n');
