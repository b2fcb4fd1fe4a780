import { SoulChatError } from '@soulchat/client';

/** What a person reads when something fails: plain words, what to do, never a stack or JSON. */
export function describeError(err: unknown): string {
  if (!(err instanceof SoulChatError)) return 'Something went wrong. Please try again.';
  switch (err.code) {
    case 'RATE_LIMITED':
      return `Too many attempts. Try again in ${err.retryAfterSeconds ?? 'a few'} seconds.`;
    case 'NETWORK':
      return 'You seem to be offline. We will keep trying.';
    case 'UNAUTHORIZED':
      return err.status === 401 && /password/i.test(err.message)
        ? 'Wrong username or password.'
        : 'Your session has ended. Please log in again.';
    case 'FORBIDDEN':
      return /block/i.test(err.message)
        ? 'You cannot message this person.'
        : 'You are not a member of this conversation.';
    case 'NOT_FOUND':
      return 'That conversation or person does not exist.';
    case 'PAYLOAD_TOO_LARGE':
      return /quota/i.test(err.message)
        ? 'You have no room left for files. Delete some messages with files and try again.'
        : 'This file is too large to send.';
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'Files of this type cannot be sent.';
    case 'CONFLICT':
      return sentence(err.message);
    case 'VALIDATION_FAILED':
    case 'BAD_REQUEST':
      return `Please check your input: ${sentence(err.message)}`;
    default:
      return err.status && err.status >= 500
        ? 'The service is having trouble. Please try again in a moment.'
        : sentence(err.message);
  }
}

function sentence(text: string): string {
  const clean = text.replace(/[{}[\]"]/g, '').trim();
  if (!clean) return 'Something went wrong. Please try again.';
  return clean.charAt(0).toUpperCase() + clean.slice(1) + (/[.!?]$/.test(clean) ? '' : '.');
}
