/**
 * A strict protobuf reader for the client messages, driven by the schema's reflection. Unlike
 * protobufjs's generated decoders it refuses, with BAD_FRAME naming the field: unknown field
 * numbers, fields of the wrong wire type, varints that do not fit the field's type (no silent
 * 32-bit wrap), bools other than 0/1, strings that are not UTF-8, and truncated input.
 * A non-repeated field given twice keeps its last value (protobuf's rule). Repeated fields without
 * elements share one frozen empty array.
 */
import protobuf from 'protobufjs/light.js';
import { ProtocolError, type ErrorCode } from './messages.js';

type ScalarKind = 'uint32' | 'bool' | 'string' | 'enum';

interface FieldSpec {
  name: string;
  kind: ScalarKind | 'message';
  repeated: boolean;
  /** proto3 `optional`: absent stays undefined instead of taking the default */
  optional: boolean;
  message?: MessageSpec;
}

export interface MessageSpec {
  name: string;
  fields: Map<number, FieldSpec>;
  /** the same fields indexed by number, for the small numbers (a lookup per field read) */
  byId: (FieldSpec | undefined)[];
  list: FieldSpec[];
}

/** field numbers below this are looked up in MessageSpec.byId */
const BY_ID_LIMIT = 64;

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_NAMES = ['varint', 'i64', 'length-delimited', 'group start', 'group end', 'i32', '6', '7'];

/** The reader's view of a protobufjs message type (and of every type it contains). */
export function messageSpec(type: protobuf.Type, seen = new Map<string, MessageSpec>()): MessageSpec {
  const known = seen.get(type.fullName);
  if (known) return known;
  const spec: MessageSpec = { name: type.name, fields: new Map(), byId: [], list: [] };
  seen.set(type.fullName, spec);
  for (const field of type.fieldsArray) {
    field.resolve();
    const resolved = field.resolvedType;
    let kind: FieldSpec['kind'];
    if (resolved instanceof protobuf.Type) kind = 'message';
    else if (resolved instanceof protobuf.Enum) kind = 'enum';
    else if (field.type === 'uint32' || field.type === 'bool' || field.type === 'string') kind = field.type;
    else
      throw new Error(`strict-protobuf: field ${type.name}.${field.name} has unsupported type ${field.type}`);
    spec.fields.set(field.id, {
      name: field.name,
      kind,
      repeated: field.repeated,
      optional: field.options?.proto3_optional === true,
      ...(resolved instanceof protobuf.Type ? { message: messageSpec(resolved, seen) } : {}),
    });
  }
  for (const [id, f] of spec.fields) if (id < BY_ID_LIMIT) spec.byId[id] = f;
  spec.list = [...spec.fields.values()];
  return spec;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Where a read happens, for error messages (built only when one is thrown). */
interface Where {
  path: string;
  field: FieldSpec | null;
  id: number;
}

function describe(w: Where): string {
  return w.field ? `${w.path}.${w.field.name} (field ${w.id})` : `${w.path}: field key`;
}

function bad(message: string): ProtocolError {
  return new ProtocolError('BAD_FRAME', message);
}

class Reader {
  pos = 0;
  /** the 64 bits of the last varint read */
  lo = 0;
  hi = 0;
  /** the field being read (reused: no allocation per field) */
  readonly where: Where = { path: '', field: null, id: 0 };
  constructor(readonly buf: Uint8Array) {}

  varint(end: number): void {
    const buf = this.buf;
    if (this.pos < end && buf[this.pos] < 0x80) {
      this.lo = buf[this.pos++];
      this.hi = 0;
      return;
    }
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) throw bad(`${describe(this.where)}: truncated varint`);
      const b = buf[this.pos++];
      // byte i carries bits 7i .. 7i+6 of the value
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi = (b & 0x70) >>> 4;
      } else if (i < 9) hi |= (b & 0x7f) << (7 * i - 32);
      else {
        if (b & 0x7e) throw bad(`${describe(this.where)}: varint exceeds 64 bits`);
        hi |= (b & 1) << 31;
      }
      if ((b & 0x80) === 0) {
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw bad(`${describe(this.where)}: varint longer than 10 bytes`);
  }

  /** the end of a length-delimited field whose length prefix starts here */
  lengthEnd(end: number): number {
    this.varint(end);
    if (this.hi !== 0 || this.lo > end - this.pos)
      throw bad(
        `${describe(this.where)}: length ${this.hi ? '> 2^32' : this.lo} runs past the end of the frame`,
      );
    return this.pos + this.lo;
  }
}

function scalar(r: Reader, f: FieldSpec, end: number): number | boolean {
  r.varint(end);
  const { lo, hi } = r;
  switch (f.kind) {
    case 'uint32':
      if (hi !== 0) throw bad(`${describe(r.where)} (uint32) does not fit in 32 bits`);
      return lo;
    case 'bool':
      if (hi !== 0 || lo > 1) throw bad(`${describe(r.where)} (bool) must be 0 or 1`);
      return lo === 1;
    default:
      // enums are int32, negative ones sign-extended to 64 bits
      if (hi === 0 && lo <= 0x7fffffff) return lo;
      if (hi === 0xffffffff && lo > 0x7fffffff) return lo | 0;
      throw bad(`${describe(r.where)} (enum) does not fit in 32 bits`);
  }
}

/** the value of every repeated field until its first element (never written to: frozen) */
const NONE: readonly unknown[] = Object.freeze([]);

function listOf(out: Record<string, unknown>, name: string): unknown[] {
  let list = out[name] as unknown[];
  if (list === NONE) out[name] = list = [];
  return list;
}

/** deeper than any message of the schema; bounds the recursion should a type ever contain itself */
const MAX_DEPTH = 32;

function readMessage(
  r: Reader,
  spec: MessageSpec,
  end: number,
  path: string,
  depth: number,
  unknownCode: ErrorCode = 'BAD_FRAME',
): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw bad(`${path}: messages nested deeper than ${MAX_DEPTH}`);
  const out: Record<string, unknown> = {};
  for (const f of spec.list) {
    if (f.repeated) out[f.name] = NONE;
    else if (f.optional || f.kind === 'message') out[f.name] = undefined;
    else out[f.name] = f.kind === 'string' ? '' : f.kind === 'bool' ? false : 0;
  }
  const where = r.where;
  while (r.pos < end) {
    where.path = path;
    where.field = null;
    r.varint(end);
    if (r.hi !== 0 || r.lo >>> 3 === 0) throw bad(`${path}: invalid field number`);
    const id = r.lo >>> 3;
    const wire = r.lo & 7;
    // wire types 6 and 7 do not exist: garbage, whatever the field
    if (wire > 5) throw bad(`${path}: field ${id} has wire type ${wire}, which does not exist`);
    const f = id < BY_ID_LIMIT ? spec.byId[id] : spec.fields.get(id);
    if (!f) throw new ProtocolError(unknownCode, `${path}: unknown field ${id} (${WIRE_NAMES[wire]})`);
    where.field = f;
    where.id = id;
    if (f.kind === 'message' || f.kind === 'string') {
      if (wire !== WIRE_LEN)
        throw bad(`${describe(where)} has wire type ${WIRE_NAMES[wire]}, expected length-delimited`);
      const stop = r.lengthEnd(end);
      let value: unknown;
      if (f.kind === 'message') value = readMessage(r, f.message!, stop, `${path}.${f.name}`, depth + 1);
      else {
        try {
          value = utf8.decode(r.buf.subarray(r.pos, stop));
        } catch {
          throw bad(`${describe(where)} is not valid UTF-8`);
        }
      }
      r.pos = stop;
      if (f.repeated) listOf(out, f.name).push(value);
      else out[f.name] = value;
    } else if (f.repeated && wire === WIRE_LEN) {
      // packed: varints back to back
      const stop = r.lengthEnd(end);
      if (stop > r.pos) {
        const list = listOf(out, f.name);
        while (r.pos < stop) list.push(scalar(r, f, stop));
      }
    } else if (wire === WIRE_VARINT) {
      const value = scalar(r, f, end);
      if (f.repeated) listOf(out, f.name).push(value);
      else out[f.name] = value;
    } else {
      throw bad(`${describe(where)} has wire type ${WIRE_NAMES[wire]}, expected varint`);
    }
  }
  return out;
}

/**
 * Decode one message of `spec` strictly; throws ProtocolError('BAD_FRAME', ...) naming the defect,
 * or with `unknownTopLevel` for an unknown field of the outermost message.
 */
export function readStrict(
  buf: Uint8Array,
  spec: MessageSpec,
  unknownTopLevel: ErrorCode = 'BAD_FRAME',
): Record<string, unknown> {
  const r = new Reader(buf);
  return readMessage(r, spec, buf.length, spec.name, 0, unknownTopLevel);
}
