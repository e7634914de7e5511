// The CLI's view of the outside world, passed to every command so commands are testable without a process.

/** Streams, environment and working directory of one CLI invocation. */
export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
}
