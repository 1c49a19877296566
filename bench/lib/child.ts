import { fork } from 'node:child_process';

/**
 * Runs part of a benchmark in a fresh Node process and returns its result. Used to measure a
 * server in a process of its own: its memory then shows the server, not the gigabytes the
 * data generator used before it.
 *
 * The child module calls `serveChild(work)`; `runChild(moduleUrl, input)` starts it with the
 * same Node flags as this process (so `--import tsx` carries over), sends `input`, and
 * resolves with what `work` returned (both must survive structured cloning).
 */
export function runChild<Input, Output>(module: URL, input: Input): Promise<Output> {
  return new Promise((resolve, reject) => {
    const child = fork(module, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    let settled = false;
    child.once('message', (message: { ok: true; output: Output } | { ok: false; error: string }) => {
      settled = true;
      if (message.ok) resolve(message.output);
      else reject(new Error(`in ${module.pathname}: ${message.error}`));
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (!settled) reject(new Error(`${module.pathname} exited (${signal ?? code}) before answering`));
    });
    // Structured cloning ('advanced' serialization) carries any plain data; Node's typing only knows JSON.
    child.send(input as Parameters<typeof child.send>[0]);
  });
}

/** The child side of runChild: answers the one input it gets, then exits. */
export function serveChild<Input, Output>(work: (input: Input) => Promise<Output>): void {
  if (!process.send) throw new Error('this module runs as a child of runChild()');
  process.once('message', (input: Input) => {
    work(input).then(
      (output) => process.send!({ ok: true, output }, () => process.exit(0)),
      (error: unknown) =>
        process.send!({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, () => process.exit(1)),
    );
  });
}
