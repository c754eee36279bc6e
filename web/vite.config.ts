import { defineConfig } from 'vitest/config';

// The built UI goes straight into the api module's classpath: the one jar serves it at /.
// nhsuk-frontend's CSS loads the Frutiger web font from assets.nhs.uk: CareLedger serves everything itself (and runs
// where that host cannot be reached), so those @font-face rules are dropped and the fallback (Arial) is used.
const noRemoteFonts = {
  name: 'careledger-no-remote-fonts',
  transform(code: string, id: string) {
    return id.includes('nhsuk-frontend') && id.endsWith('.css') ? code.replace(/@font-face\s*\{[^}]*\}/g, '') : null;
  },
};

export default defineConfig({
  plugins: [noRemoteFonts],
  build: {
    outDir: '../api/target/classes/static',
    emptyOutDir: true,
    sourcemap: false,
    // nhsuk-frontend's CSS is minified already and carries an IE hack lightningcss refuses
    cssMinify: false,
    chunkSizeWarningLimit: 300,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/fhir': 'http://127.0.0.1:8080',
      '/oauth2': 'http://127.0.0.1:8080',
      '/login': 'http://127.0.0.1:8080',
      '/connect': 'http://127.0.0.1:8080',
    },
  },
  test: { environment: 'node', include: ['src/**/*.test.ts'] },
});
