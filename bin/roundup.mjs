#!/usr/bin/env node
// The `roundup` command: loads the TypeScript CLI through tsx so `npx roundup` works right after `npm ci`.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every command when Node is older than 22 (its future minimum). Under npm scripts and npx
// the project's own Node 22 (the `node` dev dependency) runs this file; a bare `node bin/roundup.mjs` on an
// older system Node still works, and the warning is for us to act on, not for users of the CLI.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
  cwd: process.cwd(),
});
