// 1. Signing throughput in this process: a complete signed request (URL + form body) per op,
// the three signers interleaved round by round so that drift hits them alike.
import assert from 'node:assert/strict';

import { ACCESS_KEY_SECRET, SIGN_JOBS } from '../params.mjs';
import { officialSignerAgrees, signWithOpenApiUtil } from '../signers/official.mjs';
import { signWithWebCrypto } from '../signers/webcrypto.mjs';
import { median } from '../stats.mjs';

export async function measureSigning({ gpdbEdge, quick }) {
  const runs = quick ? 1 : 7;
  const ops = quick ? 300 : 20_000;
  const signers = {
    gpdbEdge: { sync: true, sign: (i) => gpdbEdge.signCancelUploadDocumentJob(SIGN_JOBS[i & 255]) },
    official: { sync: true, sign: (i) => signWithOpenApiUtil(SIGN_JOBS[i & 255]) },
    webCrypto: { sync: false, sign: (i) => signWithWebCrypto(SIGN_JOBS[i & 255]) },
  };

  for (const [name, { sign }] of Object.entries(signers)) {
    const signed = await sign(0);
    assert.ok(officialSignerAgrees(signed, ACCESS_KEY_SECRET), `${name}: the official signer disagrees with its Signature`);
    assert.equal(new URL(signed.url).searchParams.get('NamespacePassword'), null, `${name}: no password in the URL`);
  }

  // The sink keeps the optimiser from dropping the work.
  let sink = 0;
  const batch = async ({ sync, sign }, count) => {
    const start = performance.now();
    if (sync) for (let i = 0; i < count; i++) sink += sign(i).url.length;
    else for (let i = 0; i < count; i++) sink += (await sign(i)).url.length;
    return performance.now() - start;
  };

  for (const signer of Object.values(signers)) await batch(signer, quick ? 20 : ops / 4); // warm-up
  const samples = Object.fromEntries(Object.keys(signers).map((name) => [name, []]));
  for (let run = 0; run < runs; run++) {
    for (const [name, signer] of Object.entries(signers)) samples[name].push((ops / (await batch(signer, ops))) * 1000);
  }
  assert.ok(sink > 0);

  const result = { ops, runs, opsPerSec: {}, usPerOp: {}, samples };
  for (const name of Object.keys(signers)) {
    result.opsPerSec[name] = median(samples[name]);
    result.usPerOp[name] = 1e6 / result.opsPerSec[name];
  }
  return result;
}
