/**
 * Timeouts and interrupts against endpoints that never answer, through the real CLI: a
 * listener that accepts connections and never writes a byte (read timeout), one whose
 * accept queue is full so connections never complete (connect timeout), and a SIGTERM
 * while a call hangs.
 */
import assert from "node:assert/strict";
import { cliCommand, Lines, runCli } from "./support/cli.ts";
import { linesExport } from "./support/lines.ts";

const TARGET = "00000000-0000-4000-8000-0000000000f1";

/** Accepts every connection and never answers; counts them. */
class SilentEndpoint {
  readonly #listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  readonly #conns: Deno.Conn[] = [];
  readonly url = `http://127.0.0.1:${(this.#listener.addr as Deno.NetAddr).port}`;
  readonly #accepting = this.#accept();

  async #accept(): Promise<void> {
    try {
      for await (const c of this.#listener) this.#conns.push(c);
    } catch { /* closed */ }
  }

  get accepted(): number {
    return this.#conns.length;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const c of this.#conns) {
      try {
        c.close();
      } catch { /* closed by the peer */ }
    }
    this.#listener.close();
    await this.#accepting;
  }
}

/**
 * A listener that never accepts, its accept queue filled by the test's own connections:
 * the kernel then ignores new handshakes, so a client's connect never completes.
 */
async function unconnectable(): Promise<AsyncDisposable & { url: string }> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const fillers: Deno.Conn[] = [];
  for (let i = 0; i < 5000; i++) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const pending = Deno.connect({ hostname: "127.0.0.1", port });
    const c = await Promise.race([
      pending,
      new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), 300))),
    ]);
    clearTimeout(timer);
    if (!c) {
      // The queue is full: this handshake hangs; drop it when it ends.
      pending.then((late) => late.close(), () => {});
      break;
    }
    fillers.push(c);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    [Symbol.asyncDispose]: () => {
      for (const c of fillers) c.close();
      listener.close();
      return Promise.resolve();
    },
  };
}

async function workdir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "aws_timeouts_" });
  await Deno.writeTextFile(`${dir}/export.json`, JSON.stringify(linesExport(3)));
  return dir;
}

const exportArgs = (url: string, ...more: string[]) => [
  "--instance-id",
  TARGET,
  "--endpoint-url",
  url,
  ...more,
];
const importArgs = (url: string, ...more: string[]) => [
  ...exportArgs(url, "--export-file", "export.json"),
  ...more,
];

Deno.test("read timeout: export and import stop with exit 3 after 4 attempts, naming endpoint and timeout", async () => {
  await using silent = new SilentEndpoint();
  const dir = await workdir();
  const timeouts = ["--read-timeout", "0.5", "--connect-timeout", "2"];
  for (
    const [entry, args] of [
      ["export", exportArgs(silent.url, ...timeouts)],
      ["import", importArgs(silent.url, ...timeouts, "--report", "r.json")],
    ] as const
  ) {
    const before = silent.accepted;
    const t0 = performance.now();
    const r = await runCli(entry, [...args], dir);
    const took = performance.now() - t0;
    assert.equal(r.code, 3, r.stderr);
    // 4 × 0.5 s, backoffs of at most 0.5 + 1 + 2 s, and the start of a process.
    assert.ok(took < 15_000, `${entry} took ${took} ms`);
    const escaped = silent.url.replaceAll(".", "\\.");
    assert.match(
      r.stderr,
      new RegExp(
        `ERROR - .*did not answer [\\w:]+: ${escaped} sent nothing for the read timeout \\(0\\.5 s\\), 4 attempts`,
      ),
    );
    assert.match(r.stderr, /ERROR - What to do: check the endpoint .*raise --read-timeout/);
    // Each attempt on a connection of its own (the timed-out one is closed): 4 for the
    // export's one call; the import starts two reads side by side and stops at the first
    // that gives up.
    const conns = silent.accepted - before;
    if (entry === "export") assert.equal(conns, 4);
    else assert.ok(conns >= 4, `${entry}: ${conns} connections`);
  }
});

Deno.test("connect timeout: a connection that never completes stops the run with exit 3", async () => {
  await using endpoint = await unconnectable();
  const dir = await workdir();
  const r = await runCli("export", exportArgs(endpoint.url, "--connect-timeout", "0.5"), dir);
  assert.equal(r.code, 3, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(
      `could not connect to ${
        endpoint.url.replaceAll(".", "\\.")
      } within the connect timeout \\(0\\.5 s\\), 4 attempts`,
    ),
  );
  assert.match(r.stderr, /What to do: .*raise --connect-timeout/);
});

Deno.test("bad timeout values are refused before any call", async () => {
  const dir = await workdir();
  for (const bad of ["-1", "soon", "Infinity"]) {
    const r = await runCli(
      "export",
      exportArgs("http://127.0.0.1:9", `--read-timeout=${bad}`),
      dir,
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: Invalid value for --read-timeout: /m);
  }
});

for (const entry of ["export", "import"] as const) {
  Deno.test(`${entry}: one SIGTERM while a call hangs ends the run within a few seconds (exit 130)`, async () => {
    await using silent = new SilentEndpoint();
    const dir = await workdir();
    // The default timeouts (30 s without a byte): only the interrupt can end this call.
    const args = entry === "export"
      ? exportArgs(silent.url, "--output", "out.json")
      : importArgs(silent.url, "--report", "r.json");
    const child = cliCommand(entry, args, dir).spawn();
    const lines = new Lines(child.stderr);
    while (silent.accepted === 0) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    child.kill("SIGTERM");
    const text = await lines.rest();
    const status = await child.status;
    await child.stdout.cancel();
    const took = performance.now() - t0;
    assert.equal(status.code, 130, text);
    // The 3 s grace, then the run unwinds.
    assert.ok(took < 6_000, `took ${took} ms`);
    assert.ok(took >= 2_900, `waited for the grace: ${took} ms`);
    assert.match(text, /WARNING - Calls still in flight after 3 s: abandoning them/);
    assert.doesNotMatch(text, /Uncaught|Unexpected error/);
    if (entry === "import") {
      const report = JSON.parse(await Deno.readTextFile(`${dir}/r.json`));
      assert.equal(report.Interrupted, true);
      assert.equal(report.ExitCode, 130);
    } else {
      assert.ok(!(await Deno.stat(`${dir}/out.json`).catch(() => undefined)), "no export file");
    }
  });
}
