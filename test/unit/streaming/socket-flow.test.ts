/** SocketFlow on a fake socket and clock: pauses for the session or the output, resumes, drops a slow consumer. */
import { describe, it, expect, afterEach, jest } from '@jest/globals';
import { SocketFlow, type FlowSocket, type SlowConsumer } from '../../../src/streaming/socket-flow.js';

class FakeSocket implements FlowSocket {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  paused = false;
  sent = 0;
  send(): void {
    this.sent++;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
}

const chunk = {
  outputChunk: {
    source: 'SURROGATE' as const,
    firstBin: 0,
    voltage: [1],
    spikeProb: [0],
    spike: [0],
    referenceLagBins: 0,
  },
};
const bounds = { pauseBytes: 1000, dropBytes: 100_000, slowConsumerMs: 500 };

describe('SocketFlow', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('stops reading while the session or the unsent output asks for it, and only then', () => {
    jest.useFakeTimers();
    const socket = new FakeSocket();
    let pauses = 0;
    const flow = new SocketFlow(
      socket,
      bounds,
      () => undefined,
      () => Date.now(),
      () => pauses++,
    );
    flow.holdInput(true);
    expect(socket.paused).toBe(true);
    flow.holdInput(false);
    expect(socket.paused).toBe(false);
    socket.bufferedAmount = 1500;
    flow.send(chunk, true);
    expect([socket.paused, pauses, socket.sent]).toEqual([true, 1, 1]);
    // the session's own hold ends, the output still holds
    flow.holdInput(true);
    flow.holdInput(false);
    expect(socket.paused).toBe(true);
    // drained below half the pause bound: reading again
    socket.bufferedAmount = 400;
    jest.advanceTimersByTime(50);
    expect(socket.paused).toBe(false);
    flow.dispose();
  });

  it('reports a consumer over the pause bound for slowConsumerMs, or over the drop bound at once', () => {
    jest.useFakeTimers();
    const socket = new FakeSocket();
    const slow: SlowConsumer[] = [];
    const flow = new SocketFlow(
      socket,
      bounds,
      (s) => slow.push(s),
      () => Date.now(),
    );
    socket.bufferedAmount = 5000;
    flow.send(chunk, false);
    jest.advanceTimersByTime(400);
    expect(slow).toEqual([]);
    jest.advanceTimersByTime(200);
    expect(slow).toHaveLength(1);
    expect(slow[0].bufferedBytes).toBe(5000);
    expect(slow[0].overMs).toBeGreaterThan(500);
    // reported once; later sends go out without another report
    flow.send(chunk, false);
    jest.advanceTimersByTime(1000);
    expect(slow).toHaveLength(1);

    const other = new FakeSocket();
    const dropped: SlowConsumer[] = [];
    const flow2 = new SocketFlow(
      other,
      bounds,
      (s) => dropped.push(s),
      () => Date.now(),
    );
    other.bufferedAmount = 200_000;
    flow2.send(chunk, true);
    expect(dropped.map((d) => d.bufferedBytes)).toEqual([200_000]);
  });
});
