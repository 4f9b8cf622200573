/**
 * Lambda event filtering (EventBridge pattern syntax) applied to one record. A record passes when any
 * pattern matches; with no patterns every record passes. Supported: exact values, `prefix`, `suffix`,
 * `equals-ignore-case`, `anything-but` (values, `prefix`, `suffix`), `exists`, `numeric` and `$or`.
 */
export function matchesAnyPattern(patterns: readonly unknown[], record: unknown): boolean {
  return patterns.length === 0 || patterns.some((pattern) => matchesObject(pattern, record));
}

function matchesObject(pattern: unknown, value: unknown): boolean {
  if (pattern === null || typeof pattern !== 'object' || Array.isArray(pattern)) return false;
  const fields = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  return Object.entries(pattern).every(([key, rule]) => {
    if (key === '$or') return Array.isArray(rule) && rule.some((alternative) => matchesObject(alternative, value));
    if (Array.isArray(rule)) return matchesLeaf(rule, fields[key]);
    return matchesObject(rule, fields[key]);
  });
}

/** A leaf rule lists alternatives; an array value matches when any of its elements does. */
function matchesLeaf(alternatives: readonly unknown[], value: unknown): boolean {
  return alternatives.some((matcher) => {
    if (isExistsMatcher(matcher)) return matcher.exists === (value !== undefined);
    if (value === undefined) return false;
    const candidates = Array.isArray(value) ? value : [value];
    return candidates.some((candidate) => matchesValue(matcher, candidate));
  });
}

function isExistsMatcher(matcher: unknown): matcher is { exists: boolean } {
  return matcher !== null && typeof matcher === 'object' && 'exists' in matcher;
}

function matchesValue(matcher: unknown, value: unknown): boolean {
  if (matcher === null || typeof matcher !== 'object') return matcher === value;
  const [operator, operand] = Object.entries(matcher)[0] ?? [];
  switch (operator) {
    case 'prefix':
      return matchesAffix(operand, value, (text, affix) => text.startsWith(affix));
    case 'suffix':
      return matchesAffix(operand, value, (text, affix) => text.endsWith(affix));
    case 'equals-ignore-case':
      return typeof value === 'string' && typeof operand === 'string' && value.toLowerCase() === operand.toLowerCase();
    case 'anything-but':
      return !matchesAnythingButOperand(operand, value);
    case 'numeric':
      return typeof value === 'number' && Array.isArray(operand) && matchesNumeric(operand, value);
    default:
      return false;
  }
}

/** `prefix`/`suffix` take a string, or `{ "equals-ignore-case": string }` for a case-insensitive match. */
function matchesAffix(operand: unknown, value: unknown, test: (text: string, affix: string) => boolean): boolean {
  if (typeof value !== 'string') return false;
  if (typeof operand === 'string') return test(value, operand);
  const ignoringCase = (operand as Record<string, unknown> | null)?.['equals-ignore-case'];
  return typeof ignoringCase === 'string' && test(value.toLowerCase(), ignoringCase.toLowerCase());
}

function matchesAnythingButOperand(operand: unknown, value: unknown): boolean {
  if (Array.isArray(operand)) return operand.includes(value);
  if (operand !== null && typeof operand === 'object') return matchesValue(operand, value);
  return operand === value;
}

/** `[">", 0, "<=", 5]`: every comparison must hold. */
function matchesNumeric(conditions: readonly unknown[], value: number): boolean {
  for (let index = 0; index + 1 < conditions.length; index += 2) {
    const operator = conditions[index];
    const bound = Number(conditions[index + 1]);
    const holds =
      (operator === '=' && value === bound) ||
      (operator === '>' && value > bound) ||
      (operator === '>=' && value >= bound) ||
      (operator === '<' && value < bound) ||
      (operator === '<=' && value <= bound);
    if (!holds) return false;
  }
  return true;
}
