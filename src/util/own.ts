/**
 * Property access that sees only what was written. Manifest keys, variable names, container names and task
 * definition fields are user input, and some of them are names every JavaScript object inherits (`toString`,
 * `constructor`) or treats specially (`__proto__`, whose assignment changes the prototype instead of adding a key).
 */

/** The value stored under `key` itself, never one inherited from the prototype. */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** `record[key] = value`, also for the key `__proto__` (which plain assignment would turn into a prototype change). */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  else record[key] = value;
}
