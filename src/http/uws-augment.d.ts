// The bundled .d.ts of the uWS build is older than its binary (DEPENDENCY-NOTES): these exist at run time.
import 'uWebSockets.js';

declare module 'uWebSockets.js' {
  interface TemplatedApp {
    /** Closes every listen socket and every open connection. */
    close(): void;
    /** Listens on host:port with options (e.g. LIBUS_LISTEN_EXCLUSIVE_PORT = 1: no SO_REUSEPORT sharing). */
    listen(host: RecognizedString, port: number, options: number, cb: (listenSocket: us_listen_socket | false) => void | Promise<void>): TemplatedApp;
  }
}
