import { verifyResult, type VerifyReport } from '../engine/verify.ts';

/** `mailshift verify --format json`: the whole report (every UID, no truncation), its verdict and the tool. */
export function renderVerifyJson(report: VerifyReport, tool: string): string {
  return `${JSON.stringify(
    {
      format: 'mailshift-verify/v1',
      tool,
      result: verifyResult(report),
      ...report,
    },
    null,
    2,
  )}\n`;
}
