// Deno: reads the wasm next to this file (needs read permission for it, e.g. --allow-read).
import { initSync, install } from './gpdb_edge_web.mjs';
import * as glue from './glue.mjs';

initSync({ module: await Deno.readFile(new URL('./gpdb_edge_bg.wasm', import.meta.url)) });
install(glue);

export { cancelUploadDocumentJob, signCancelUploadDocumentJob } from './gpdb_edge_web.mjs';
export { GpdbError } from './glue.mjs';
export const ready = () => Promise.resolve();
