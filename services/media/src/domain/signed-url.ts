import { createHmac, timingSafeEqual } from 'node:crypto';

/** The renditions of an upload: the original bytes, and for images two smaller WebP copies. */
export const variants = ['original', 'thumb', 'preview'] as const;
export type Variant = (typeof variants)[number];

export interface LinkClaim {
  mediaId: string;
  variant: Variant;
  /** Unix seconds after which the link no longer works. */
  expires: number;
}

const signatureOf = (secret: string, claim: LinkClaim) =>
  createHmac('sha256', secret).update(`${claim.mediaId}\n${claim.variant}\n${claim.expires}`).digest('base64url');

/**
 * A download link that works without a token (an <img src> cannot send one) until it expires:
 * only someone allowed to see the media was given it, and it names one rendition of one upload.
 */
export function signedPath(secret: string, claim: LinkClaim): string {
  const query = new URLSearchParams({ expires: String(claim.expires), signature: signatureOf(secret, claim) });
  return `/files/${claim.mediaId}/${claim.variant}?${query}`;
}

export type LinkCheck = 'valid' | 'expired' | 'forged';

/** Whether a link's signature is ours and it has not expired (checked in constant time). */
export function checkLink(secret: string, claim: LinkClaim, signature: string, nowSeconds: number): LinkCheck {
  const expected = Buffer.from(signatureOf(secret, claim));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'forged';
  return nowSeconds > claim.expires ? 'expired' : 'valid';
}
