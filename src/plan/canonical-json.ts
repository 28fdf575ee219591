import type { Plan } from './types.ts';

/**
 * The plan file's bytes: two-space JSON whose `actions` arrays hold one action per line, so a
 * plan reviews (and diffs) line by line. Key order is the order objects are built in.
 */
export function canonicalPlanJson(plan: Plan): string {
  return `${serialise(plan, '')}\n`;
}

function serialise(value: unknown, indent: string, key?: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = `${indent}  `;
    const items = value.map((item) => (key === 'actions' ? JSON.stringify(item) : serialise(item, inner)));
    return `[\n${items.map((item) => `${inner}${item}`).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${serialise(v, inner, k)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
