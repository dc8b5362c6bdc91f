import type { IncomingMessage, ServerResponse } from 'node:http';
import { json, type HttpRoute, type Logger } from '@cgp/core';
import { callGraph, statusOfError } from './graph-call';

/*
 * GET /cases/attachments/<id>: a case's photo or document as the file itself (issue 15). The route asks
 * the graph for `caseAttachment(id)` with the caller's own Authorization header, so whoever may read the
 * case (its staff by scope, the resident whose household reported it, the hotline for its tickets) gets
 * the file and nobody else: the grid subgraph's rules and row-level security decide, not this route.
 */
const FILE = `query CaseAttachmentFile($id: ID!) { caseAttachment(id: $id) { mediaType filename contentBase64 } }`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const refuse = (res: ServerResponse, status: number, code: string, message: string) => json(res, status, { errors: [{ message, extensions: { code } }] });

export function attachmentRoute(graphqlUrl: () => string | undefined, logger: Logger): HttpRoute {
  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'BAD_REQUEST', 'GET /cases/attachments/<id>');
      const id = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/cases\/attachments\/?/, ''));
      if (!UUID.test(id)) return refuse(res, 400, 'BAD_USER_INPUT', 'The path must be /cases/attachments/<id>, the id of a CaseAttachment');
      const authorization = req.headers.authorization;
      if (!authorization || !/^Bearer\s+\S+/i.test(authorization)) return refuse(res, 401, 'UNAUTHENTICATED', 'Send Authorization: Bearer <token>');
      const url = graphqlUrl();
      if (!url) return refuse(res, 503, 'SERVICE_UNAVAILABLE', 'The gateway is not ready');
      const answer = await callGraph<{ caseAttachment: { mediaType: string; filename: string; contentBase64: string } | null }>(url, authorization, req, FILE, {
        id,
      });
      if (answer.errors?.length) {
        const first = answer.errors[0];
        return refuse(res, statusOfError(answer), first.extensions?.code ?? 'BAD_GATEWAY', first.message);
      }
      const file = answer.data?.caseAttachment;
      if (!file) return refuse(res, 404, 'NOT_FOUND', 'No file with this id that you may read');
      const bytes = Buffer.from(file.contentBase64, 'base64');
      res.writeHead(200, {
        'content-type': file.mediaType,
        'content-length': bytes.length,
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        'x-content-type-options': 'nosniff',
        'cache-control': 'private, no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : bytes);
    } catch (error) {
      logger.error({ err: error }, 'attachment download failed');
      refuse(res, 502, 'BAD_GATEWAY', 'The file could not be read');
    }
  };
}
