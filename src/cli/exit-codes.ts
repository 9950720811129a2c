/** Exit codes are defined once, beside the library that exports them (src/api/exit-codes.ts). */
export { ExitCode, type ExitCodeValue } from '../api/exit-codes.js';
