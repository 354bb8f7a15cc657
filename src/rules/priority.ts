// Rule priorities, from the most severe (0, Emergency) to the least (7, Debug), as Falco names
// and parses them: any case, and "info" for Informational.

export const PRIORITY_NAMES = ['Emergency', 'Alert', 'Critical', 'Error', 'Warning', 'Notice', 'Informational', 'Debug'] as const;

export type PriorityName = (typeof PRIORITY_NAMES)[number];

/** 0 (Emergency) to 7 (Debug). */
export type Priority = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

export const PRIORITY_INFORMATIONAL: Priority = 6;

export function parsePriority(text: string): Priority | undefined {
  const l = text.toLowerCase();
  const i = PRIORITY_NAMES.findIndex((n) => n.toLowerCase() === l);
  if (i >= 0) return i as Priority;
  return l === 'info' ? PRIORITY_INFORMATIONAL : undefined;
}

/** The name of a priority; `short` writes Informational as "Info" (as Falco's outputs do). */
export function priorityName(p: Priority, short = false): string {
  return short && p === PRIORITY_INFORMATIONAL ? 'Info' : PRIORITY_NAMES[p];
}
