/**
 * Message parser for Nest's WsAdapter. The default one JSON-parses every frame and silently drops
 * binary ones; this one hands every frame, text or binary, to the gateway's FRAME_EVENT handler
 * undecoded, and never throws.
 */
export const FRAME_EVENT = 'frame';

/** a text frame (JSON) or a binary frame (protobuf) */
export type RawFrame = string | Uint8Array;

export function frameParser(data: unknown): { event: string; data: RawFrame } {
  if (typeof data === 'string') return { event: FRAME_EVENT, data };
  if (data instanceof Uint8Array) return { event: FRAME_EVENT, data };
  if (data instanceof ArrayBuffer) return { event: FRAME_EVENT, data: new Uint8Array(data) };
  if (Array.isArray(data)) return { event: FRAME_EVENT, data: Buffer.concat(data as Uint8Array[]) };
  return { event: FRAME_EVENT, data: String(data) };
}
