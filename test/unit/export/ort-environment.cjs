/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS module: Jest loads test environments with require() */
// Jest's node environment runs tests in a separate realm, so typed arrays made by onnxruntime-node's
// native code (outer realm) fail onnxruntime-common's `instanceof Float32Array` checks. Sharing the
// outer realm's typed-array constructors makes both sides agree.
const { TestEnvironment } = require('jest-environment-node');

class OrtEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of [
      'Float32Array',
      'Float64Array',
      'Int8Array',
      'Uint8Array',
      'Int16Array',
      'Uint16Array',
      'Int32Array',
      'Uint32Array',
      'BigInt64Array',
      'BigUint64Array',
      'Uint8ClampedArray',
      'ArrayBuffer',
    ]) {
      this.global[name] = globalThis[name];
    }
  }
}

module.exports = OrtEnvironment;
