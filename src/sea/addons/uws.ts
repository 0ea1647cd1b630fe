/** Single executable: stands for the `uWebSockets.js` package (its loader `require`s a `.node` file by a relative path). */
import { loadAddon } from './load.ts';

export default loadAddon('uws.node');
