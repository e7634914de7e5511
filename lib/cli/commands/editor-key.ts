// `roundup editor-key create|list|revoke`: manages editor keys; a new key is printed once and stored hashed.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { localPepper, newEditorKey, type EditorRole } from '../../editor/auth.ts';
import { createEditorStore } from '../../editor/store.ts';
import { DB_OPTIONS, openDb } from '../context.ts';
import type { CliIO } from '../io.ts';

const HELP = `Usage:
  roundup editor-key create NAME [--role editor|admin]   print a new key (shown once; only its hash is stored)
  roundup editor-key list                                 list keys (id, name, role, created, revoked)
  roundup editor-key revoke ID                            revoke a key at once
Options: --data DIR (local data folder, default .data), --aws (use the account's DynamoDB)

Keys are hashed with HMAC-SHA256 and a server pepper: ROUNDUP_EDITOR_PEPPER when set (on AWS, the value of the
secret ROUNDUP_EDITOR_SECRET_ARN), else the file DIR/editor-pepper, created on first use and shared with
\`roundup start\` on the same data folder.
`;

/** Runs `roundup editor-key`. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      role: { type: 'string', default: 'editor' },
      ...DB_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [sub, arg] = positionals;
  if (values.help || !sub) {
    io.stdout(HELP);
    return values.help ? 0 : 2;
  }
  if (values.role !== 'editor' && values.role !== 'admin') {
    io.stderr(`roundup editor-key: --role must be editor or admin, not "${values.role}"\n`);
    return 2;
  }
  if ((sub === 'create' || sub === 'revoke') && !arg) {
    io.stderr(`roundup editor-key ${sub}: missing ${sub === 'create' ? 'NAME' : 'ID'}\n\n${HELP}`);
    return 2;
  }
  if (sub !== 'create' && sub !== 'list' && sub !== 'revoke') {
    io.stderr(`roundup editor-key: unknown subcommand "${sub}"\n\n${HELP}`);
    return 2;
  }
  const db = await openDb(io, { command: 'editor-key', dataDir: values.data, aws: values.aws });
  try {
    const store = createEditorStore({ client: db.client, table: db.config.table });
    const now = new Date().toISOString();
    if (sub === 'create') {
      let pepper = db.config.editor.pepper;
      if (!pepper && (values.aws || db.config.editor.secretArn)) {
        io.stderr('roundup editor-key: set ROUNDUP_EDITOR_PEPPER to the value of the editor secret to create keys for AWS\n');
        return 2;
      }
      pepper ??= await localPepper(resolve(io.cwd, values.data));
      const { key, record } = newEditorKey(arg!, values.role as EditorRole, pepper, now);
      await store.putKey(record);
      io.stdout(`${key}\n`);
      io.stderr(`Created ${record.role} key ${record.id} for "${record.name}" in ${db.where}. It is shown only once.\n`);
      return 0;
    }
    if (sub === 'list') {
      const keys = await store.listKeys();
      for (const k of keys.sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
        io.stdout(`${k.id}\t${k.role}\t${k.createdAt}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}\t${k.name}\n`);
      }
      if (keys.length === 0) io.stderr('No editor keys yet: roundup editor-key create NAME --role admin\n');
      return 0;
    }
    const r = await store.revokeKey(arg!, now);
    io.stdout(`Revoked ${r.id} (${r.name}) at ${r.revokedAt}\n`);
    return 0;
  } finally {
    await db.close();
  }
}
