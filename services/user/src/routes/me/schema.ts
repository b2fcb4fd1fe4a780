import { z } from 'zod';
import { email, password } from '../auth/schema.ts';

export const updateMeBody = z.strictObject({ email });

export const changePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(128),
  newPassword: password,
});

export const deleteMeBody = z.strictObject({ password: z.string().min(1).max(128) });
