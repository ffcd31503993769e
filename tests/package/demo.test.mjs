// `make demo` as a new user runs it (after the build): the packaged CLI against the local gpdb
// endpoint cancels a job, then shows the second cancel failing, and prints no secret.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { DEFAULTS, ROOT } from './harness.mjs';

test('the demo shows the job, cancels it and follows it to Cancelled on the local endpoint, then shows the API refusing a second cancel', async () => {
  const env = { ...process.env };
  // Real credentials in the environment would switch the demo to Alibaba Cloud.
  for (const name of Object.keys(env)) if (name.startsWith('ALIBABA_CLOUD_') || name.startsWith('GPDB_')) delete env[name];
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/demo.mjs')], { env, timeout: 60_000 });
  const out = stdout + stderr;
  assert.match(out, /local gpdb endpoint at http:\/\/127\.0\.0\.1:\d+/);
  assert.match(out, /Upload document job 231460f8-75dc-405e-a669-0c5204887e91: Running, \d+%\n[\s\S]*?\(exit status 0\)/);
  assert.match(out, /Cancelled upload document job 231460f8-75dc-405e-a669-0c5204887e91: success \(success\)\n  request id: [0-9A-F-]{36}\n  status: Cancelling \(\d+%\)\n(  status: Cancelling \(\d+%\)\n)?  status: Cancelled \(\d+%\)\n\(exit status 0\)/);
  // The CLI writes its error to stderr; the demo's own lines go to stdout.
  assert.match(stderr, /gpdb-edge: api error: UploadDocumentJob\.StatusInvalid: .*\n  request id: [0-9A-F-]{36}\n  recommend: {2}https:\/\/api\.aliyun\.com\/troubleshoot\?q=UploadDocumentJob\.StatusInvalid/);
  assert.match(stdout, /\(exit status 0\)[\s\S]*\(exit status 0\)[\s\S]*\(exit status 1\)/);
  for (const secret of [DEFAULTS.accessKeySecret, DEFAULTS.namespacePassword]) assert.ok(!out.includes(secret), 'a secret was printed');
});
