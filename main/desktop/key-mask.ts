// The window shows keys masked exactly as the admin API does (`sk-…wxyz`, short keys fully masked), so the
// desktop uses the one implementation in admin/mask.ts.
export { maskKey } from '../admin/mask.js';
