/** Response and request-body helpers shared by the handlers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, statusBody } from '../api/status';

const MAX_BODY = 8 * 1024 * 1024;

export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
): void {
  sendRaw(
    res,
    code,
    typeof body === 'string' ? body : JSON.stringify(body),
    'application/json',
  );
}

export function sendRaw(
  res: ServerResponse,
  code: number,
  body: string,
  contentType: string,
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-cache, private',
  });
  res.end(body);
}

export function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof ApiError) {
    sendJson(res, err.code, err.toStatus());
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  sendJson(
    res,
    500,
    statusBody(500, 'InternalError', `Internal error occurred: ${message}`),
  );
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY)
      throw new ApiError(413, 'BadRequest', 'request entity too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (!text.trim()) throw badRequest('the request body is empty');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(
      `the request body is not valid JSON: ${(e as Error).message}`,
    );
  }
}
