/**
 * A recorded pair as a sequence diagram: the two sides' calls merged into one order, each with its descriptor and
 * result (`accept(3) → 4`, `read(4) → 12`), the bytes each write carried, and the waits that lasted while the
 * other side acted. Written as Mermaid (`sequenceDiagram`, which GitHub renders), and drawn as text for a terminal
 * by beautiful-mermaid from that same source.
 */
import { renderMermaidASCII } from "beautiful-mermaid";

import { columns, WIDE } from "../width.ts";
import type { Recording, Role, SideEvent, SideRecord } from "./record.ts";

export interface Step {
  from: Role;
  /** The same side for a call that stays local, the other side for one whose effect crosses the connection. */
  to: Role;
  /** The call with its descriptor and result: `write(4) → 12`. */
  label: string;
  /** The bytes a write carried. */
  data?: Buffer;
  /** A connection's end (close, shutdown): drawn dashed. */
  dashed?: boolean;
  /** A call that started to wait: shown only when the other side acted meanwhile, or the wait never ended. */
  wait?: boolean;
  /** A wait that never ended (the side was still blocked when the trace ended): compared like a call. */
  stuck?: boolean;
  /** What two diagrams compare: the side, the call, its result and the bytes (waits left out). */
  key: string;
}

const WRITES = new Set(["write", "send"]);
const READS = new Set(["read", "recv"]);
const CLOSES = new Set(["close", "closesocket", "shutdown"]);
const FAILED = new Set([-1, 0xffff_ffff]);
const other = (role: Role): Role => (role === "server" ? "client" : "server");

/** Bytes as a short quoted string: printable text as is, the rest escaped (`"Hello\n"`, `"\x00"`), cut at `max`. */
export function preview(bytes: Buffer, max = 24): string {
  const text = bytes.toString("utf8");
  const utf8 = Buffer.from(text, "utf8").equals(bytes);
  let out = "";
  let shown = 0;
  for (const ch of utf8 ? text : bytes.toString("latin1")) {
    if (shown >= max) return `"${out}…"`;
    const code = ch.codePointAt(0) ?? 0;
    out +=
      ch === "\n"
        ? "\\n"
        : ch === "\r"
          ? "\\r"
          : ch === "\t"
            ? "\\t"
            : ch === '"' || ch === "\\"
              ? `\\${ch}`
              : code < 0x20 || code === 0x7f || (!utf8 && code > 0x7e)
                ? `\\x${code.toString(16).padStart(2, "0")}`
                : ch;
    shown += 1;
  }
  return `"${out}"`;
}

function callLabel(e: {
  call: string;
  fd?: number | undefined;
  result: number;
  error?: string | undefined;
}): string {
  const fd = e.call === "socket" || e.call.startsWith("WSA") ? "" : (e.fd ?? "");
  const result = FAILED.has(e.result)
    ? e.call === "socket"
      ? "-1"
      : String(e.result | 0)
    : String(e.result);
  const eof = READS.has(e.call) && e.result === 0 ? " (EOF)" : "";
  return `${e.call}(${fd}) → ${result}${e.error ? ` ${e.error}` : ""}${eof}`;
}

/** One side's events as steps, with what each must come after on the other side. */
interface Item {
  step: Step;
  seq: number;
  /** Writes: the connection, the direction's byte range. Closes: the connection. Connects: the connection. */
  conn?: number;
  range?: [number, number];
  closes?: boolean;
  connects?: boolean;
  /** The other side's item this one needs first: a read after the write of its last byte, an accept after the connect. */
  needs?: (items: readonly Item[]) => number | undefined;
}

function keyOf(step: Omit<Step, "key">): string {
  return `${step.from}>${step.to} ${step.label}${step.data ? ` ${step.data.toString("hex")}` : ""}`;
}

function make(step: Omit<Step, "key">): Step {
  return { ...step, key: keyOf(step) };
}

/** The items of a side the layers traced: its calls and waits, the bytes taken from the relay's record. */
function tracedItems(side: SideRecord, rec: Recording): Item[] {
  const role = side.role;
  const conns = rec.connections;
  const fdConn = new Map<number, number>();
  const sent = new Map<number, number>();
  const received = new Map<number, number>();
  let opened = 0;
  const items: Item[] = [];
  const local = (label: string, seq: number, extra: Partial<Step> = {}): Item => ({
    step: make({ from: role, to: role, label, ...extra }),
    seq,
  });
  for (const e of side.events) {
    if (e.kind === "wait") {
      items.push(local(`${e.waiting.call}(${e.waiting.fd}) blocks`, e.seq, { wait: true }));
      continue;
    }
    if (e.kind === "signal") {
      items.push(local(e.signal, e.seq));
      continue;
    }
    if (e.kind === "exit") {
      items.push(local(`exit ${e.code}`, e.seq));
      continue;
    }
    items.push(callItem(e, role, conns, { fdConn, sent, received, opened: () => opened++ }));
  }
  return items;
}

interface Books {
  fdConn: Map<number, number>;
  sent: Map<number, number>;
  received: Map<number, number>;
  opened: () => number;
}

function callItem(
  e: Extract<SideEvent, { kind: "call" }>,
  role: Role,
  conns: Recording["connections"],
  books: Books,
): Item {
  const { event } = e;
  const label = callLabel(event);
  const peer = other(role);
  const ok = !FAILED.has(event.result) && !event.error;
  const fd = event.fd ?? -1;
  if (event.call === "accept" && ok) {
    const conn = books.opened();
    books.fdConn.set(event.result, conn);
    books.sent.set(event.result, 0);
    books.received.set(event.result, 0);
    return {
      step: make({ from: role, to: role, label }),
      seq: e.seq,
      conn,
      needs: (theirs) => find(theirs, (i) => i.connects === true && i.conn === conn),
    };
  }
  if (event.call === "connect") {
    const conn = ok ? books.opened() : undefined;
    if (conn !== undefined) {
      books.fdConn.set(fd, conn);
      books.sent.set(fd, 0);
      books.received.set(fd, 0);
    }
    return {
      step: make({ from: role, to: peer, label }),
      seq: e.seq,
      connects: ok,
      ...(conn === undefined ? {} : { conn }),
    };
  }
  const conn = books.fdConn.get(fd);
  const stream = conn === undefined ? undefined : conns[conn]?.[role === "server" ? "toClient" : "toServer"];
  const incoming =
    conn === undefined ? undefined : conns[conn]?.[role === "server" ? "toServer" : "toClient"];
  if (WRITES.has(event.call) && conn !== undefined && event.result > 0 && !FAILED.has(event.result)) {
    const from = books.sent.get(fd) ?? 0;
    const to = from + event.result;
    books.sent.set(fd, to);
    const data = stream?.subarray(from, to);
    return {
      step: make({ from: role, to: peer, label, ...(data && data.length > 0 ? { data } : {}) }),
      seq: e.seq,
      conn,
      range: [from, to],
    };
  }
  if (READS.has(event.call) && conn !== undefined && !FAILED.has(event.result)) {
    const from = books.received.get(fd) ?? 0;
    const to = from + event.result;
    books.received.set(fd, to);
    const data = incoming?.subarray(from, to);
    return {
      step: make({ from: role, to: role, label, ...(data && data.length > 0 ? { data } : {}) }),
      seq: e.seq,
      needs:
        event.result > 0
          ? (theirs) => find(theirs, (i) => i.conn === conn && i.range !== undefined && i.range[1] >= to)
          : (theirs) => find(theirs, (i) => i.conn === conn && i.closes === true),
    };
  }
  if (CLOSES.has(event.call) && conn !== undefined) {
    if (event.call !== "shutdown") books.fdConn.delete(fd);
    return { step: make({ from: role, to: peer, label, dashed: true }), seq: e.seq, conn, closes: true };
  }
  return { step: make({ from: role, to: role, label }), seq: e.seq };
}

function find(items: readonly Item[], match: (item: Item) => boolean): number | undefined {
  const at = items.findIndex(match);
  return at === -1 ? undefined : at;
}

/**
 * A side the layers do not trace (node:net): what the relay saw of it, its connection, its bytes and its end, as
 * steps of that side (`net: 12 bytes`), and its exit.
 */
function relayItems(side: SideRecord, rec: Recording): Item[] {
  const role = side.role;
  const peer = other(role);
  const items: Item[] = [];
  const mine = role === "client";
  for (const [conn, c] of rec.connections.entries()) {
    let sentTo = 0;
    // What the relay had taken from the peer so far: whatever this side did next came after the peer wrote it.
    let fromPeer = 0;
    const after = (): Item["needs"] => {
      const needed = fromPeer;
      return needed === 0
        ? undefined
        : (theirs) => find(theirs, (i) => i.conn === conn && i.range !== undefined && i.range[1] >= needed);
    };
    for (const e of c.events) {
      if (e.kind === "data" && e.toServer !== mine) fromPeer += e.bytes.length;
      if (e.kind === "open")
        items.push(
          mine
            ? {
                step: make({ from: role, to: peer, label: "net.connect()" }),
                seq: e.seq,
                conn,
                connects: true,
              }
            : { step: make({ from: role, to: role, label: "connection" }), seq: e.seq, conn },
        );
      else if (e.kind === "data" && e.toServer === mine) {
        const from = sentTo;
        sentTo += e.bytes.length;
        const needs = after();
        items.push({
          step: make({ from: role, to: peer, label: `net: ${e.bytes.length} bytes`, data: e.bytes }),
          seq: e.seq,
          conn,
          range: [from, sentTo],
          ...(needs ? { needs } : {}),
        });
      } else if (e.kind === "end" && e.toServer === mine) {
        const needs = after();
        items.push({
          step: make({ from: role, to: peer, label: "net: end", dashed: true }),
          seq: e.seq,
          conn,
          closes: true,
          ...(needs ? { needs } : {}),
        });
      } else if (e.kind === "reset")
        items.push({ step: make({ from: role, to: peer, label: "net: reset", dashed: true }), seq: e.seq });
    }
  }
  for (const e of side.events)
    if (e.kind === "signal")
      items.push({ step: make({ from: role, to: role, label: e.signal }), seq: e.seq });
  items.sort((a, b) => a.seq - b.seq);
  // Its exit comes last: the relay may pass its last bytes on after the program has already ended.
  const exit = side.events.find((e) => e.kind === "exit");
  if (exit?.kind === "exit")
    items.push({
      step: make({ from: role, to: role, label: `exit ${exit.code}` }),
      seq: Math.max(exit.seq, ...items.map((i) => i.seq)),
    });
  return items;
}

function itemsOf(side: SideRecord, rec: Recording): Item[] {
  return side.events.some((e) => e.kind === "call") ? tracedItems(side, rec) : relayItems(side, rec);
}

/**
 * The two sides merged into one order: as the events arrived, except that a read comes after the write of its
 * bytes (or the close it reports), and an accept after the connect it takes, whatever order the two threads'
 * messages took. A wait is kept only while the other side acted during it, or when it never ended.
 */
export function stepsOf(rec: Recording): Step[] {
  const sides = { server: itemsOf(rec.server, rec), client: itemsOf(rec.client, rec) };
  const at = { server: 0, client: 0 };
  const merged: Item[] = [];
  const ready = (role: Role): boolean => {
    const item = sides[role][at[role]];
    const need = item?.needs?.(sides[other(role)]);
    return need === undefined || need < at[other(role)];
  };
  while (at.server < sides.server.length || at.client < sides.client.length) {
    const s = sides.server[at.server];
    const c = sides.client[at.client];
    let pick: Role;
    if (!s) pick = "client";
    else if (!c) pick = "server";
    else if (ready("server") && ready("client")) pick = s.seq <= c.seq ? "server" : "client";
    else if (ready("server")) pick = "server";
    else if (ready("client")) pick = "client";
    else pick = s.seq <= c.seq ? "server" : "client";
    merged.push(sides[pick][at[pick]] as Item);
    at[pick] += 1;
  }
  const blocked = { server: rec.server.blockedAtEnd, client: rec.client.blockedAtEnd };
  const steps: Step[] = [];
  // A call repeated with the same result (a loop on read() → 0) is one step, counted: `read(3) → 0 ×1000`.
  const counts = new Map<Step, number>();
  const last: Partial<Record<Role, Step>> = {};
  const push = (step: Step) => {
    const before = last[step.from];
    if (before && before.key === step.key && steps.at(-1) !== undefined) {
      const since = steps.slice(steps.lastIndexOf(before) + 1);
      if (since.every((s) => s.from !== step.from)) {
        counts.set(before, (counts.get(before) ?? 1) + 1);
        return;
      }
    }
    steps.push(step);
    last[step.from] = step;
  };
  for (const [i, item] of merged.entries()) {
    const step = item.step;
    if (!step.wait) {
      push(step);
      continue;
    }
    const next = merged.findIndex((m, j) => j > i && m.step.from === step.from);
    const between = merged.slice(i + 1, next === -1 ? undefined : next);
    if (next === -1 && blocked[step.from]) push({ ...step, label: `${step.label} (still)`, stuck: true });
    else if (between.some((m) => m.step.from !== step.from)) push(step);
  }
  const counted = steps.map((step) => {
    const n = counts.get(step);
    return n === undefined ? step : { ...step, label: `${step.label} ×${n}`, key: `${step.key} ×${n}` };
  });
  if (counted.length <= MAX_STEPS) return counted;
  const more = counted.length - MAX_STEPS;
  const end = counted[MAX_STEPS - 1] as Step;
  return [...counted.slice(0, MAX_STEPS), make({ from: end.from, to: end.from, label: `… ${more} more` })];
}

/** The most steps a diagram shows (a loop that never ends would make one too long to read). */
const MAX_STEPS = 80;

/**
 * The first step where two diagrams' `role` sides differ (waits left out, but not one that never ended): its
 * index in `mine` (its length when `mine` stops short), or undefined when they are the same.
 */
export function firstDifference(
  mine: readonly Step[],
  reference: readonly Step[],
  role: Role,
): { index: number; mine?: Step; reference?: Step } | undefined {
  const own = (steps: readonly Step[]) =>
    steps.map((s, index) => ({ s, index })).filter(({ s }) => s.from === role && (!s.wait || s.stuck));
  const a = own(mine);
  const b = own(reference);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x?.s.key === y?.s.key) continue;
    return {
      index: x?.index ?? mine.length,
      ...(x ? { mine: x.s } : {}),
      ...(y ? { reference: y.s } : {}),
    };
  }
  return undefined;
}

export interface DiagramOptions {
  /** The longest data shown on a write, in characters. */
  dataMax?: number;
  /** A step to mark (the first difference), with the note that says what the reference does there. */
  mark?: { index: number; note: string };
}

/** A step's text: the call, then the bytes it carried. */
export function stepText(step: Step, dataMax = 24): string {
  if (!step.data || dataMax <= 0 || step.from === step.to) return step.label;
  return `${step.label} ${preview(step.data, dataMax)}`;
}

type Escape = (text: string) => string;

const MERMAID_CODES: Record<string, string> = {
  "#": "#35;",
  ";": "#59;",
  "&": "#38;",
  "<": "#60;",
  ">": "#62;",
  "`": "#96;",
};

/** Text inside Mermaid: its entity codes for what would end a message, spell an entity or open HTML. */
export const mermaidText: Escape = (text) =>
  text.replace(/[\r\n]+/g, " ").replace(/[#;&<>`]/g, (ch) => MERMAID_CODES[ch] ?? ch);

function participant(side: SideRecord): string {
  return `${side.file} (${side.owner})`;
}

function source(rec: Recording, steps: readonly Step[], options: DiagramOptions, esc: Escape): string {
  const id = (role: Role) => (role === "server" ? "S" : "C");
  const lines = [
    "sequenceDiagram",
    `    participant S as ${esc(participant(rec.server))}`,
    `    participant C as ${esc(participant(rec.client))}`,
  ];
  for (const [i, step] of steps.entries()) {
    const marked = options.mark?.index === i;
    if (marked) lines.push("    rect rgb(255, 221, 221)");
    const arrow = step.dashed ? "-->>" : "->>";
    lines.push(`    ${id(step.from)}${arrow}${id(step.to)}: ${esc(stepText(step, options.dataMax))}`);
    if (marked && options.mark)
      lines.push(`    Note over ${id(step.from)}: ${esc(options.mark.note)}`, "    end");
  }
  if (options.mark && options.mark.index >= steps.length) {
    const last = steps.at(-1)?.from ?? "server";
    lines.push(`    Note over ${id(last)}: ${esc(options.mark.note)}`);
  }
  return lines.join("\n");
}

/** The diagram as Mermaid source (for a ```mermaid block). */
export function mermaid(rec: Recording, steps: readonly Step[], options: DiagramOptions = {}): string {
  return source(rec, steps, options, mermaidText);
}

// Characters beautiful-mermaid gives a meaning inside a label (line breaks from `\n` and <br>, emphasis from *
// and ~, a label's surrounding quotes, entities) travel as private-use characters and are put back after.
const SPECIAL = ["\\", "*", "~", "<", ">", '"', "&", "#", ";", "%", "_"];
const HOLD = (i: number) => String.fromCharCode(0xe000 + i);
// It also counts a character as one column: a wide one (Hangul, CJK) gets a filler it counts, removed after.
const FILLER = "\ue0ff";

const held: Escape = (text) =>
  text
    .replace(/[\r\n]+/g, " ")
    .replace(/[\\*~<>"&#;%_]/g, (ch) => HOLD(SPECIAL.indexOf(ch)))
    .replace(WIDE, (ch) => `${ch}${FILLER}`);

function release(text: string): string {
  let out = text.replaceAll(FILLER, "");
  for (const [i, ch] of SPECIAL.entries()) out = out.replaceAll(HOLD(i), ch);
  return out;
}

/**
 * The diagram drawn as text, at most `width` columns wide where the labels allow it: the data shown on each
 * write is cut shorter until it fits.
 */
export function textDiagram(
  rec: Recording,
  steps: readonly Step[],
  options: DiagramOptions & { width?: number; ascii?: boolean } = {},
): string {
  const width = options.width ?? 100;
  let drawn = "";
  for (const dataMax of [options.dataMax ?? 24, 12, 6, 0]) {
    const src = source(rec, steps, { ...options, dataMax }, held);
    drawn = release(renderMermaidASCII(src, { colorMode: "none", useAscii: options.ascii === true }))
      .split("\n")
      .map((l) => l.trimEnd())
      .join("\n")
      .replace(/\n+$/, "");
    if (Math.max(...drawn.split("\n").map(columns)) <= width) break;
  }
  return drawn;
}
