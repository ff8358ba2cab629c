import { generateApiKey, hashApiKey } from './credentials';
import { parseRole, ROLES } from './roles';

/**
 * `npm run hash-key -- <role> [name]`: makes a new API key and prints it once, with the
 * AUTH_API_KEYS entry that stores only its hash. With a key on standard input (not a terminal),
 * hashes that key instead of making one.
 */
async function main(): Promise<void> {
  const [roleText = '', name] = process.argv.slice(2);
  const role = parseRole(roleText);
  if (!role) {
    console.error(`usage: npm run hash-key -- <${ROLES.join('|')}> [name]`);
    process.exit(2);
  }
  if (name !== undefined && !/^[\w.@-]{1,64}$/.test(name)) {
    console.error('name may hold letters, digits and _ . @ - (at most 64)');
    process.exit(2);
  }
  let key = '';
  if (!process.stdin.isTTY) {
    for await (const chunk of process.stdin) key += String(chunk);
    key = key.trim();
  }
  const generated = key === '';
  if (generated) key = generateApiKey();
  const entry = [hashApiKey(key), role, ...(name ? [name] : [])].join(':');
  if (generated) console.log(`API key (hand it to the client; it is shown only now):\n  ${key}`);
  console.log(`AUTH_API_KEYS entry (comma-separate several):\n  ${entry}`);
}

void main();
