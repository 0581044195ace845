/** `sk-proj-abc…wxyz` → `sk-…wxyz`. Short keys are masked whole: four visible characters of an 8-char key is half of it. */
export function maskKey(key: string | undefined): string | undefined {
  if (!key) return undefined;
  if (key.length < 16) return '••••';
  const prefix = /^[A-Za-z]{2,4}-/.exec(key)?.[0] ?? '';
  return `${prefix}…${key.slice(-4)}`;
}
