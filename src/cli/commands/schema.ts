/** `attain schema <name>`: print a published JSON Schema (for editors and other tools). */
import { jsonSchema, type JsonSchemaName } from '../../engine/index.js';
import type { CliIo } from '../io.js';

export function runSchema(name: JsonSchemaName, io: CliIo): void {
  io.stdout(`${JSON.stringify(jsonSchema(name), null, 2)}\n`);
}
