import { checkAuditChain, type AuditProblem } from '../audit/chain.ts';
import { findApplies, readAuditApply, readAuditLog } from '../audit/reader.ts';
import { auditDirFor } from '../audit/writer.ts';
import { MailshiftError, problem, type Diagnostic } from '../errors.ts';
import { renderAuditApply, renderAuditApplyJson } from '../render/audit-apply.ts';
import { renderAuditLog, renderAuditLogJson } from '../render/audit-log.ts';
import type { Command } from './command.ts';
import { reportDiagnostics } from './io.ts';
import { loadManifestFor } from './manifest-input.ts';

export const auditCommand: Command = {
  name: 'audit',
  summary: "list the applies and gates in the audit log, or show one, and check the log's hash chain",
  usage: `mailshift audit <manifest> [APPLY-ID] [--format text|json]

Reads the audit log (audit/<name>/ next to the manifest). Without APPLY-ID: every apply and gate
in order, when, which phase, by whom, its result and counts, a gate's note, and what --force
overrode. With APPLY-ID (or a unique prefix of it): what that apply created, copied, re-flagged and
deleted on which account and folder, and every failure with its reason; or who recorded a gate,
when, and their note. Both check the hash chain that links every record and every file to the one before.
  --format FORMAT  text (default) or json
Exit code: 0, or 1 when the hash chain is broken (a record or file was changed or deleted).`,
  options: { format: { type: 'string' } },
  async run({ positionals, values, options, io }) {
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json')
      throw new MailshiftError(
        problem(
          'USAGE',
          `--format ${String(format)} is not one of text, json`,
          'mailshift audit <manifest> --format json',
        ),
      );
    if (positionals.length > 2)
      throw new MailshiftError(
        problem(
          'USAGE',
          `audit takes a manifest and at most one apply id, got ${positionals.length} arguments`,
          'mailshift audit migrations/acme.jsonnet [APPLY-ID]',
        ),
      );
    const manifest = await loadManifestFor('audit', positionals.slice(0, 1), options, io);
    const name = manifest.settings.name;
    const dir = auditDirFor(manifest.file, name);
    const applies = await readAuditLog(dir);
    const chain = await checkAuditChain(dir);
    const id = positionals[1];
    if (id === undefined) {
      if (format === 'json') io.stdout(renderAuditLogJson(name, dir, applies, chain));
      else if (!options.quiet) io.stdout(renderAuditLog(name, dir, applies, chain, { color: options.color }));
    } else {
      const matches = findApplies(applies, id);
      if (matches.length !== 1)
        throw new MailshiftError(
          noSuchApply(
            id,
            matches.map((apply) => apply.applyId),
            manifest.file,
          ),
        );
      const apply = await readAuditApply(matches[0]!);
      if (format === 'json') io.stdout(renderAuditApplyJson(apply, chain));
      else if (!options.quiet) io.stdout(renderAuditApply(apply, chain, { color: options.color }));
    }
    reportDiagnostics(
      io,
      options,
      chain.problems.filter((found) => found.severity === 'break').map((found) => brokenChain(found, dir)),
    );
    return chain.ok ? 0 : 1;
  },
};

function noSuchApply(id: string, matches: string[], manifestFile: string): Diagnostic {
  return matches.length === 0
    ? problem(
        'USAGE',
        `no apply in the audit log has the id "${id}", nor one starting with it`,
        `list the applies with: mailshift audit ${manifestFile}`,
      )
    : problem('USAGE', `"${id}" starts ${matches.length} apply ids: ${matches.join(', ')}`, 'give more of the id');
}

function brokenChain(found: AuditProblem, dir: string): Diagnostic {
  return problem(
    'AUDIT_BROKEN',
    `audit log: ${found.message}`,
    `the audit log was edited, or a file deleted or replaced, after it was written; compare it with its history: git log -p -- ${dir}`,
    { file: found.file, ...(found.line !== undefined ? { line: found.line } : {}) },
  );
}
