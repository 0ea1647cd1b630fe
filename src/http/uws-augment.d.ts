// The bundled .d.ts of the uWS build is older than its binary (DEPENDENCY-NOTES): these exist at run time.
import 'uWebSockets.js';

declare module 'uWebSockets.js' {
  interface TemplatedApp {
    /** Closes every listen socket and every open connection. */
    close(): void;
  }
}
