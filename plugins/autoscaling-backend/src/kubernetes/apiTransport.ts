/**
 * Raw list and watch requests to the Kubernetes API for the watch caches and pod metrics: plain
 * JSON, no per-object model classes, a list's items parsed one by one as the body arrives (a
 * 30,000-pod list does not hold the event loop for one long JSON.parse), with the credentials
 * and TLS settings of the cluster's KubeConfig.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { createInterface } from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import type { KubeConfig } from '@kubernetes/client-node';
import { ListItemsParser } from './listItemsParser';

export interface ListPage {
  items?: unknown[];
  metadata?: { resourceVersion?: string; continue?: string };
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: {
    metadata?: { resourceVersion?: string };
    code?: number;
    reason?: string;
    message?: string;
  } & Record<string, unknown>;
}

export interface WatchHandle {
  /** Resolves when the server ends the stream; rejects on a failed request or a broken stream. */
  done: Promise<void>;
  abort(): void;
}

export interface ApiTransport {
  list(path: string, query: Record<string, string>): Promise<ListPage>;
  /**
   * Opens a watch; `onConnected` runs once the server answered 200, `onEvent` for every line.
   * A non-200 answer rejects `done` with an error carrying the status as `code`.
   */
  watch(
    path: string,
    query: Record<string, string>,
    onEvent: (event: WatchEvent) => void,
    onConnected: () => void,
  ): WatchHandle;
}

/** An error with the upstream HTTP status as `code` (what errors.ts reads). */
export class HttpStatusError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

/** The list the item parser built, or (parser refused or none) the whole body parsed. */
function finishedList(
  parser: ListItemsParser | undefined,
  decoder: StringDecoder,
  chunks: Buffer[],
): ListPage {
  if (parser) {
    try {
      parser.push(decoder.end());
      return parser.finish() as ListPage;
    } catch {
      // parsed whole below, which names the fault
    }
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as ListPage;
}

function statusMessage(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: string };
    if (parsed.message) return `${status}: ${parsed.message}`;
  } catch {
    // not a Status body
  }
  return `${status}`;
}

export class KubeConfigTransport implements ApiTransport {
  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly requestTimeoutMs = 60_000,
  ) {}

  private async request(
    path: string,
    query: Record<string, string>,
  ): Promise<{ url: URL; options: https.RequestOptions }> {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('the KubeConfig has no current cluster');
    const url = new URL(cluster.server.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const options: https.RequestOptions = {
      method: 'GET',
      headers: { Accept: 'application/json' },
    };
    await this.kubeConfig.applyToHTTPSOptions(options);
    return { url, options };
  }

  private send(url: URL, options: https.RequestOptions): http.ClientRequest {
    return (url.protocol === 'https:' ? https : http).request(url, options);
  }

  async list(path: string, query: Record<string, string>): Promise<ListPage> {
    const { url, options } = await this.request(path, query);
    return new Promise<ListPage>((resolve, reject) => {
      const req = this.send(url, options);
      req.setTimeout(this.requestTimeoutMs, () =>
        req.destroy(
          Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' }),
        ),
      );
      req.on('error', reject);
      req.on('response', res => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        // A 200 is parsed item by item as it arrives (listItemsParser.ts); should that parser
        // refuse the body, it is parsed whole at the end, which names the fault.
        let parser = status === 200 ? new ListItemsParser() : undefined;
        const decoder = new StringDecoder('utf8');
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          try {
            parser?.push(decoder.write(c));
          } catch {
            parser = undefined;
          }
        });
        res.on('error', reject);
        res.on('end', () => {
          if (status !== 200) {
            const body = Buffer.concat(chunks).toString('utf8');
            reject(new HttpStatusError(status, statusMessage(status, body)));
            return;
          }
          try {
            resolve(finishedList(parser, decoder, chunks));
          } catch (error) {
            reject(error);
          }
        });
      });
      req.end();
    });
  }

  watch(
    path: string,
    query: Record<string, string>,
    onEvent: (event: WatchEvent) => void,
    onConnected: () => void,
  ): WatchHandle {
    let req: http.ClientRequest | undefined;
    let aborted = false;
    const timeoutSeconds = Number(query.timeoutSeconds ?? 0);
    const done = this.request(path, { ...query, watch: 'true' }).then(
      ({ url, options }) =>
        new Promise<void>((resolve, reject) => {
          if (aborted) {
            resolve();
            return;
          }
          req = this.send(url, options);
          // A stream silent for longer than the server's own timeout is dead.
          req.setTimeout(
            (timeoutSeconds > 0 ? timeoutSeconds * 1000 : 0) +
              this.requestTimeoutMs,
            () =>
              req?.destroy(
                Object.assign(new Error('watch went silent'), {
                  code: 'ETIMEDOUT',
                }),
              ),
          );
          req.on('error', error => (aborted ? resolve() : reject(error)));
          req.on('response', res => {
            const status = res.statusCode ?? 0;
            if (status !== 200) {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () =>
                reject(
                  new HttpStatusError(
                    status,
                    statusMessage(status, Buffer.concat(chunks).toString()),
                  ),
                ),
              );
              return;
            }
            onConnected();
            const lines = createInterface({ input: res, crlfDelay: Infinity });
            // The stream's own error (an abort) is handled on `res` below.
            lines.on('error', () => undefined);
            let failed = false;
            lines.on('line', line => {
              if (failed || line.trim() === '') return;
              try {
                onEvent(JSON.parse(line) as WatchEvent);
              } catch (error) {
                failed = true;
                req?.destroy();
                reject(error);
              }
            });
            res.on('error', error => (aborted ? resolve() : reject(error)));
            res.on('close', () => {
              if (aborted || res.complete) resolve();
              else
                reject(
                  Object.assign(new Error('watch stream broke'), {
                    code: 'ECONNRESET',
                  }),
                );
            });
          });
          req.end();
        }),
    );
    return {
      done,
      abort: () => {
        aborted = true;
        req?.destroy();
      },
    };
  }
}
