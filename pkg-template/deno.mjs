// Deno: the wasm is imported as a compiled module (source phase import), so loading the package
// needs no read permission.
import source module from './gpdb_edge_bg.wasm';
import { cancelUploadDocumentJob, initSync, install, signCancelUploadDocumentJob } from './gpdb_edge_web.mjs';
import * as glue from './glue.mjs';

initSync({ module });
install(glue);

export { cancelUploadDocumentJob, signCancelUploadDocumentJob };
export { GpdbError } from './glue.mjs';
export const ready = () => Promise.resolve();
