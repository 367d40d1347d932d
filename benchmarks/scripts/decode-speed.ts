/**
 * Speed of the strict client-frame decoder against protobufjs's generated decoder (which checks
 * nothing: wire types, 32-bit overflow, unknown fields) and against plain JSON.parse, on the same
 * input chunks in the same run. Prints frames per second and the ratios.
 * Usage: node dist/benchmarks/scripts/decode-speed.js [bins=100]
 */
import { decodeClient, encodeClientBinary, encodeClientJson, protocolRoot } from '../../proto/codec.js';
import type { ClientMessage } from '../../proto/messages.js';
import { Rng } from '../../src/core/rng.js';
import { numberArg, scriptArgs } from './script-args.js';

const USAGE = `Usage: node dist/benchmarks/scripts/decode-speed.js [bins=100]
Frames per second of the strict decoder vs protobufjs decode and JSON.parse (input chunks of \`bins\` bins).`;
const bins = numberArg('bins', scriptArgs(USAGE, {}, 1).positionals[0], 100, { min: 1, integer: true });

const rng = new Rng(5);
const frames: ClientMessage[] = Array.from({ length: 64 }, (_, f) => ({
  inputChunk: {
    firstBin: f * bins,
    bins: Array.from({ length: bins }, () => ({
      exc: Array.from({ length: rng.uniformInt(6) }, () => rng.uniformInt(640)),
      inh: Array.from({ length: rng.uniformInt(3) }, () => rng.uniformInt(640)),
    })),
  },
}));
const binary = frames.map(encodeClientBinary);
const json = frames.map(encodeClientJson);
const ClientMessageType = protocolRoot().lookupType('neurotwin.v1.ClientMessage');

/**
 * Best frames per second of each decoder over the prepared frames; the decoders take turns
 * (rounds of ~0.2 s each, the first one warm-up) so that a busy machine slows all of them alike.
 */
function rates(decoders: ((i: number) => unknown)[], rounds = 8): number[] {
  const best = decoders.map(() => 0);
  for (let round = 0; round < rounds; round++)
    decoders.forEach((decode, d) => {
      let n = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < 200) for (let i = 0; i < 64; i++, n++) decode(i);
      if (round > 0) best[d] = Math.max(best[d], n / ((performance.now() - t0) / 1000));
    });
  return best;
}

const [strictBinary, protobufjs, strictJson, jsonParse] = rates([
  (i) => decodeClient(binary[i]),
  (i) => ClientMessageType.decode(binary[i]),
  (i) => decodeClient(json[i]),
  (i) => JSON.parse(json[i]) as unknown,
]);
const fmt = (x: number) => `${Math.round(x).toLocaleString('en-US')} frames/s`;
console.log(
  `input chunks of ${bins} bins (${binary[0].length} bytes protobuf, ${json[0].length} bytes JSON)`,
);
console.log(
  `protobuf: strict decodeClient ${fmt(strictBinary)}; protobufjs decode alone ${fmt(protobufjs)}; ratio ${(strictBinary / protobufjs).toFixed(2)}`,
);
console.log(
  `JSON:     strict decodeClient ${fmt(strictJson)}; JSON.parse alone ${fmt(jsonParse)}; ratio ${(strictJson / jsonParse).toFixed(2)}`,
);
