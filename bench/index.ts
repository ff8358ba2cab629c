import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { erasure } from './erasure';
import { fanout } from './fanout';
import { freshness, settings as freshnessSettings } from './freshness';
import { load } from './load';
import { machine, ROOT, settings } from './common';
import { profile } from './profile';
import { segments } from './segments';
import { trusted } from './trusted';

const commands: Record<string, () => Promise<unknown>> = {
  load,
  profile,
  fanout,
  // Live segments on the loaded population: recompute, evaluation, size and push latency (bench/segments.ts).
  segments,
  // Trusted documents: what a document sent by id saves per request (not part of `all`).
  trusted,
  // Erasure: removing one customer from disk, four ways (not part of `all`).
  erasure,
  // Starts the Kafka broker and the MongoDB-wire server (scripts/services.sh) unless KAFKA_BROKERS and MONGO_URL are set.
  freshness: async () => ({ settings: freshnessSettings, results: await freshness() }),
};

/** `npm run bench -- <command…>`: load | profile | fanout | freshness | segments | trusted | erasure | all (all but trusted and erasure, in that order). */
async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const names = asked.length === 0 || asked.includes('all') ? ['load', 'profile', 'fanout', 'freshness', 'segments'] : asked;
  for (const name of names) if (!commands[name]) throw new Error(`unknown bench command "${name}"; expected one of: ${Object.keys(commands).join(', ')}, all`);
  console.log(`# customer360 bench, ${new Date().toISOString()}\nmachine: ${machine()}\nsettings: ${JSON.stringify(settings)}\n`);
  const results: Record<string, unknown> = {};
  for (const name of names) {
    console.log(`\n## ${name}\n`);
    results[name] = await commands[name]!();
  }
  const dir = path.join(ROOT, 'data/bench/results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), machine: machine(), settings, results }, null, 2));
  console.log(`\nresults: ${path.relative(ROOT, file)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
