// Calibration, not a product: a byte-level TCP proxy in front of the upstream. What one more process on the path
// costs on this machine, before any HTTP is parsed. Usage: node --import tsx bench/tcp-proxy.ts <upstream port>
import { connect, createServer } from 'node:net';

const upstreamPort = Number(process.argv[2]);
const server = createServer((client) => {
  client.setNoDelay(true);
  const up = connect(upstreamPort, '127.0.0.1');
  up.setNoDelay(true);
  client.pipe(up).pipe(client);
  const close = (): void => {
    client.destroy();
    up.destroy();
  };
  client.on('error', close);
  up.on('error', close);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${(server.address() as { port: number }).port}\n`));
process.on('SIGTERM', () => process.exit(0));
