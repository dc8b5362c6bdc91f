import { createHash, randomBytes } from 'node:crypto';

/**
 * A partner API key: `cgppk_<12 hex digits>_<43 base64url characters>`. The first part (with `cgppk_`)
 * is its public prefix, stored and listed to tell keys apart; the last part is 256 random bits. Only the
 * SHA-256 of the whole key is stored: a key with that much entropy needs no slow hash, and the hash
 * finds it by an index.
 */
export const PARTNER_API_KEY_PATTERN = /^cgppk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/;

export function generatePartnerApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = `cgppk_${randomBytes(6).toString('hex')}`;
  const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashPartnerApiKey(key) };
}

/** SHA-256 of a key, as 64 hex digits (what the table stores). */
export function hashPartnerApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The key's public prefix (safe to log and show), or null when the text is not shaped like a key. */
export function partnerApiKeyPrefix(key: string): string | null {
  return PARTNER_API_KEY_PATTERN.test(key) ? key.slice(0, 'cgppk_'.length + 12) : null;
}
