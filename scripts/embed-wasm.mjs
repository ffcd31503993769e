// Writes the wasm as a CommonJS module whose export is its bytes, for bundled Node servers (an
// installed node.cjs reads the .wasm beside it): brotli (quality 11), then base64, decoded with
// Node's zlib at load. Brotli is the smallest of what Node decodes by itself (README, "Platforms":
// the sizes of each way measured).
// Usage: node scripts/embed-wasm.mjs <in.wasm> <out.cjs>
import { readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';

const [input, output] = process.argv.slice(2);
const wasm = readFileSync(input);
const packed = brotliCompressSync(wasm, {
  params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: wasm.length },
});
// process.getBuiltinModule (Node 20.16+, Bun) first: in esbuild's ESM output `require` throws.
writeFileSync(output, `'use strict';
// gpdb_edge_bg.wasm (${wasm.length} bytes), brotli and base64: a module, so that bundlers carry it.
const zlib = process.getBuiltinModule?.('zlib') ?? require('zlib');
module.exports = zlib.brotliDecompressSync(Buffer.from('${packed.toString('base64')}', 'base64'));
`);
