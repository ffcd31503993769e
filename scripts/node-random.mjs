// Injected by build.sh into the Node glue (gpdb_edge_node.cjs) in place of
// `globalThis.crypto.getRandomValues`, where getrandom draws the nonces' random bytes: the first
// call of Node's WebCrypto loads it, 1 to 3 ms of a cold start; node:crypto's randomFillSync, the
// same CSPRNG, is loaded already (README, Performance). Looked up at each call, so that a test can
// make it fail.
// process.getBuiltinModule (Node 20.16+, Bun) first: in esbuild's ESM output `require` throws.
const nodeCrypto = process.getBuiltinModule?.('crypto') ?? require('crypto');

export const nodeFillRandom = (bytes) => nodeCrypto.randomFillSync(bytes);
