import Router from '@koa/router';
import { requireSidecar } from '@soulchat/platform';
import type { KeyRing } from '../../security/signing-keys.ts';

/** Operations for operators and other services, reachable only through the sidecar. */
export function internalRouter(keys: KeyRing, appApiToken: string | undefined): Router {
  const router = new Router({ prefix: '/internal' });
  router.use(requireSidecar(appApiToken));
  // The new key is in the JWKS at once and signs from activatesAt on.
  router.post('/keys/rotate', async (ctx) => {
    const { kid, activatesAt } = await keys.rotate();
    ctx.body = { kid, activatesAt: activatesAt.toISOString() };
  });
  return router;
}
