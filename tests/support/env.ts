/**
 * Process environment variables for the length of one test. Deno.env is one per process,
 * and `deno test --parallel` runs test files side by side in it, so a variable set here
 * would be seen by every file running at the same moment. Each caller therefore holds an
 * exclusive lock on this very file (flock: it holds between the threads of one process
 * too) while its variables are set: two such tests never overlap, whatever file they are
 * in. Code reading these variables in-process must run inside `fn`.
 */

/** Sets `vars` ("" removes one), runs `fn`, then puts back what was there before. */
export async function withEnv<T>(
  vars: Record<string, string>,
  fn: () => Promise<T>,
): Promise<T> {
  using lock = await Deno.open(new URL(import.meta.url), { read: true });
  await lock.lock(true);
  const saved = new Map(Object.keys(vars).map((k) => [k, Deno.env.get(k)]));
  try {
    for (const [k, v] of Object.entries(vars)) {
      if (v === "") Deno.env.delete(k);
      else Deno.env.set(k, v);
    }
    return await fn();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) Deno.env.delete(k);
      else Deno.env.set(k, v);
    }
    await lock.unlock();
  }
}
