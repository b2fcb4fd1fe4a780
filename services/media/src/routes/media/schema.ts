import { z } from 'zod';
import { variants } from '../../domain/signed-url.ts';

export const uploadQuery = z.object({
  /** The file's name as the user knows it; shown to others and used when they save it. */
  name: z.string().max(1000).optional(),
});

export const mediaParams = z.object({ id: z.uuid() });

export const viewQuery = z.object({
  /** How long the links in the answer work (default 5 minutes, at most an hour). */
  ttlSeconds: z.coerce.number().int().min(1).max(3600).default(300),
});

export const fileParams = z.object({ id: z.uuid(), variant: z.enum(variants) });

export const fileQuery = z.object({
  expires: z.coerce.number().int().min(0),
  signature: z.string().min(1).max(100),
});

export const mediaOutput = z.object({
  id: z.string(),
  kind: z.enum(['image', 'file']),
  mimeType: z.string(),
  name: z.string(),
  size: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  hasThumbnail: z.boolean(),
  conversationId: z.string().nullable(),
  createdAt: z.string(),
  links: z.object({ original: z.string(), thumb: z.string().optional(), preview: z.string().optional() }),
  linksExpireAt: z.string(),
});
