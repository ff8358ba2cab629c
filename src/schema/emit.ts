import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { printContractSchema } from './build';

/** Writes schema.graphql at the project root (run by `npm run schema`). */
export const SCHEMA_FILE = path.resolve(__dirname, '../../schema.graphql');

if (require.main === module) {
  printContractSchema()
    .then((sdl) => writeFile(SCHEMA_FILE, sdl))
    .then(() => console.log(`wrote ${SCHEMA_FILE}`))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
