import {
  connectLocal,
  countCalls,
  expectAllClosed,
  listenLocal,
  startProgram,
  type TraceEvent,
} from "@tcp-katas/shared/testing";
import { impl } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

type Server = typeof import("../solution/echo-server-win.ts");
type Client = typeof import("../solution/echo-client-win.ts");
const server = await impl<Server>("echo-server-win.ts");
const client = await impl<Client>("echo-client-win.ts");

/** The Winsock discipline: WSAStartup first, nothing refused for lack of it, WSACleanup last, once per startup. */
function expectDiscipline(trace: readonly TraceEvent[], who: string): void {
  expect(trace[0]?.call, `${who}'s first Winsock call`).toBe("WSAStartup");
  const refused = trace.filter((e) => e.error === "WSANOTINITIALISED");
  expect(
    refused.map((e) => e.call),
    `${who}'s calls refused with WSANOTINITIALISED (made outside WSAStartup..WSACleanup)`,
  ).toEqual([]);
  expect(countCalls(trace, "WSACleanup"), `${who}: one WSACleanup per WSAStartup`).toBe(
    countCalls(trace, "WSAStartup"),
  );
  expect(trace.at(-1)?.call, `${who}'s last Winsock call`).toBe("WSACleanup");
}

describe("stage 4: WSAStartup first, WSACleanup on every way out", () => {
  it("the server, after five clients: startup, cleanup, every SOCKET closed", async () => {
    const run = startProgram(server.main, ["0"], { label: "your server" });
    const port = await run.port();
    for (let i = 1; i <= 5; i++) {
      const c = await connectLocal(port);
      c.end();
      await c.waitForEnd();
    }
    await run.expectExit(0);
    expectDiscipline(run.trace, "the server");
    expectAllClosed(run.trace);
  });

  it("the server, when bind fails: WSACleanup still called", async () => {
    const taken = await listenLocal();
    const run = startProgram(server.main, [String(taken.port)], { label: "your server" });
    await run.expectExit(1);
    expectDiscipline(run.trace, "the server");
  });

  it("the client, after q: startup, cleanup, its SOCKET closed", async () => {
    const echo = await listenLocal((s) => s.pipe(s));
    const run = startProgram(client.main, ["127.0.0.1", String(echo.port)], {
      label: "your client",
      stdin: "hi\nq\n",
    });
    await run.expectExit(0);
    expectDiscipline(run.trace, "the client");
    expectAllClosed(run.trace);
  });

  it("the client, when connect is refused: its own error handler runs and calls WSACleanup", async () => {
    const peer = await listenLocal();
    // Bound by a connected socket, never listening: connect() there is refused for sure.
    const refused = (await connectLocal(peer.port)).socket.localPort ?? 0;
    const run = startProgram(client.main, ["127.0.0.1", String(refused)], {
      label: "your client",
      stdin: "",
    });
    await run.expectExit(1);
    expectDiscipline(run.trace, "the client");
  });
});
