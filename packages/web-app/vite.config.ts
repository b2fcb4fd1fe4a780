import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into dist/ and served by services/web behind the ingress (same origin as the API).
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The page's Content-Security-Policy allows no inline script or style: keep everything in files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
