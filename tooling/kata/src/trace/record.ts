/**
 * A program run against its peer, recorded for a sequence diagram: a server against the reference client, a
 * client against the reference server. Both run behind the test boundary in worker threads of this process
 * (@tcp-katas/shared/boundary's WorkerRun: their calls, waits and exit arrive over its channel), and the client
 * connects through a relay on 127.0.0.1 that keeps the bytes crossing each connection, so each write() and read()
 * can show the bytes it moved. Every event gets a number in the order it arrived here.
 */
import { once } from "node:events";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import type { DemoStep, Kata, ProgramInfo } from "@tcp-katas/katas";
import { type ProgramEvent, type TraceEvent, type Waiting, WorkerRun } from "@tcp-katas/shared/boundary";

export type Role = "server" | "client";
/** A program traced and the peer it runs against. */
export type Pair = { program: ProgramInfo; peer: ProgramInfo };

/** One thing a side did, numbered in arrival order (`seq`), in its own program order. */
type SideEvent =
  | { kind: "call"; seq: number; event: TraceEvent }
  | { kind: "wait"; seq: number; waiting: Waiting }
  | { kind: "signal"; seq: number; signal: string }
  | { kind: "exit"; seq: number; code: number };

export interface SideRecord {
  role: Role;
  /** The program's file name (hello-server.ts). */
  file: string;
  /** Whose file it is, for the diagram's participant: "solution/", "starter/", the attempt's folder. */
  owner: string;
  events: SideEvent[];
  /** The call it was still blocked in when the trace ended, if any. */
  blockedAtEnd: Waiting | undefined;
  stdout: string;
  stderr: string;
}

/** What the relay saw on one connection, in order: its opening, the bytes each way, each way's end. */
type RelayEvent =
  | { kind: "open"; seq: number }
  | { kind: "data"; seq: number; toServer: boolean; bytes: Buffer }
  | { kind: "end"; seq: number; toServer: boolean }
  | { kind: "reset"; seq: number };

export interface Recording {
  server: SideRecord;
  client: SideRecord;
  connections: RelayEvent[][];
  /** "done" when both sides finished (a server that waits for its next client is stopped), else "deadline". */
  ended: "done" | "deadline";
}

/**
 * The program on the other end: a server for a client and a client for a server, of the same stage, else of the
 * same layer, preferring one the fault suite drives (a `behaviour`); undefined for tools and libraries.
 */
export function peerOf(kata: Kata, program: ProgramInfo): ProgramInfo | undefined {
  if (program.role !== "server" && program.role !== "client") return undefined;
  const want = program.role === "server" ? "client" : "server";
  const score = (p: ProgramInfo) =>
    (p.stage === program.stage ? 4 : 0) + (p.layer === program.layer ? 2 : 0) + (p.behaviour ? 1 : 0);
  return kata.programs
    .filter((p) => p.role === want)
    .reduce<ProgramInfo | undefined>((best, p) => (best && score(best) >= score(p) ? best : p), undefined);
}

/**
 * A program's arguments for the trace (those the kata's demo starts it with, else its declared ones, with the port
 * and address filled) and the lines the demo types into it.
 */
function demoOf(kata: Kata, program: ProgramInfo, port: number): { args: string[]; input: string[] } {
  const start = kata.demo.find(
    (s): s is Extract<DemoStep, { start: string }> => "start" in s && s.program === program.file,
  );
  const input = kata.demo
    .filter((s): s is Extract<DemoStep, { type: string }> => "type" in s && s.type === start?.start)
    .map((s) => s.text);
  const args = (start?.args ?? program.args).map((a) =>
    a === "$PORT" || a === "<port>"
      ? String(program.role === "server" ? 0 : port)
      : a === "<IP>"
        ? "127.0.0.1"
        : a,
  );
  return { args, input };
}

/** A worker run whose every event is also handed to `log`, numbered as it arrives. */
class RecordedRun extends WorkerRun {
  log: ((event: ProgramEvent | { type: "ended"; code: number }) => void) | undefined;
  /** Whether the program has said anything yet: until then its thread is still loading it. */
  heard = false;

  protected override receive(event: ProgramEvent): void {
    this.heard = true;
    this.log?.(event);
    super.receive(event);
  }

  protected override exited(code: number): void {
    if (this.running) this.log?.({ type: "ended", code });
    super.exited(code);
  }
}

/** A relay on 127.0.0.1 port 0 to `target`, keeping each connection's events; `changed` runs after each event. */
async function startRelay(target: number, next: () => number, changed: () => void) {
  const connections: RelayEvent[][] = [];
  const ends = (c: RelayEvent[]) => c.filter((e) => e.kind === "end").length;
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const conn: RelayEvent[] = [{ kind: "open", seq: next() }];
    connections.push(conn);
    const upstream = net.connect({ host: "127.0.0.1", port: target, allowHalfOpen: true });
    sockets.add(client).add(upstream);
    const pipe = (from: net.Socket, to: net.Socket, toServer: boolean) => {
      from.on("data", (bytes: Buffer) => {
        conn.push({ kind: "data", seq: next(), toServer, bytes });
        if (!to.destroyed) to.write(bytes);
        changed();
      });
      from.once("end", () => {
        conn.push({ kind: "end", seq: next(), toServer });
        if (!to.destroyed) to.end();
        changed();
      });
      from.once("error", () => {
        if (!conn.some((e) => e.kind === "reset")) conn.push({ kind: "reset", seq: next() });
        if (!to.destroyed) to.resetAndDestroy();
        changed();
      });
      from.once("close", () => {
        if (!to.destroyed && ends(conn) < 2) to.destroy();
      });
    };
    pipe(client, upstream, true);
    pipe(upstream, client, false);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as net.AddressInfo).port,
    connections,
    /** True once every connection's both ways have ended (or been reset). */
    idle: () => connections.every((c) => c.some((e) => e.kind === "reset") || ends(c) === 2),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** How long an untraced server (node:net) gets to exit by itself once its clients are gone. */
const GRACE_MS = 300;
/** How long a server gets to end after SIGINT (one that does not handle it goes on in a worker). */
const STOP_MS = 500;

/**
 * Runs `pair.program` from `dir` (its owner named `owner`) and its peer from solution/, the server first and the
 * client through the relay, until both have finished, the server waits for its next client (then it is stopped as
 * the demo stops it, with SIGINT), or the deadline.
 */
export async function record(
  kata: Kata,
  pair: Pair,
  dir: string,
  owner: string,
  deadlineMs: number,
): Promise<Recording> {
  const mine = { info: pair.program, dir, owner };
  const theirs = { info: pair.peer, dir: path.join(kata.dir, "solution"), owner: "solution/" };
  const [sv, cl] = pair.program.role === "server" ? [mine, theirs] : [theirs, mine];
  let seq = 0;
  const next = () => ++seq;
  let wake = () => undefined as void;
  const changed = () => wake();

  const side = (role: Role, of: typeof mine): SideRecord => {
    const [file, owner] = [of.info.file, of.owner];
    return { role, file, owner, events: [], blockedAtEnd: undefined, stdout: "", stderr: "" };
  };
  const server = side("server", sv);
  const client = side("client", cl);
  const start = (record: SideRecord, of: typeof mine, port: number) => {
    const program = { file: path.join(of.dir, of.info.file), resolveFrom: kata.dir };
    const run = new RecordedRun(program, demoOf(kata, of.info, port).args, {
      label: record.role,
      deadlineMs,
    });
    run.log = (e) => {
      if (e.type === "call") record.events.push({ kind: "call", seq: next(), event: e.event });
      else if (e.type === "wait") record.events.push({ kind: "wait", seq: next(), waiting: e.waiting });
      else if (e.type === "ended") record.events.push({ kind: "exit", seq: next(), code: e.code });
      changed();
    };
    return run;
  };

  /** Waits until `done()` holds, checked after every event, or the time `end` has come (false). */
  const until = async (done: () => boolean, end: number): Promise<boolean> => {
    while (!done()) {
      const left = end - Date.now();
      if (left <= 0) return false;
      const woken = new AbortController();
      wake = () => woken.abort();
      await sleep(left, undefined, { signal: woken.signal }).catch(() => undefined);
    }
    return true;
  };

  const s = start(server, sv, 0);
  let c: RecordedRun | undefined;
  let relay: Awaited<ReturnType<typeof startRelay>> | undefined;
  let ended: Recording["ended"] = "deadline";
  try {
    const port = await s.port(deadlineMs).catch(() => undefined);
    // A server that exited before it listened is done; one still running is stuck.
    if (port === undefined) ended = s.running ? "deadline" : "done";
    else {
      const r = (relay = await startRelay(port, next, changed));
      const cr = (c = start(client, cl, r.port));
      const { input } = demoOf(kata, cl.info, r.port);
      if (input.length > 0) {
        cr.write(input.map((line) => `${line}\n`).join(""));
        cr.endInput();
      }
      // The deadline is the pair's time once both run: loading the client (slow on a busy machine) is not its.
      await until(() => cr.heard || !cr.running, Date.now() + deadlineMs);
      const deadline = Date.now() + deadlineMs;
      // The client's part is over, and the server has exited or waits for its next client.
      const serverDone = () => !s.running || (r.idle() && s.blockedIn?.call.startsWith("accept") === true);
      if (await until(() => !cr.running && serverDone(), deadline)) ended = "done";
      else if (!cr.running && r.idle() && !server.events.some((e) => e.kind === "call")) {
        // A server the layers do not trace (node:net) says nothing of its accept(): it gets a moment to exit.
        await until(() => !s.running, Math.min(Date.now() + GRACE_MS, deadline));
        ended = "done";
      }
    }
    if (s.running && ended === "done") {
      // As the demo stops a server that serves for ever; one that does not handle the signal is ended with it.
      server.events.push({ kind: "signal", seq: next(), signal: "SIGINT" });
      s.stop("SIGINT");
      await until(() => !s.running, Date.now() + STOP_MS);
    }
  } finally {
    const stuck = (run?: RecordedRun) => (ended === "deadline" && run?.running ? run.blockedIn : undefined);
    [server.blockedAtEnd, client.blockedAtEnd] = [stuck(s), stuck(c)];
    // What ending them makes them do is the trace's doing, not theirs.
    s.log = undefined;
    if (c) c.log = undefined;
    await Promise.all([s.end(), c?.end()]);
    await relay?.close();
    server.stdout = s.stdout.text;
    server.stderr = s.stderr.text;
    client.stdout = c?.stdout.text ?? "";
    client.stderr = c?.stderr.text ?? "";
  }
  return { server, client, connections: relay?.connections ?? [], ended };
}
