/**
 * The evaluating replica of the fleet benchmark's split deployment (bench/fleet.ts, database
 * `postgres-split`): the plugin in a Backstage backend of its own, on the same PostgreSQL
 * database as the API-only replica in the parent, with V8's heap limited as in `npm run bench`.
 * The parent triggers its ticks over IPC and reads what they cost:
 *
 *   { type: 'start', pgUrl, cluster, simUrl, entities } → { type: 'started' }
 *   { type: 'tick' }  → { type: 'ticked', statements, byStatement } (knex queries of the tick)
 *   { type: 'rss' }   → { type: 'rss', peakBytes } (this process's peak resident set)
 *   { type: 'cpu' }   → { type: 'cpu', usage } (this process's process.cpuUsage())
 *   { type: 'stop' }  → exits
 */
import knexFactory, { type Knex } from 'knex';
import {
  startBenchBackend,
  statementOf,
  type BenchBackend,
} from './benchBackend';

let knex: Knex | undefined;
let backend: BenchBackend | undefined;
let statements = 0;
let byStatement = new Map<string, number>();
let peakBytes = 0;
const rssTimer = setInterval(() => {
  peakBytes = Math.max(peakBytes, process.memoryUsage.rss());
}, 500);

process.on('message', async (message: any) => {
  // Each answer carries its request's id: requests may be answered out of order.
  const reply = (answer: object) =>
    process.send?.({ ...answer, id: message.id });
  try {
    switch (message.type) {
      case 'start':
        knex = knexFactory({ client: 'pg', connection: message.pgUrl });
        knex.on('query', (data: { sql?: string }) => {
          statements += 1;
          const key = statementOf(data.sql ?? '');
          byStatement.set(key, (byStatement.get(key) ?? 0) + 1);
        });
        backend = await startBenchBackend({
          knex,
          cluster: message.cluster,
          simUrl: message.simUrl,
          entities: message.entities,
        });
        reply({ type: 'started' });
        break;
      case 'tick':
        statements = 0;
        byStatement = new Map();
        await backend!.triggerTick();
        reply({
          type: 'ticked',
          statements,
          byStatement: Object.fromEntries(
            [...byStatement].sort((a, b) => b[1] - a[1]),
          ),
        });
        break;
      case 'rss':
        reply({ type: 'rss', peakBytes });
        break;
      case 'cpu':
        reply({ type: 'cpu', usage: process.cpuUsage() });
        break;
      case 'stop':
        clearInterval(rssTimer);
        await backend?.stop().catch(() => undefined);
        await knex?.destroy();
        process.exit(0);
        break;
      default:
        reply({ type: 'error', error: `unknown message ${message.type}` });
    }
  } catch (error) {
    reply({ type: 'error', error: String((error as Error).stack ?? error) });
  }
});
