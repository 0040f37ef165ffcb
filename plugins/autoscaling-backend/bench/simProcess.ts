/**
 * cluster-sim in a process of its own for the fleet benchmark (bench/fleet.ts), as a real API
 * server would be: the backend's CPU is not shared with the cluster's model. The parent talks
 * to it over IPC:
 *
 *   { type: 'start', config }         → { type: 'started', url, port, now }
 *   { type: 'advance', seconds }      → { type: 'advanced', now }
 *   { type: 'demand', namespace, name, factor } → { type: 'demand', now, rps }
 *   { type: 'restore', namespace, name } → { type: 'restored' } (the configured demand again)
 *   { type: 'now' }                   → { type: 'now', now } (the simulator's clock, epoch ms)
 *   { type: 'cpu' }                   → { type: 'cpu', usage } (this process's process.cpuUsage())
 *   { type: 'mark' }                  → { type: 'marked' } (the request log starts afresh)
 *   { type: 'requests' }              → { type: 'requests', entries } (since the mark)
 *   { type: 'profile-start' }         → { type: 'profiling' } (a V8 CPU profile of this process)
 *   { type: 'profile-stop', file }    → { type: 'profiled' } (written to file)
 *   { type: 'stop' }                  → exits
 */
import { startClusterSim, type RunningClusterSim } from '@internal/cluster-sim';
import { CpuProfiler } from './cpuProfiler';

let sim: RunningClusterSim | undefined;
const profiler = new CpuProfiler();

process.on('message', async (message: any) => {
  // Each answer carries its request's id: requests may be answered out of order.
  const reply = (answer: object) =>
    process.send?.({ ...answer, id: message.id });
  try {
    switch (message.type) {
      case 'start': {
        sim = await startClusterSim({
          config: message.config,
          // Every request of a tick of 10,000 workloads fits, polled or watched.
          requestLogSize: 500_000,
        });
        reply({
          type: 'started',
          url: sim.url,
          port: sim.port,
          now: sim.clock.now(),
        });
        break;
      }
      case 'advance':
        sim!.advance(message.seconds);
        reply({ type: 'advanced', now: sim!.now() });
        break;
      case 'demand': {
        const current = sim!
          .workloads()
          .find(
            w => w.namespace === message.namespace && w.name === message.name,
          );
        if (!current)
          throw new Error(`no workload ${message.namespace}/${message.name}`);
        const rps = current.demandRps * message.factor;
        sim!.setDemand(message.namespace, message.name, rps);
        reply({ type: 'demand', now: sim!.clock.now(), rps });
        break;
      }
      case 'restore':
        sim!.setDemand(message.namespace, message.name, undefined);
        reply({ type: 'restored' });
        break;
      case 'now':
        reply({ type: 'now', now: sim!.clock.now() });
        break;
      case 'cpu':
        reply({ type: 'cpu', usage: process.cpuUsage() });
        break;
      case 'mark':
        sim!.clearRequests();
        reply({ type: 'marked' });
        break;
      case 'requests':
        reply({ type: 'requests', entries: sim!.requests() });
        break;
      case 'profile-start':
        await profiler.start();
        reply({ type: 'profiling' });
        break;
      case 'profile-stop':
        await profiler.stop(message.file);
        reply({ type: 'profiled' });
        break;
      case 'stop':
        await sim?.stop();
        process.exit(0);
        break;
      default:
        reply({ type: 'error', error: `unknown message ${message.type}` });
    }
  } catch (error) {
    reply({ type: 'error', error: String((error as Error).stack ?? error) });
  }
});
