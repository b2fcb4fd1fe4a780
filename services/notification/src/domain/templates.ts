/** What one notification says, for the app, an email and a text message. */
export interface Rendered {
  title: string;
  body: string;
  emailSubject: string;
  emailText: string;
  smsText: string;
}

export type TemplateInput =
  | { kind: 'welcome'; username: string }
  | { kind: 'follower'; followerName: string }
  | { kind: 'message'; senderName: string; preview: string }
  | { kind: 'mention'; senderName: string; groupName: string; preview: string }
  | { kind: 'group'; change: 'added' | 'removed'; actorName: string; groupName: string }
  | { kind: 'alert'; title: string; body: string };

const previewChars = 140;
const smsChars = 160;

/** A message shortened for a notification; the full text stays in the chat history. */
export function preview(content: string, messageKind: string): string {
  if (messageKind === 'image') return 'sent an image';
  if (messageKind === 'file') return 'sent a file';
  const flat = content.replace(/\s+/g, ' ').trim();
  return flat.length > previewChars ? `${flat.slice(0, previewChars - 1)}…` : flat;
}

function titleAndBody(input: TemplateInput): { title: string; body: string } {
  switch (input.kind) {
    case 'welcome':
      return {
        title: 'Welcome to SoulChat',
        body: `Hi ${input.username}, your account is ready. Say hello to someone!`,
      };
    case 'follower':
      return { title: 'New follower', body: `${input.followerName} started following you.` };
    case 'message':
      return { title: `New message from ${input.senderName}`, body: input.preview };
    case 'mention':
      return { title: `${input.senderName} mentioned you in ${input.groupName}`, body: input.preview };
    case 'group':
      return input.change === 'added'
        ? {
            title: `Added to ${input.groupName}`,
            body: `${input.actorName} added you to the group ${input.groupName}.`,
          }
        : {
            title: `Removed from ${input.groupName}`,
            body: `${input.actorName} removed you from the group ${input.groupName}.`,
          };
    case 'alert':
      return { title: input.title, body: input.body };
  }
}

export function render(input: TemplateInput): Rendered {
  const { title, body } = titleAndBody(input);
  const sms = `SoulChat: ${title}. ${body}`;
  return {
    title,
    body,
    emailSubject: title,
    emailText: `${body}\n\n-- SoulChat\nChange which emails you get in your notification preferences.`,
    smsText: sms.length > smsChars ? `${sms.slice(0, smsChars - 1)}…` : sms,
  };
}
