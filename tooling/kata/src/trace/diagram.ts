/**
 * A recorded pair as a sequence diagram: the two sides' calls merged into one order, each with its descriptor and
 * result (`accept(3) → 4`, `read(4) → 12`), the bytes each write carried, and the waits that lasted while the
 * other side acted. Written as Mermaid (`sequenceDiagram`, which GitHub renders), and drawn as text for a terminal
 * by beautiful-mermaid from that same source.
 */
import type { TraceEvent } from "@tcp-katas/shared/boundary";
import { renderMermaidASCII } from "beautiful-mermaid";

import { columns, WIDE } from "../width.ts";
import type { Recording, Role, SideRecord } from "./record.ts";

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
const ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"', "\\": "\\\\" };

/** Bytes as a short quoted string: printable text as is, the rest escaped (`"Hello\n"`, `"\x00"`), cut at `max`. */
export function preview(bytes: Buffer, max = 24): string {
  const text = bytes.toString("utf8");
  const utf8 = Buffer.from(text, "utf8").equals(bytes);
  const chars = [...(utf8 ? text : bytes.toString("latin1"))];
  const shown = chars.slice(0, max).map((ch) => {
    const code = ch.codePointAt(0) ?? 0;
    const hex = code < 0x20 || code === 0x7f || (!utf8 && code > 0x7e);
    return ESCAPES[ch] ?? (hex ? `\\x${code.toString(16).padStart(2, "0")}` : ch);
  });
  return `"${shown.join("")}${chars.length > max ? "…" : ""}"`;
}

/** `read(4) → 12`; a failure (-1, or INVALID_SOCKET and SOCKET_ERROR as unsigned) shows as -1 with its error. */
function callLabel(e: TraceEvent): string {
  const fd = e.call === "socket" || e.call.startsWith("WSA") ? "" : (e.fd ?? "");
  const result = FAILED.has(e.result) ? -1 : e.result;
  const eof = READS.has(e.call) && e.result === 0 ? " (EOF)" : "";
  return `${e.call}(${fd}) → ${result}${e.error ? ` ${e.error}` : ""}${eof}`;
}

/** One side's events as steps, with what each must come after on the other side. */
interface Item {
  step: Step;
  seq: number;
  /** Writes, closes, connects: the connection; writes: how far into its direction's bytes they reach. */
  conn?: number;
  upto?: number;
  closes?: boolean;
  connects?: boolean;
  /** Matches the other side's item needed first: the write of a read's last byte, an accept's connect. */
  needs?: (theirs: Item) => boolean;
}

/** An item numbered `seq`: its step, with the step's key, and what the merge needs to know of it. */
function item(seq: number, step: Omit<Step, "key">, more: Omit<Item, "step" | "seq"> = {}): Item {
  const key = `${step.from}>${step.to} ${step.label}${step.data ? ` ${step.data.toString("hex")}` : ""}`;
  return { step: { ...step, key }, seq, ...more };
}

/** Needs the other side's write that carried byte `n` (from 1) of connection `conn`. */
const wrote = (conn: number, n: number) => (i: Item) => i.conn === conn && (i.upto ?? 0) >= n;

type Extra = Partial<Pick<Step, "data" | "dashed" | "wait">>;

/** Builders of `role`'s steps: one that stays on its side, one that crosses to the peer. */
const stepsFor = (role: Role) => ({
  local: (label: string, extra: Extra = {}) => ({ from: role, to: role, label, ...extra }),
  across: (label: string, extra: Extra = {}) => ({ from: role, to: other(role), label, ...extra }),
});

/** The words of a wait, in the learner's language: `read(3) blocks`, and `(still)` for one that never ended. */
export interface WaitWords {
  blocks: string;
  still: string;
}

/** The items of a side the layers traced: its calls and waits, the bytes taken from the relay's record. */
function tracedItems(side: SideRecord, rec: Recording, words: WaitWords): Item[] {
  const { role } = side;
  const { local, across } = stepsFor(role);
  // Each connection's bytes, [to the client, to the server].
  const flows = rec.connections.map((events) =>
    [false, true].map((toServer) =>
      Buffer.concat(events.flatMap((e) => (e.kind === "data" && e.toServer === toServer ? [e.bytes] : []))),
    ),
  );
  // The open descriptors: their connection, and how many bytes their writes and reads have moved.
  const open = new Map<number, { conn: number; sent: number; received: number }>();
  let opened = 0;
  return side.events.map((e) => {
    if (e.kind === "wait")
      return item(e.seq, local(`${e.waiting.call}(${e.waiting.fd}) ${words.blocks}`, { wait: true }));
    if (e.kind !== "call") return item(e.seq, local(e.kind === "exit" ? `exit ${e.code}` : e.signal));
    const { event } = e;
    const label = callLabel(event);
    const ok = !FAILED.has(event.result) && !event.error;
    const fd = event.fd ?? -1;
    if (ok && (event.call === "accept" || event.call === "connect")) {
      const conn = opened++;
      const accept = event.call === "accept";
      open.set(accept ? event.result : fd, { conn, sent: 0, received: 0 });
      if (!accept) return item(e.seq, across(label), { conn, connects: true });
      return item(e.seq, local(label), { conn, needs: (i) => i.connects === true && i.conn === conn });
    }
    if (event.call === "connect") return item(e.seq, across(label));
    const c = open.get(fd);
    if (!c) return item(e.seq, local(label));
    const { conn } = c;
    if (WRITES.has(event.call) && event.result > 0 && !FAILED.has(event.result)) {
      const upto = (c.sent += event.result);
      const data = flows[conn]?.[role === "client" ? 1 : 0]?.subarray(upto - event.result, upto);
      return item(e.seq, across(label, data && data.length > 0 ? { data } : {}), { conn, upto });
    }
    if (READS.has(event.call) && !FAILED.has(event.result)) {
      const to = (c.received += event.result);
      const data = flows[conn]?.[role === "server" ? 1 : 0]?.subarray(to - event.result, to);
      const needs = event.result > 0 ? wrote(conn, to) : (i: Item) => i.conn === conn && i.closes === true;
      return item(e.seq, local(label, data && data.length > 0 ? { data } : {}), { needs });
    }
    if (!CLOSES.has(event.call)) return item(e.seq, local(label));
    if (event.call !== "shutdown") open.delete(fd);
    return item(e.seq, across(label, { dashed: true }), { conn, closes: true });
  });
}

/**
 * A side the layers do not trace (node:net): what the relay saw of it, its connection, its bytes and its end, as
 * steps of that side (`net: 12 bytes`), and its exit.
 */
function relayItems(side: SideRecord, rec: Recording): Item[] {
  const { role } = side;
  const { local, across } = stepsFor(role);
  const items: Item[] = [];
  const mine = role === "client";
  for (const [conn, events] of rec.connections.entries()) {
    let sent = 0;
    // What the relay had taken from the peer so far: whatever this side did next came after the peer wrote it.
    let fromPeer = 0;
    const after = (more: Omit<Item, "step" | "seq">) =>
      fromPeer === 0 ? more : { ...more, needs: wrote(conn, fromPeer) };
    for (const e of events) {
      if (e.kind === "open")
        items.push(
          item(e.seq, mine ? across("net.connect()") : local("connection"), { conn, connects: mine }),
        );
      else if (e.kind === "reset") items.push(item(e.seq, across("net: reset", { dashed: true })));
      else if (e.toServer !== mine) fromPeer += e.kind === "data" ? e.bytes.length : 0;
      else if (e.kind === "data") {
        const step = across(`net: ${e.bytes.length} bytes`, { data: e.bytes });
        items.push(item(e.seq, step, after({ conn, upto: (sent += e.bytes.length) })));
      } else items.push(item(e.seq, across("net: end", { dashed: true }), after({ conn, closes: true })));
    }
  }
  for (const e of side.events) if (e.kind === "signal") items.push(item(e.seq, local(e.signal)));
  items.sort((a, b) => a.seq - b.seq);
  // Its exit comes last: the relay may pass its last bytes on after the program has already ended.
  const exit = side.events.find((e) => e.kind === "exit");
  if (exit?.kind === "exit")
    items.push(item(Math.max(exit.seq, ...items.map((i) => i.seq)), local(`exit ${exit.code}`)));
  return items;
}

/** The most steps a diagram shows (a loop that never ends would make one too long to read). */
const MAX_STEPS = 80;

/**
 * The two sides merged into one order: as the events arrived, except that a read comes after the write of its
 * bytes (or the close it reports), and an accept after the connect it takes, whatever order the two threads'
 * messages took. A wait is kept only while the other side acted during it, or when it never ended.
 */
export function stepsOf(rec: Recording, words: WaitWords): Step[] {
  const itemsOf = (side: SideRecord) =>
    side.events.some((e) => e.kind === "call") ? tracedItems(side, rec, words) : relayItems(side, rec);
  const sides = { server: itemsOf(rec.server), client: itemsOf(rec.client) };
  const at = { server: 0, client: 0 };
  const merged: Item[] = [];
  // Ready: what the side's next item needs of the other side is already merged.
  const ready = (role: Role) =>
    sides[other(role)].findIndex(sides[role][at[role]]?.needs ?? (() => false)) < at[other(role)];
  while (at.server < sides.server.length || at.client < sides.client.length) {
    const s = sides.server[at.server];
    const c = sides.client[at.client];
    // The earlier of the two when both or neither are ready, else the ready one.
    const both = ready("server") === ready("client");
    const pick = !c || (s && (both ? s.seq <= c.seq : ready("server"))) ? "server" : "client";
    merged.push(sides[pick][at[pick]] as Item);
    at[pick] += 1;
  }
  const steps: Step[] = [];
  // A call repeated with the same result (a loop on read() → 0) is one step, counted: `read(3) → 0 ×1000`.
  const counts = new Map<Step, number>();
  const last: Partial<Record<Role, Step>> = {};
  const push = (step: Step) => {
    const before = last[step.from];
    if (before?.key === step.key) counts.set(before, (counts.get(before) ?? 1) + 1);
    else steps.push((last[step.from] = step));
  };
  for (const [i, { step }] of merged.entries()) {
    if (!step.wait) push(step);
    else {
      // Kept when the other side acted before this side's next item, or when it is the side's last and blocked.
      const next = merged.findIndex((m, j) => j > i && m.step.from === step.from);
      if (next === -1 && rec[step.from].blockedAtEnd)
        push({ ...step, label: `${step.label} ${words.still}`, stuck: true });
      else if ((next === -1 ? merged.length : next) > i + 1) push(step);
    }
  }
  const counted = steps.map((step) => {
    const n = counts.get(step);
    return n === undefined ? step : { ...step, label: `${step.label} ×${n}`, key: `${step.key} ×${n}` };
  });
  if (counted.length <= MAX_STEPS) return counted;
  const end = counted[MAX_STEPS - 1] as Step;
  const more = item(0, { from: end.from, to: end.from, label: `… ${counted.length - MAX_STEPS} more` }).step;
  return [...counted.slice(0, MAX_STEPS), more];
}

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
  const i = [...Array(Math.max(a.length, b.length)).keys()].find((j) => a[j]?.s.key !== b[j]?.s.key);
  if (i === undefined) return undefined;
  const [x, y] = [a[i], b[i]];
  return { index: x?.index ?? mine.length, ...(x ? { mine: x.s } : {}), ...(y ? { reference: y.s } : {}) };
}

/** A step to mark (the first difference), with the note that says what the reference does there. */
export type Mark = { index: number; note: string };

type Escape = (text: string) => string;

/** A side as the diagram and the title name it: `hello-server.ts (solution/)`. */
export const participant = (side: SideRecord) => `${side.file} (${side.owner})`;

/** Text inside Mermaid: entity codes (`#59;`) for what would end a message, spell an entity or open HTML. */
const mermaidText: Escape = (text) =>
  text.replace(/[\r\n]+/g, " ").replace(/[#;&<>`]/g, (ch) => `#${ch.charCodeAt(0)};`);

/** The Mermaid source; each write shows at most `dataMax` characters of its data (none for 0). */
function source(rec: Recording, steps: readonly Step[], esc: Escape, dataMax: number, mark?: Mark) {
  const id = (role: Role) => (role === "server" ? "S" : "C");
  const lines = [
    "sequenceDiagram",
    `    participant S as ${esc(participant(rec.server))}`,
    `    participant C as ${esc(participant(rec.client))}`,
  ];
  for (const [i, step] of steps.entries()) {
    const data = step.data && dataMax > 0 && step.from !== step.to ? ` ${preview(step.data, dataMax)}` : "";
    const line = `    ${id(step.from)}${step.dashed ? "-->>" : "->>"}${id(step.to)}: ${esc(step.label + data)}`;
    if (mark?.index === i) lines.push("    rect rgb(255, 221, 221)");
    lines.push(line);
    if (mark?.index === i) lines.push(`    Note over ${id(step.from)}: ${esc(mark.note)}`, "    end");
  }
  if (mark && mark.index >= steps.length)
    lines.push(`    Note over ${id(steps.at(-1)?.from ?? "server")}: ${esc(mark.note)}`);
  return lines.join("\n");
}

/** The diagram as Mermaid source (for a ```mermaid block). */
export function mermaid(rec: Recording, steps: readonly Step[], mark?: Mark): string {
  return source(rec, steps, mermaidText, 24, mark);
}

// Characters beautiful-mermaid gives a meaning inside a label (line breaks from `\n` and <br>, emphasis from *
// and ~, a label's surrounding quotes, entities) travel as private-use characters and are put back after.
const SPECIAL = '\\*~<>"&#;%_';
// It also counts a character as one column: a wide one (Hangul, CJK) gets a filler it counts, removed after.
const FILLER = "\ue0ff";

const held: Escape = (text) =>
  text
    .replace(/[\r\n]+/g, " ")
    .replace(/[\\*~<>"&#;%_]/g, (ch) => String.fromCharCode(0xe000 + SPECIAL.indexOf(ch)))
    .replace(WIDE, (ch) => `${ch}${FILLER}`);

const release = (text: string) =>
  text.replaceAll(FILLER, "").replace(/[\ue000-\ue00a]/g, (ch) => SPECIAL[ch.charCodeAt(0) - 0xe000] ?? ch);

/**
 * The diagram drawn as text, at most 100 columns wide where the labels allow it: the data shown on each write is
 * cut shorter until it fits.
 */
export function textDiagram(rec: Recording, steps: readonly Step[]): string {
  let drawn = "";
  for (const dataMax of [24, 12, 6, 0]) {
    drawn = release(renderMermaidASCII(source(rec, steps, held, dataMax), { colorMode: "none" }))
      .split("\n")
      .map((l) => l.trimEnd())
      .join("\n")
      .replace(/\n+$/, "");
    if (Math.max(...drawn.split("\n").map(columns)) <= 100) break;
  }
  return drawn;
}
