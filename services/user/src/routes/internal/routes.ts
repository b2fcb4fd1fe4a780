import { type Route, route } from '@soulchat/platform';
import type { KeyRing } from '../../security/signing-keys.ts';

/** Operations for operators and other services, reachable only through the sidecar. */
export function internalRoutes(keys: KeyRing): Route[] {
  return [
    route({
      method: 'post',
      path: '/internal/keys/rotate',
      summary: 'new signing key (sidecar only)',
      access: 'sidecar',
      responses: { 200: '{kid}' },
      // The new key is in the JWKS at once and signs from activatesAt on.
      handle: async (ctx) => {
        const { kid, activatesAt } = await keys.rotate();
        ctx.body = { kid, activatesAt: activatesAt.toISOString() };
      },
    }),
  ];
}
