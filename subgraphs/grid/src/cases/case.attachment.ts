import { createHash } from 'node:crypto';
import { fromBuffer } from 'file-type';
import { badInput, type RequestContext, uuidIn, uuidIs } from '@cgp/core';
import { ATTACHMENT_COLUMNS, type AttachmentPurpose, type CaseAttachment } from './case.type';
import { MAX_FILE_BYTES, MAX_FILES_PER_CASE, type AttachmentInput } from './case.input';

/** The types a case takes, as found in the content (magic numbers), and the extension each file is named with. */
const ACCEPTED: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'application/pdf': 'pdf' };
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

interface CheckedFile {
  filename: string;
  mediaType: string;
  bytes: Buffer;
  sha256: string;
}

/** Decodes and checks one file: base64, size, and its type by content — whatever its name says. */
export async function checkFile(file: AttachmentInput, index: number, argumentName: string): Promise<CheckedFile> {
  const what = `${argumentName}[${index}] (${file.filename})`;
  const text = file.contentBase64.replace(/\s+/g, '');
  if (!BASE64.test(text)) throw badInput(`${what}: contentBase64 is not base64 (standard alphabet, with padding)`, argumentName);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0) throw badInput(`${what} is empty`, argumentName);
  if (bytes.length > MAX_FILE_BYTES) throw badInput(`${what} is ${bytes.length} bytes; a file may have at most ${MAX_FILE_BYTES} bytes`, argumentName);
  const found = await fromBuffer(bytes);
  const extension = found && ACCEPTED[found.mime];
  if (!found || !extension) {
    throw badInput(`${what} is ${found ? found.mime : 'of no known type'} by its content; a case takes JPEG, PNG or PDF files`, argumentName);
  }
  // The name is for display only: no path, no control characters, and the extension of what the content is.
  const base = (file.filename.split(/[\\/]/).pop() ?? '')
    .replace(/\.[^.]*$/, '')
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .slice(0, 150);
  return { filename: `${base || 'file'}.${extension}`, mediaType: found.mime, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Checks and stores files on a case (all or none: the request's transaction), within the case's limit. */
export async function storeAttachments(
  ctx: RequestContext,
  c: { id: string },
  purpose: AttachmentPurpose,
  files: AttachmentInput[],
  argumentName = 'attachments',
): Promise<void> {
  const checked: CheckedFile[] = [];
  for (const [i, file] of files.entries()) checked.push(await checkFile(file, i, argumentName));
  const [{ n }] = await ctx.query<{ n: number }>(`SELECT count(*)::int AS n FROM grid.case_attachment WHERE ${uuidIs('case_id', '$1')}`, [c.id]);
  if (n + checked.length > MAX_FILES_PER_CASE) {
    throw badInput(`A case holds at most ${MAX_FILES_PER_CASE} files; this one has ${n} and ${checked.length} more were sent`, argumentName);
  }
  for (const f of checked) {
    await ctx.query(
      `INSERT INTO grid.case_attachment (case_id, purpose, media_type, filename, size, sha256, content, uploaded_by, path)
       SELECT id, $2, $3, $4, $5, $6, $7, $8, path FROM grid.grid_case WHERE id = $1`,
      [c.id, purpose, f.mediaType, f.filename, f.bytes.length, f.sha256, f.bytes, ctx.identity.sub],
    );
  }
}

export const AttachmentService = {
  /** The files of each case, oldest first (batched per request; row-level security scopes them like their case). */
  ofCase(ctx: RequestContext, caseId: string): Promise<CaseAttachment[]> {
    return ctx
      .loader<string, CaseAttachment[]>('case.attachments', async (ids) => {
        const rows = await ctx.query<CaseAttachment>(
          `SELECT ${ATTACHMENT_COLUMNS} FROM grid.case_attachment a JOIN grid.grid_case c ON c.id = a.case_id
            WHERE ${uuidIn('a.case_id', '$1')} ORDER BY a.uploaded_at, a.id`,
          [ids],
        );
        return ids.map((id) => rows.filter((r) => r.caseId === id));
      })
      .load(caseId);
  },

  async byId(ctx: RequestContext, id: string): Promise<CaseAttachment | null> {
    const [row] = await ctx.query<CaseAttachment>(
      `SELECT ${ATTACHMENT_COLUMNS} FROM grid.case_attachment a JOIN grid.grid_case c ON c.id = a.case_id WHERE ${uuidIs('a.id', '$1')}`,
      [id],
    );
    return row ?? null;
  },

  async content(ctx: RequestContext, id: string): Promise<string> {
    const [row] = await ctx.query<{ content: Buffer }>(`SELECT content FROM grid.case_attachment WHERE ${uuidIs('id', '$1')}`, [id]);
    return row ? row.content.toString('base64') : '';
  },
};
