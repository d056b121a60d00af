/** Values across the boundary: structured cloning makes Buffers plain Uint8Arrays and errors bare; put back. */
import type { CrossedError } from "./protocol.ts";

/** Every Uint8Array in `value` (arrays, plain objects, maps and sets, nested) made a Buffer again, copy-free. */
export function revive(value: unknown): unknown {
  if (value instanceof Uint8Array)
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value)) return value.map(revive);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [revive(k), revive(v)]));
  if (value instanceof Set) return new Set([...value].map(revive));
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
  return value;
}

/** The names of an error's classes, most derived first ("PacketError", "Error"). */
function classNames(err: object): string[] {
  const names: string[] = [];
  for (let proto: unknown = Object.getPrototypeOf(err); proto; proto = Object.getPrototypeOf(proto)) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === "string" && name !== "Object") names.push(name);
  }
  return names;
}

/** An error (or anything thrown) in a form that crosses. */
export function crossError(thrown: unknown): CrossedError {
  const err = thrown instanceof Error ? thrown : undefined;
  const props: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(err ?? {})) {
    if (key === "name" || key === "message" || key === "code") continue;
    try {
      structuredClone(value);
      props[key] = value;
    } catch {
      // a property that cannot cross (a function, a socket) is left out
    }
  }
  const code = (err as { code?: unknown } | undefined)?.code;
  return {
    name: err?.name ?? "Error",
    message: err?.message ?? String(thrown),
    stack: err?.stack,
    code: typeof code === "string" ? code : undefined,
    classes: err ? classNames(err) : [],
    props,
  };
}

const CLASSES = Symbol.for("tcp-katas.boundary.classes");

/** The error again, on the other side: same name, message, stack, code and properties. */
export function reviveError(crossed: CrossedError): Error {
  const err = new Error(crossed.message);
  Object.assign(err, revive(crossed.props));
  err.name = crossed.name;
  if (crossed.stack !== undefined) err.stack = crossed.stack;
  if (crossed.code !== undefined) Object.assign(err, { code: crossed.code });
  Object.defineProperty(err, CLASSES, { value: crossed.classes });
  return err;
}

/** Whether `value` is an error that crossed from an instance of a class named `name`. */
export function crossedFrom(value: unknown, name: string): boolean {
  const classes = (value as { [CLASSES]?: unknown } | null)?.[CLASSES];
  return Array.isArray(classes) && classes.includes(name);
}
