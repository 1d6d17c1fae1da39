// Which RuntimeClass names count as sandboxed: a configured list with `*` globs (`kata-*`).

const compiled = new Map<string, RegExp>();

function patternToRegExp(pattern: string): RegExp {
  let regexp = compiled.get(pattern);
  if (regexp === undefined) {
    const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    regexp = new RegExp(`^${source}$`);
    compiled.set(pattern, regexp);
  }
  return regexp;
}

export function isSandboxClass(name: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => (pattern.includes('*') ? patternToRegExp(pattern).test(name) : pattern === name));
}

/** RuntimeClass names are DNS subdomains; anything else cannot be inserted as a plain scalar. */
export function isValidRuntimeClassName(name: string): boolean {
  return name.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);
}
