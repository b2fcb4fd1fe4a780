/** Dapr app ids of SoulChat's services, defined once; stack.json uses the same ids. */
export const appIds = {
  user: 'user',
  profile: 'profile',
  chat: 'chat',
  notification: 'notification',
  media: 'media',
} as const;

/** Access tokens are issued by the user service for every SoulChat API. */
export const tokenIssuer = 'soulchat-user';
export const tokenAudience = 'soulchat';
