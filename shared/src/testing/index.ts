/**
 * What the katas' tests share: real sockets on 127.0.0.1 port 0, programs run in-process or as child
 * processes with deadlines, byte-exact diffs, a re-chunking proxy, and checks over the layers' call traces.
 * @module
 */
export type { TraceEvent } from "../internal/context.ts";
export { bytesDiff, BytesMismatch, describeBytes, expectBytes, firstDifference } from "./bytes.ts";
export { registerCleanup } from "./cleanup.ts";
export { DeadlineExceeded, DEFAULT_DEADLINE_MS, withDeadline } from "./deadline.ts";
export { errorMatching } from "./errors.ts";
export {
  connectLocal,
  freePort,
  listenLocal,
  type LocalServer,
  LOOPBACK,
  refusedPort,
  type TestClient,
} from "./net.ts";
export { localLabel, Output, prefixed } from "./output.ts";
export { NotDoneYet, ProgramRun } from "./program-run.ts";
export { type Rechunk, type RechunkProxy, rechunkProxy } from "./proxy.ts";
export { InProcessRun, startProgram } from "./run.ts";
export { ChildRun, spawnProgram } from "./spawn.ts";
export { clientTranscript, type EchoClientSuite, echoClientSuite } from "./suites/echo-client.ts";
export { type EchoServerSuite, echoServerSuite } from "./suites/echo-server.ts";
export { type Layer, type StartedServer, startServer } from "./suites/start.ts";
export {
  countCalls,
  describeTrace,
  expectAllClosed,
  expectCallOrder,
  expectNoWriteAfterFailedRead,
  unclosed,
} from "./trace.ts";
export { traced } from "./traced.ts";
