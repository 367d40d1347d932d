/**
 * Flow control of one WebSocket: encodes and sends the session's messages, counts the bytes the
 * socket has not handed to the OS yet (ws `bufferedAmount`) after every send, and stops reading the
 * client's frames while either the session asks for it (its input is full) or the client does not
 * read its outputs. A client whose unsent output stays over the pause bound for `slowConsumerMs`,
 * or passes the drop bound, is reported through `onSlowConsumer` (the gateway answers SLOW_CONSUMER
 * and closes the connection).
 */
import { encodeServerBinary, encodeServerJson } from '../../proto/codec.js';
import type { ServerMessage } from '../../proto/messages.js';
import type { SessionLink } from './session.js';

/** The part of ws's WebSocket used here. */
export interface FlowSocket {
  readonly readyState: number;
  readonly OPEN: number;
  readonly bufferedAmount: number;
  send(data: Uint8Array | string, options: { binary: boolean }): void;
  pause(): void;
  resume(): void;
}

export interface OutputBounds {
  /** unsent bytes above which the connection stops being read */
  pauseBytes: number;
  /** unsent bytes above which the client is dropped at once */
  dropBytes: number;
  /** longest time the unsent bytes may stay above pauseBytes */
  slowConsumerMs: number;
}

export interface SlowConsumer {
  bufferedBytes: number;
  /** how long the output had been over the pause bound */
  overMs: number;
}

/** how often a paused output is looked at (ws has no drain event of its own) */
const OUTPUT_POLL_MS = 20;

export class SocketFlow implements SessionLink {
  private sessionHold = false;
  private outputHold = false;
  private paused = false;
  private overSince = 0;
  private poll: ReturnType<typeof setInterval> | null = null;
  private dropped = false;
  constructor(
    private readonly socket: FlowSocket,
    private readonly bounds: OutputBounds,
    private readonly onSlowConsumer: (info: SlowConsumer) => void,
    /** called each time the output bound pauses the connection */
    private readonly onOutputPause: () => void = () => undefined,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  get inputPaused(): boolean {
    return this.paused;
  }

  send(msg: ServerMessage, binary: boolean): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(binary ? encodeServerBinary(msg) : encodeServerJson(msg), { binary });
    if (!this.dropped) this.checkOutput();
  }

  holdInput(hold: boolean): void {
    this.sessionHold = hold;
    this.apply();
  }

  /** Stops watching (the connection is gone). */
  dispose(): void {
    this.stopPoll();
    this.dropped = true;
  }

  private checkOutput(): void {
    const bytes = this.socket.bufferedAmount;
    if (bytes > this.bounds.dropBytes) return this.drop(bytes);
    if (this.outputHold || bytes <= this.bounds.pauseBytes) return;
    this.outputHold = true;
    this.onOutputPause();
    this.overSince = this.now();
    this.apply();
    this.poll = setInterval(() => this.watch(), OUTPUT_POLL_MS);
  }

  private watch(): void {
    if (this.socket.readyState !== this.socket.OPEN) return this.dispose();
    const bytes = this.socket.bufferedAmount;
    if (bytes <= this.bounds.pauseBytes / 2) {
      this.outputHold = false;
      this.stopPoll();
      this.apply();
    } else if (bytes > this.bounds.dropBytes || this.now() - this.overSince > this.bounds.slowConsumerMs) {
      this.drop(bytes);
    }
  }

  private drop(bytes: number): void {
    const overMs = this.outputHold ? this.now() - this.overSince : 0;
    this.dispose();
    // read again, so that the closing handshake that follows can complete (the session is gone,
    // nothing read is handled any more)
    if (this.paused && this.socket.readyState === this.socket.OPEN) this.socket.resume();
    this.paused = false;
    this.onSlowConsumer({ bufferedBytes: bytes, overMs });
  }

  private stopPoll(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
  }

  private apply(): void {
    const pause = !this.dropped && (this.sessionHold || this.outputHold);
    if (pause === this.paused) return;
    this.paused = pause;
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (pause) this.socket.pause();
    else this.socket.resume();
  }
}
