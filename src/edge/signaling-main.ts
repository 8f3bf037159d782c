// Starts the WebRTC signaling server: `npx vite-node src/edge/signaling-main.ts -- --port 8787`.
import { startSignalingServer } from './signaling';

const arg = process.argv.indexOf('--port');
const port = Number(arg >= 0 ? process.argv[arg + 1] : process.env.AURA_SIGNALING_PORT ?? 8787);
const server = await startSignalingServer({ port, host: process.env.AURA_SIGNALING_HOST ?? '127.0.0.1' });
console.log(`signaling server on ${server.url}`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
