// Gmail's system labels as X-GM-LABELS writes them, and what folders.gmail.priority may also call
// them. Shared by the manifest's rule check and the planner (plan/gmail-labels.ts).

/** The system labels a priority list may name, lower case. */
export const GMAIL_SYSTEM_LABELS = ['\\inbox', '\\sent', '\\draft', '\\starred', '\\important', '\\spam', '\\trash'];

const ALIASES: Record<string, string> = {
  inbox: '\\inbox',
  '\\drafts': '\\draft',
  '\\flagged': '\\starred',
  '\\junk': '\\spam',
};

/** A label as compared when it names a system label: lower case, an alias resolved ('INBOX' → '\inbox'). */
export function systemLabelKey(label: string): string {
  const lower = label.toLowerCase();
  return ALIASES[lower] ?? lower;
}
