// shared/cli rule by rule, where mutation testing found a change no test noticed (see MUTATION.md).
import net from "node:net";
import { PassThrough } from "node:stream";

import { describe, expect, it } from "vitest";

import {
  connectionClosed,
  errorHandling,
  isIPv4,
  nodeErrorCause,
  program,
  ProgramExit,
  TodoError,
} from "../src/cli/index.ts";
import {
  AF_INET,
  bind,
  getsockname,
  htons,
  inet_addr,
  listen,
  ntohs,
  PF_INET,
  SOCK_STREAM,
  sockaddr_in,
  socket,
} from "../src/posix/index.ts";
import { Output } from "../src/testing/index.ts";

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  return { stdin: new PassThrough(), stdout, stderr, err: new Output(stderr) };
}

describe("the katas' errors", () => {
  it("head their stack with name and code, and keep their message", () => {
    const todo = new TodoError("TODO: stage 1");
    expect(todo.message).toBe("TODO: stage 1");
    expect(todo.stack?.startsWith("TodoError [KATA_TODO]: TODO: stage 1\n")).toBe(true);
    const exit = new ProgramExit(3);
    expect(exit.message).toBe("exit(3)");
    expect(exit.stack?.startsWith("ProgramExit [KATA_EXIT]: exit(3)\n")).toBe(true);
  });

  it("connectionClosed() is the EOF cause; nodeErrorCause() maps a Node error's code", () => {
    expect(connectionClosed()).toEqual({
      name: "EOF",
      message: "the server closed the connection mid-message",
    });
    const inUse = Object.assign(new Error("listen EADDRINUSE: address already in use"), {
      code: "EADDRINUSE",
    });
    expect(nodeErrorCause(inUse)).toMatchObject({ name: "EADDRINUSE" });
  });

  it("errorHandling() without a cause prints the label alone and exits 1", async () => {
    const s = io();
    const main = program({ name: "t.ts", params: [] }, async () => errorHandling("connect() error"));
    expect(await main([], s)).toBe(1);
    expect(s.err.text).toBe("connect() error\n");
  });
});

describe("isIPv4", () => {
  it("takes 255.255.255.255 (inet_addr's INADDR_NONE) and refuses an empty text", () => {
    expect(isIPv4("255.255.255.255")).toBe(true);
    expect(isIPv4("127.0.0.1")).toBe(true);
    expect(isIPv4("")).toBe(false);
    expect(isIPv4("localhost")).toBe(false);
  });
});

describe("program()", () => {
  it("closes what the program left open when it returns: its listening socket refuses afterwards", async () => {
    let port = 0;
    const leaky = program({ name: "leaky.ts", params: [] }, async () => {
      const fd = socket(PF_INET, SOCK_STREAM, 0);
      const addr = sockaddr_in();
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = inet_addr("127.0.0.1");
      addr.sin_port = htons(0);
      await bind(fd, addr);
      await listen(fd, 5);
      const me = sockaddr_in();
      getsockname(fd, me);
      port = ntohs(me.sin_port);
      return 0; // no close(fd)
    });
    expect(await leaky([], io())).toBe(0);
    expect(port).toBeGreaterThan(0);
    const outcome = await new Promise<string>((resolve) => {
      const c = net.connect(port, "127.0.0.1");
      c.on("connect", () => {
        c.destroy();
        resolve("connected");
      });
      c.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
    });
    expect(outcome, "the port the program left listening").toBe("ECONNREFUSED");
  });
});
