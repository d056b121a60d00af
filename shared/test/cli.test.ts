// shared/cli: the listing's Usage check, error_handling()'s line, program()'s exit codes, line input, the katas'
// errors. The texts checked here are not translated (the listings' own words, and a crash's report), so no
// language is pinned.
import net from "node:net";
import { PassThrough } from "node:stream";

import { describe, expect, it } from "vitest";

import {
  checkArgs,
  connectionClosed,
  errorHandling,
  isIPv4,
  lineInput,
  nodeErrorCause,
  parsePort,
  program,
  ProgramExit,
  todo,
  TodoError,
} from "../src/cli/index.ts";
import { t } from "../src/i18n/index.ts";
import {
  AF_INET,
  bind,
  getsockname,
  htons,
  inet_addr,
  lastError,
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
  return { stdin: new PassThrough(), stdout, stderr, out: new Output(stdout), err: new Output(stderr) };
}

describe("checkArgs", () => {
  it("prints the listing's Usage line on a wrong count and exits 1", () => {
    const s = io();
    expect(() => checkArgs("echo-client.ts", ["<IP>", "<port>"], ["127.0.0.1"], s)).toThrow(ProgramExit);
    expect(s.err.text).toBe("Usage : echo-client.ts <IP> <port>\n");
  });

  it.each([
    [["abc"], '<port> must be a whole number from 0 to 65535, got "abc"'],
    [["65536"], '<port> must be a whole number from 0 to 65535, got "65536"'],
    [["-1"], '<port> must be a whole number from 0 to 65535, got "-1"'],
    [["12.5"], '<port> must be a whole number from 0 to 65535, got "12.5"'],
    [[""], '<port> must be a whole number from 0 to 65535, got ""'],
  ])("rejects the port %j", (args, why) => {
    const s = io();
    expect(() => checkArgs("echo-server.ts", ["<port>"], args, s)).toThrow(ProgramExit);
    expect(s.err.text).toBe(`Usage : echo-server.ts <port>\n${why}\n`);
  });

  it.each(["999.1.1.1", "localhost", "1.2.3"])("rejects the IP %j without a lookup", (ip) => {
    const s = io();
    expect(() => checkArgs("c.ts", ["<IP>", "<port>"], [ip, "80"], s)).toThrow(ProgramExit);
    expect(s.err.text).toContain(`<IP> must be an IPv4 address such as 127.0.0.1, got ${JSON.stringify(ip)}`);
  });

  it("accepts good arguments", () => {
    expect(checkArgs("c.ts", ["<IP>", "<port>"], ["127.0.0.1", "9190"], io())).toEqual(["127.0.0.1", "9190"]);
    expect(parsePort("0")).toBe(0);
    expect(parsePort("65535")).toBe(65535);
  });
});

describe("program()", () => {
  it("turns errorHandling into `label: reason (CODE)` on stderr and exit code 1, no stack", async () => {
    const s = io();
    const main = program({ name: "p.ts", params: [] }, async () => {
      if (socket(77, 1, 0) === -1) errorHandling("socket() error", lastError());
    });
    expect(await main([], s)).toBe(1);
    expect(s.err.text).toBe("socket() error: Address family not supported by protocol (EAFNOSUPPORT)\n");
  });

  it("prints the Winsock form when the cause is Winsock's", async () => {
    const s = io();
    const main = program({ name: "p.ts", params: [] }, async () => {
      errorHandling("bind() error", {
        name: "WSAEADDRINUSE",
        errno: 10048,
        message: "in use.",
        style: "winsock",
      });
    });
    expect(await main([], s)).toBe(1);
    expect(s.err.text).toBe("bind() error: in use. WSAEADDRINUSE (10048)\n");
  });

  it("reports a TODO, a crash and a wrong count with exit code 1", async () => {
    const s = io();
    expect(
      await program({ name: "p.ts", params: [] }, async () =>
        todo("stage 1: write main", "1단계: main을 쓰세요"),
      )([], s),
    ).toBe(1);
    // The TODO is in the learner's language, whichever this run has.
    expect(s.err.text).toBe(`TODO: ${t({ en: "stage 1: write main", ko: "1단계: main을 쓰세요" })}\n`);
    const c = io();
    expect(
      await program({ name: "p.ts", params: [] }, async () => {
        throw new TypeError("oops");
      })([], c),
    ).toBe(1);
    expect(c.err.text).toContain(
      t({
        en: "p.ts: unexpected error (a bug, not a socket error): TypeError: oops",
        ko: "p.ts: 예상하지 못한 오류(소켓 오류가 아닌 코드의 버그): TypeError: oops",
      }),
    );
    const u = io();
    expect(await program({ name: "p.ts", params: ["<port>"] }, async () => 0)([], u)).toBe(1);
    expect(u.err.text).toBe("Usage : p.ts <port>\n");
  });

  it("returns the body's exit code, 0 by default", async () => {
    expect(await program({ name: "p.ts", params: [] }, async () => undefined)([], io())).toBe(0);
    expect(await program({ name: "p.ts", params: [] }, async () => 3)([], io())).toBe(3);
  });
});

describe("lineInput", () => {
  it("keeps every piped line, CRLF or LF, and gives null at the end", async () => {
    const input = new PassThrough();
    input.end("one\r\ntwo\n\n안녕\nlast");
    const lines = lineInput(input);
    const got: (string | null)[] = [];
    for (let i = 0; i < 6; i++) got.push(await lines.getline());
    expect(got).toEqual(["one", "two", "", "안녕", "last", null]);
  });

  it("stops cleanly when closed early", async () => {
    const input = new PassThrough();
    input.write("a\nb\n");
    const lines = lineInput(input);
    expect(await lines.getline()).toBe("a");
    lines.close();
    expect(await lines.getline()).toBeNull();
  });
});

// The rules below were found by mutation testing: a change no test noticed (see MUTATION.md).
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
