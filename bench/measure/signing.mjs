// 1. Signing throughput in this process: a complete signed request (URL, headers, form body) per
// op, V3 and V2, each next to the official assembly of the same request, and V2 next to a
// WebCrypto JS signer; the signers interleaved round by round so that drift hits them alike.
import assert from 'node:assert/strict';

import { ACCESS_KEY_SECRET, SIGN_JOBS, SIGN_JOBS_V2 } from '../params.mjs';
import { officialSignerAgrees, officialV3Agrees, signWithOpenApiUtil, signWithOpenApiUtilV3 } from '../signers/official.mjs';
import { signWithWebCrypto } from '../signers/webcrypto.mjs';
import { median } from '../stats.mjs';

export async function measureSigning({ gpdbEdge, quick }) {
  const runs = quick ? 1 : 7;
  const ops = quick ? 300 : 20_000;
  const signers = {
    gpdbEdge: { v3: true, sync: true, sign: (i) => gpdbEdge.signCancelUploadDocumentJob(SIGN_JOBS[i & 255]) },
    official: { v3: true, sync: true, sign: (i) => signWithOpenApiUtilV3(SIGN_JOBS[i & 255]) },
    gpdbEdgeV2: { sync: true, sign: (i) => gpdbEdge.signCancelUploadDocumentJob(SIGN_JOBS_V2[i & 255]) },
    officialV2: { sync: true, sign: (i) => signWithOpenApiUtil(SIGN_JOBS[i & 255]) },
    webCrypto: { sync: false, sign: (i) => signWithWebCrypto(SIGN_JOBS[i & 255]) },
  };

  for (const [name, { v3, sign }] of Object.entries(signers)) {
    const signed = await sign(0);
    const agrees = v3 ? officialV3Agrees(signed, ACCESS_KEY_SECRET) : officialSignerAgrees(signed, ACCESS_KEY_SECRET);
    assert.ok(agrees, `${name}: the official signer disagrees with its signature`);
    assert.equal(new URL(signed.url).searchParams.get('NamespacePassword'), null, `${name}: no password in the URL`);
  }

  // The sink keeps the optimiser from dropping the work.
  let sink = 0;
  const batch = async ({ sync, sign }, count) => {
    const start = performance.now();
    if (sync) for (let i = 0; i < count; i++) sink += sign(i).body.length;
    else for (let i = 0; i < count; i++) sink += (await sign(i)).body.length;
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
